"""Timers: which cases have due timers, firing them, and who hears of it."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import store
from app.engine.functions import RunContext
from app.engine.indexes import waiting_timers
from app.models import Case, CaseStatus, Timer


def due_timer_case_ids(session: Session, at: dt.datetime, limit: int = 200) -> list[int]:
    rows = session.execute(
        select(Timer.case_id)
        .where(
            Timer.is_pending,
            Timer.failed_at.is_(None),
            Timer.due_at <= at,
        )
        .order_by(Timer.due_at)
        .limit(limit)
    ).all()
    seen: dict[int, None] = {}
    for (case_id,) in rows:
        seen.setdefault(case_id, None)
    return list(seen)


def fire_case_timers(session: Session, case_id: int, at: dt.datetime) -> list[Timer]:
    """Fire the due timers of one case.  Another scheduler holding the case is skipped
    (SKIP LOCKED on PostgreSQL); a timer already fired is never fired again."""
    case = store.lock_case(session, case_id, skip_locked=True)
    if case is None or case.status != CaseStatus.ACTIVE:
        return []
    due = session.scalars(
        select(Timer).where(
            Timer.case_id == case_id,
            Timer.is_pending,
            Timer.failed_at.is_(None),
            Timer.due_at <= at,
        )
    ).all()
    if not due:
        return []
    workflow = store.restore(case)
    ctx = RunContext(session=session, case=case, actor=None)
    with store.running(ctx, "计时器触发出错"):
        workflow.refresh_timers()
    still_waiting = {str(t.id) for t in waiting_timers(workflow)}
    fired = [t for t in due if t.engine_task_id not in still_waiting]
    if not fired:
        return []
    store.run(workflow, ctx)

    def record() -> None:
        for timer in fired:
            timer.fired_at = at
            store.audit(
                session,
                case,
                None,
                f"timer_{timer.kind}",
                step=timer.step,
                summary=timer.name or timer.element_id,
                data={"due_at": timer.due_at.isoformat()},
                at=at,
            )

    store.end_step(session, case, workflow, ctx, at, record=record)
    on_timers_fired(session, case, fired, at)
    return fired


# Hook for escalation (set by app.cases.escalation): marks tasks overdue and
# notifies supervisors.  Kept as a hook so the engine knows nothing of notifications.
def on_timers_fired(session: Session, case: Case, fired: Iterable[Timer], at: dt.datetime) -> None:
    for listener in TIMER_LISTENERS:
        listener(session, case, list(fired), at)


TIMER_LISTENERS: list = []
