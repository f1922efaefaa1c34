"""Timers: which cases have due timers, firing them, and who hears of it."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Collection, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.engine import audit_chain, store, txn
from app.engine.functions import RunContext
from app.engine.indexes import read_open_rows, waiting_timers
from app.models import Case, CaseStatus, Timer

# A due timer the engine did not fire (still waiting after the refresh) is tried
# again after a growing pause; after MAX_ATTEMPTS it becomes an incident.
MAX_ATTEMPTS = 5
BACKOFF = dt.timedelta(minutes=1)


def _pending_due(at: dt.datetime):
    return (
        Timer.is_pending,
        Timer.failed_at.is_(None),
        Timer.due_at <= at,
        or_(Timer.next_attempt_at.is_(None), Timer.next_attempt_at <= at),
    )


def due_timer_case_ids(
    session: Session, at: dt.datetime, limit: int = 200, exclude: Collection[int] = ()
) -> list[int]:
    """Cases with a timer due at `at`, most overdue first; `exclude`: cases this sweep
    has already tried (held by another scheduler, or failed)."""
    query = select(Timer.case_id).where(*_pending_due(at)).order_by(Timer.due_at).limit(limit)
    if exclude:
        query = query.where(Timer.case_id.not_in(list(exclude)))
    seen: dict[int, None] = {}
    for (case_id,) in session.execute(query).all():
        seen.setdefault(case_id, None)
    return list(seen)


def lock_due(session: Session, case_ids: list[int], at: dt.datetime) -> list[int]:
    """Lock a group of cases with their due timers in one statement (SKIP LOCKED) and
    read what their steps will read, one statement a table: fire_case_timers then
    needs no statement but its writes.  Returns the ids locked."""
    locked = store.lock_cases_with_rows(session, case_ids, Timer, *_pending_due(at))
    ids = list(locked)
    if ids:
        txn.memory(session, "due_timers").update(locked)
        audit_chain.read_heads(session, ids)
        read_open_rows(session, ids)
    return ids


def _event_values(workflow) -> dict[str, object]:
    return {str(t.id): copy.deepcopy(t._get_internal_data("event_value")) for t in waiting_timers(workflow)}


def _coalesce_cycle(task, at: dt.datetime) -> None:
    """A cycle that fell behind (the scheduler was down, or the interval is shorter
    than a sweep) fires once and moves on to its first occurrence after `at`, so a
    cycling timer is never due for ever."""
    value = task._get_internal_data("event_value")
    if not isinstance(value, dict) or not value.get("duration") or value.get("cycles", 0) == 0:
        return
    following = dt.datetime.fromisoformat(value["next"])
    if following > at:
        return
    step = dt.timedelta(seconds=value["duration"])
    missed = (at - following) // step + 1
    if value["cycles"] > 0:
        missed = min(missed, value["cycles"])
        value["cycles"] -= missed
    value["next"] = (following + missed * step).isoformat()
    task._set_internal_data(event_value=value)


NOT_FIRED = "计时器已到期，但流程引擎未能触发"


def mark_not_fired(timers: Iterable[Timer], at: dt.datetime, reason: str = NOT_FIRED) -> None:
    """Due but not fired: try again later, after a growing pause; an incident in the end."""
    for timer in timers:
        timer.attempts += 1
        timer.last_error = reason[:2000]
        if timer.attempts >= MAX_ATTEMPTS:
            timer.failed_at = at
        else:
            timer.next_attempt_at = at + BACKOFF * 2 ** (timer.attempts - 1)


def fire_case_timers(session: Session, case_id: int, at: dt.datetime) -> list[Timer]:
    """Fire the due timers of one case.  Another scheduler holding the case is skipped
    (SKIP LOCKED on PostgreSQL); a timer already fired is never fired again; a cycle
    timer that fired stays pending with its next due time."""
    locked = txn.prefetched(session, "due_timers", case_id)
    if locked is not None:  # locked with its group (lock_due); a step of another case may have moved it
        case, due = locked[0], [t for t in locked[1] if t.is_pending]
    else:
        case, due = store.lock_case_with_rows(session, case_id, Timer, *_pending_due(at))
    if case is None or case.status != CaseStatus.ACTIVE or not due:
        return []
    workflow = store.restore(case)
    before = _event_values(workflow)
    ctx = RunContext(session=session, case=case, actor=None)
    with store.running(ctx, "计时器触发出错"):
        workflow.refresh_timers()
    waiting = {str(t.id): t for t in waiting_timers(workflow)}
    cycled = {
        t.engine_task_id
        for t in due
        if t.engine_task_id in waiting
        and waiting[t.engine_task_id]._get_internal_data("event_value") != before.get(t.engine_task_id)
    }
    for task_id in cycled:
        _coalesce_cycle(waiting[task_id], at)
    fired = [t for t in due if t.engine_task_id not in waiting or t.engine_task_id in cycled]
    mark_not_fired([t for t in due if t not in fired], at)
    if not fired:
        session.flush()
        return []
    ctx.timers_recorded = {t.engine_task_id for t in fired}
    store.run(workflow, ctx)

    def record() -> None:
        for timer in fired:
            if timer.engine_task_id in cycled:
                timer.attempts, timer.next_attempt_at = 0, None
            else:
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
