"""The function the tip diagram calls when the reply is written: it becomes what the
tipster reads by tracking code, with the finding and any reward."""

from __future__ import annotations

from sqlalchemy import select

from app.clock import now
from app.engine import audit
from app.engine.functions import action, run_context
from app.models import Tip

FINDINGS = {"true", "partly", "false", "not_accepted"}
MAX_REPLY = 2000
MAX_REWARD = 300_000  # yuan


@action("答复举报人：答复内容对举报人可见（凭查询码），记录核查结论和奖励")
def tip_reply(reply, finding, reward_granted=False, reward_amount=None) -> None:
    ctx = run_context()
    tip = ctx.session.scalar(select(Tip).where(Tip.case_id == ctx.case.id)) if ctx.case else None
    if tip is None:
        raise ValueError("本案不是举报案件，不能答复举报人")
    if not isinstance(reply, str) or not reply.strip() or len(reply) > MAX_REPLY:
        raise ValueError(f"答复内容应为 1 至 {MAX_REPLY} 字的文字")
    if finding not in FINDINGS:
        raise ValueError("核查结论不明确，不能答复")
    reward = None
    if reward_granted:
        if finding not in ("true", "partly"):
            raise ValueError("举报事项不属实或未受理，不能给予奖励")
        if not isinstance(reward_amount, int) or not 0 < reward_amount <= MAX_REWARD:
            raise ValueError(f"奖励金额应为 1 至 {MAX_REWARD} 元")
        reward = reward_amount
    tip.reply, tip.finding, tip.reward_amount, tip.replied_at = reply.strip(), finding, reward, now()
    summary = "已答复举报人" + (f"，给予举报奖励 {reward} 元" if reward else "")
    audit(
        ctx.session,
        ctx.case,
        None,
        "tip_replied",
        summary=summary,
        data={"finding": finding, "reward": reward},
    )
