"""Actions that diagrams call from script tasks to change the register.

Each runs inside the engine step that reached the script task, in its transaction.
"""

from __future__ import annotations

from app.clock import today
from app.engine.functions import action, run_context
from app.engine.store import audit
from app.models import IllegalTransition, RegisterEntry
from app.register.case_record import require_early_removal


def _entry(ctx) -> RegisterEntry:
    entry_id = ctx.data.get("listing_id") or (ctx.case.register_entry_id if ctx.case else None)
    entry = ctx.session.get(RegisterEntry, int(entry_id)) if entry_id else None
    if entry is None:
        raise ValueError("案件没有关联的名单记录")
    return entry


@action("提前移出：名单记录改为“已提前移出”，停止公示，解除管理措施")
def remove_early() -> None:
    ctx = run_context()
    entry = _entry(ctx)
    require_early_removal(ctx.session, ctx.case, entry)  # a granted decision, whatever the diagram
    try:
        entry.remove_early(today())
    except IllegalTransition as exc:
        raise ValueError(exc.message) from None
    audit(
        ctx.session,
        ctx.case,
        None,
        "register_removed_early",
        summary=f"{entry.subject_name} 已提前移出名单，停止公示，管理措施解除",
        data={"register_entry_id": entry.id},
    )
