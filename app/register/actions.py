"""Functions the listing, withdrawal and revocation diagrams (and the repair
follow-up) call.  Pure functions compute dates and checks; actions change the
register through the engine step that runs them (ctx.session, ctx.case).

Values come in as arguments from the diagram's scripts, never from ctx.data,
so each action reads the same whether a user, a timer or a start ran the step."""

from __future__ import annotations

import datetime as dt

from app import clock
from app.calendar import workdays as cal
from app.domain.listing_rules import period_end as _period_end
from app.domain.measures import measure_label, unknown_measures
from app.engine import functions
from app.engine.functions import _as_date, _to_int, action, pure, run_context
from app.engine.store import audit
from app.models import EntryStatus, IllegalTransition, Notification, RegisterEntry
from app.register import case_record, corrections, lifecycle, proposals

# --- pure functions ---------------------------------------------------------


@pure("指定日期 n 年后的日期（ISO 日期），如管理期满日", count=(1, "years"))
def add_years(start, n) -> str:
    return _period_end(_as_date(start), _to_int(n, "years")).isoformat()


@pure("指定日期当日结束时（北京时间 23:59:59），用于计时器")
def end_of_day(day) -> str:
    return cal.end_of_day_utc(_as_date(day)).isoformat()


@pure("某一时刻之前第 n 个工作日结束时（到期预警用）", count=(1, "workdays"))
def working_days_before(when, n) -> str:
    day, counted, target = _as_date(when), 0, _to_int(n, "workdays")
    overrides = functions.overrides_provider()
    while counted < target:
        day -= dt.timedelta(days=1)
        if cal.is_workday(day, overrides):
            counted += 1
    return cal.end_of_day_utc(day).isoformat()


@pure("列表 a 的每一项都在列表 b 中（空列表视为是）")
def is_subset(a, b) -> bool:
    return set(a or []) <= set(b or [])


@pure("管理措施代码都是系统认识的措施")
def valid_measures(codes) -> bool:
    return bool(codes) and not unknown_measures(codes)


# --- listing procedure ------------------------------------------------------


def _ctx():
    ctx = run_context()
    return ctx, ctx.session, ctx.case


def _action(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except IllegalTransition as exc:
        raise ValueError(exc.message) from None


@action("制作拟列入告知书（每个主体一份）")
def issue_notice(situation, measures, facts, statement_days) -> int:
    _, session, case = _ctx()
    if _to_int(statement_days) < 1:  # the party's right to state its case needs a period
        raise ValueError("拟列入告知书给予的陈述申辩期限至少为 1 个工作日")
    return len(
        lifecycle.issue_notices(
            session,
            case,
            situation=situation,
            measures=measures,
            facts=facts,
            statement_days=_to_int(statement_days),
        )
    )


@action("制作陈述申辩记录及复核意见")
def record_statement_review(statement, points, findings, adopted, review_opinion, final_measures) -> int:
    _, session, case = _ctx()
    return len(
        lifecycle.record_review(
            session,
            case,
            statement=statement or "",
            points="；".join(points or []),
            findings="；".join(findings or []),
            adopted="采纳" if adopted else "不予采纳",
            review_opinion=review_opinion or "",
            measures="；".join(measure_label(m) for m in final_measures or []),
        )
    )


@action("作出列入决定：主体列入名单，制作列入决定书和信用修复告知书（两书同达）")
def decide_listing(decided_on, period_end, final_measures, reasons) -> int:
    _, session, case = _ctx()
    case_record.require_listing(session, case, lifecycle.case_entries(session, case, {EntryStatus.PROPOSED}))
    return len(
        _action(
            lifecycle.decide,
            session,
            case,
            decided_on=_as_date(decided_on),
            period_end=_as_date(period_end),
            measures=final_measures,
            reasons=reasons or "",
        )
    )


@action("决定不予列入")
def drop_listing(reasons) -> None:
    _, session, case = _ctx()
    _action(lifecycle.drop, session, case, reasons or "")


@action("记录送达（方式、日期、受送达人），制作送达回证")
def record_service(served_on, method, recipient) -> int:
    _, session, case = _ctx()
    return len(
        lifecycle.record_service(
            session, case, served_on=str(served_on), method=str(method), recipient=str(recipient)
        )
    )


@action("在公开名单中公示本案主体")
def publish_listing() -> int:
    _, session, case = _ctx()
    return _action(lifecycle.publish, session, case)


@action("本案仍在管理期内的主体的管理期满日（ISO 日期）")
def management_end() -> str:
    _, session, case = _ctx()
    return lifecycle.management_end(session, case).isoformat()


@action("本案受管理措施约束（已列入、恢复列入、修复中止）的主体数")
def active_subjects() -> int:
    _, session, case = _ctx()
    return sum(1 for e in lifecycle.case_entries(session, case) if e.is_active)


@action("管理期满的主体移出名单、停止公示、解除措施；返回仍在管理期内的主体数")
def expire_due() -> int:
    _, session, case = _ctx()
    return _action(lifecycle.expire_due, session, case)


@action("本案结果：expired、withdrawn、removed_early 等")
def listing_result() -> str:
    _, session, case = _ctx()
    return lifecycle.listing_result(session, case)


@action("下一个可申请提前移出的日期（ISO 日期，今天及以后）；没有则为 fallback 之后一年")
def repair_eligible_from(fallback) -> str:
    # kept for diagrams deployed before next_repair_eligible(): their running cases
    # still call it (it parks the reminder after the period when none is due)
    _, session, case = _ctx()
    today = clock.today()
    days = [
        e.eligible_on
        for e in lifecycle.case_entries(session, case, {EntryStatus.LISTED})
        if e.eligible_on and e.eligible_on >= today
    ]
    return min(days).isoformat() if days else add_years(fallback, 1)


@action("本案在名单上的主体中尚未满12个月者最早满12个月之日（ISO 日期）；都已满或都不在名单上时为空")
def next_repair_eligible() -> str:
    _, session, case = _ctx()
    today = clock.today()
    days = [
        e.eligible_on
        for e in lifecycle.case_entries(session, case, {EntryStatus.LISTED})
        if e.eligible_on and e.eligible_on >= today
    ]
    return min(days).isoformat() if days else ""


@action("提醒承办人：主体已满足提前移出的时间条件")
def note_repair_eligible() -> None:
    ctx, session, case = _ctx()
    names = [e.subject_name for e in lifecycle.case_entries(session, case, {EntryStatus.LISTED})]
    if not names:
        return
    message = f"{'、'.join(names)} 列入已满12个月，可依申请办理信用修复（提前移出）"
    session.add(
        Notification(
            bureau_id=case.bureau_id, role="officer", case_id=case.id, kind="reminder", message=message[:500]
        )
    )
    audit(session, case, None, "repair_eligible", summary=message[:500])


# --- exceptional paths ------------------------------------------------------


def _case_entry(session, case) -> RegisterEntry:
    entry = session.get(RegisterEntry, case.register_entry_id) if case.register_entry_id else None
    if entry is None:
        raise ValueError("案件没有关联的名单记录")
    return entry


@action("行政处罚被撤销或变更：撤销列入，停止公示，解除措施，制作撤销列入决定书")
def withdraw_listing(revoked_by, revocation_number, revoked_on, reasons) -> int:
    _, session, case = _ctx()
    case_record.require_withdrawal(session, case, str(revocation_number or ""))
    return len(
        _action(
            corrections.withdraw,
            session,
            case,
            _case_entry(session, case),
            revoked_by=str(revoked_by),
            revocation_number=str(revocation_number),
            revoked_on=str(revoked_on),
            reasons=str(reasons or ""),
        )
    )


@action("撤销提前移出决定，恢复列入（剩余管理期按设置计算），制作撤销提前移出决定书")
def revoke_early_removal(grounds, findings, reasons) -> str:
    _, session, case = _ctx()
    entry = _case_entry(session, case)
    case_record.require_restoration(session, case)
    _action(
        corrections.restore,
        session,
        case,
        entry,
        grounds=str(grounds),
        findings=str(findings or ""),
        reasons=str(reasons or ""),
    )
    return entry.expires_on.isoformat()


@action("由“恢复列入”消息发起的名单案件接管该主体（管理期、检查、期满移出由本案办理）；返回主体数")
def take_over_entries() -> int:
    _, session, case = _ctx()
    return len(proposals.take_over(session, case, [_case_entry(session, case)]))


@action("回访发现隐患反弹：中止信用修复结果，恢复公示和措施，制作责令整改通知书")
def suspend_repair(findings, order, rectify_days) -> str:
    _, session, case = _ctx()
    entry = _case_entry(session, case)
    _action(
        corrections.suspend,
        session,
        case,
        entry,
        findings=str(findings or ""),
        order=str(order or ""),
        rectify_days=_to_int(rectify_days),
    )
    return entry.suspended_on.isoformat()


@action("整改到位：恢复信用修复结果（提前移出）")
def resume_repair() -> None:
    _, session, case = _ctx()
    _action(corrections.resume, session, case, _case_entry(session, case))
