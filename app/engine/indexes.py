"""The task and timer indexes: rows that mirror what a workflow waits for.

task_item rows are the user tasks that are READY, timer rows the timer events that
are WAITING; inbox, board, escalation and the scheduler read these, never the state.
"""

from __future__ import annotations

import datetime as dt
from typing import Collection

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, lazyload

from app.engine import limits, txn
from app.engine.binding import callee_meta
from app.engine.errors import ProcessFailure
from app.models import Case, MessageSubscription, TaskItem, Timer

MAX_CORRELATION_VALUES = 50  # a case waits under at most this many values of one key


def timer_due(task) -> dt.datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(value, dict):  # cycle timers keep {"next": iso, ...}
        value = value.get("next")
    due = TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None
    return due


def is_timer_event(task) -> bool:
    return isinstance(task.task_spec, CatchingEvent) and isinstance(
        task.task_spec.event_definition, TimerEventDefinition
    )


def waiting_timers(workflow) -> list:
    return [t for t in workflow.get_tasks(state=TaskState.WAITING) if is_timer_event(t)]


def step_key(meta: dict, task) -> str:
    """How the version's meta names a task's element: its id in the main process
    (and its embedded sub-processes), `<process>:<id>` in a called process, whose
    roles, forms and timers are its own even when it reuses an id of the caller."""
    scopes = meta.get("scopes") or {}
    owner = scopes.get(task.workflow.spec.name, meta.get("process_id"))
    element_id = task.task_spec.bpmn_id
    return element_id if owner in (None, meta.get("process_id")) else f"{owner}:{element_id}"[:100]


def sync_indexes(
    session: Session,
    case: Case,
    workflow,
    at: dt.datetime,
    *,
    version_changed: bool = False,
    ran: Collection[str] = (),
) -> tuple[list[dict], list[Timer]]:
    """Bring task_item and timer rows in line with the workflow.  New rows go in as
    one bulk INSERT per table: this runs on every engine step.  Returns the timers
    armed by this step and the timer rows it fired: `ran`, the timers that ran inside
    the step (a deadline passed while a message or another branch moved the case),
    are marked fired, not cancelled, so that their escalation is not lost.
    `version_changed`: the case moved to another version (its old one may have left
    rows this one's diagram would not explain)."""
    meta = callee_meta(case.process_version.meta, getattr(workflow, "bound", None))
    steps = meta.get("steps", {})
    timer_meta = meta.get("timers", {})
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    waiting = {str(t.id): t for t in waiting_timers(workflow)}

    open_items, pending = _open_rows(session, case.id)
    for item in open_items:
        if item.engine_task_id not in ready:
            item.completed_at, item.outcome = at, "cancelled"
    # kept for the step's listeners (escalation marks these tasks): no second read
    txn.memory(session, "open_task_items")[case.id] = [i for i in open_items if i.completed_at is None]
    known_timers = {t.engine_task_id: t for t in pending}
    passed: list[Timer] = []
    for timer in pending:
        if timer.engine_task_id in waiting:
            continue
        if timer.engine_task_id in ran:
            timer.fired_at = at
            passed.append(timer)
        else:
            timer.cancelled_at = at

    # Due dates of steps come from their deadline (or cutoff) timers; warnings too.
    new_timers: list[dict] = []
    due_by_step: dict[str, dt.datetime] = {}
    warn_by_step: dict[str, dt.datetime] = {}
    for task_id, task in waiting.items():
        element_id = step_key(meta, task)
        info = timer_meta.get(element_id, {})
        due = timer_due(task)
        if due is None:
            continue
        if due > limits.horizon_from(at):
            name = info.get("name") or element_id
            raise ProcessFailure(f"{limits.horizon_message()}：“{name}”定在 {due:%Y-%m-%d}")
        step = info.get("step")
        if step and info.get("kind") in ("deadline", "cutoff"):
            due_by_step[step] = min(due, due_by_step.get(step, due))
        elif step and info.get("kind") == "warning":
            warn_by_step[step] = min(due, warn_by_step.get(step, due))
        if task_id in known_timers:
            if known_timers[task_id].due_at != due:  # a cycle moved on
                known_timers[task_id].due_at = due
        else:
            new_timers.append(
                {
                    "case_id": case.id,
                    "bureau_id": case.bureau_id,
                    "engine_task_id": task_id,
                    "element_id": element_id,
                    "name": info.get("name", ""),
                    "step": step,
                    "kind": info.get("kind", "wait"),
                    "due_at": due,
                    "created_at": at,
                }
            )

    known_items = {i.engine_task_id for i in open_items}
    new_items: list[dict] = []
    for task_id, task in ready.items():
        step_id = step_key(meta, task)
        if task_id in known_items:
            item = next(i for i in open_items if i.engine_task_id == task_id)
            item.due_at = due_by_step.get(step_id, item.due_at)
            continue
        info = steps.get(step_id, {})
        new_items.append(
            {
                "case_id": case.id,
                "engine_task_id": task_id,
                "step": step_id,
                "name": info.get("name") or task.task_spec.bpmn_name or step_id,
                "role": info.get("role") or "",
                "bureau_id": case.bureau_id,
                "due_at": due_by_step.get(step_id),
                "warn_at": warn_by_step.get(step_id),
                "created_at": at,
            }
        )
    # Core inserts on the session's connection: the ORM's bulk insert costs more than
    # the statement itself here, and nothing in the session needs these rows as objects
    connection = session.connection()
    if new_timers:
        connection.execute(insert(Timer.__table__), new_timers)
    if new_items:
        connection.execute(insert(TaskItem.__table__), new_items)
    if version_changed or may_wait_for_messages(meta):
        sync_subscriptions(session, case, workflow, at)
    txn.flush(session)
    return new_timers, passed


def _open_rows(session: Session, case_id: int) -> tuple[list[TaskItem], list[Timer]]:
    """The case's open task items and pending timers: read for its group already
    (read_open_rows), else read now."""
    known = txn.prefetched(session, "open_rows", case_id)
    if known is None:
        read_open_rows(session, [case_id])
        known = txn.prefetched(session, "open_rows", case_id)
    items, timers = known
    # what this transaction changed since the read counts (a timer just fired)
    return [i for i in items if i.completed_at is None], [t for t in timers if t.is_pending]


def read_open_rows(session: Session, case_ids: list[int]) -> None:
    """Read the open task items and pending timers of locked cases, two statements for
    all of them, for each case's first sync_indexes in this transaction."""
    rows: dict[int, tuple[list, list]] = {case_id: ([], []) for case_id in case_ids}
    # lazyload: the cases are already in the session; joined loads here only cost time.
    for item in session.scalars(
        select(TaskItem)
        .options(lazyload("*"))
        .where(TaskItem.case_id.in_(case_ids), TaskItem.completed_at.is_(None))
    ):
        rows[item.case_id][0].append(item)
    for timer in session.scalars(
        select(Timer).options(lazyload("*")).where(Timer.case_id.in_(case_ids), Timer.is_pending)
    ):
        rows[timer.case_id][1].append(timer)
    txn.memory(session, "open_rows").update(rows)  # strong references: the session's are weak


def open_task_items(session: Session, case_id: int, step: str) -> list[TaskItem]:
    """The open tasks of a step of a case: those this transaction's engine step has
    just brought in line, else read."""
    known = txn.memory(session, "open_task_items").get(case_id)
    if known is not None:
        return [i for i in known if i.step == step and i.completed_at is None]
    return session.scalars(
        select(TaskItem)
        .options(lazyload("*"))
        .where(TaskItem.case_id == case_id, TaskItem.step == step, TaskItem.completed_at.is_(None))
    ).all()


# --- messages ----------------------------------------------------------------


def may_wait_for_messages(meta: dict) -> bool:
    """Whether a case of this version can ever wait for a message (a catching event
    other than a start of the process itself, or a call whose callee may): if not, it
    has no subscriptions to keep in line."""
    if "messages" not in meta:  # a version stored before its messages were noted
        return True
    messages = meta["messages"] or {}
    return bool(set(messages.get("catches") or ()) - set(messages.get("starts") or ())) or bool(
        meta.get("calls")
    )


def waiting_messages(workflow) -> list:
    return [
        t
        for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
    ]


def correlation_keys(definition) -> list[str]:
    """The correlation keys a message names (bpmn:correlationProperty ids)."""
    return sorted({p.name for p in getattr(definition, "correlation_properties", None) or []})


def case_values(case: Case, key: str, data: dict | None = None) -> list[str]:
    """What a case is known by under a correlation key: its register entries, its
    subject's credit code, its number (business key), or a variable of its own."""
    if key == "register_entry_id":
        values = [case.register_entry_id, *((case.facts or {}).get("entry_ids") or [])]
    elif key == "credit_code":
        values = [case.credit_code]
    elif key in ("business_key", "case_number"):
        values = [case.number]
    else:
        value = (data or {}).get(key, (case.facts or {}).get(key))
        values = value if isinstance(value, list) else [value]
    seen: dict[str, None] = {}
    for value in values:
        if value is not None and str(value) != "":
            seen.setdefault(str(value)[:200], None)
    return list(seen)[:MAX_CORRELATION_VALUES]


def sync_subscriptions(session: Session, case: Case, workflow, at: dt.datetime) -> None:
    """message_subscription rows = the message events the case waits on now."""
    wanted: set[tuple] = set()
    if not workflow.is_completed():
        for task in waiting_messages(workflow):
            definition = task.task_spec.event_definition
            keys = correlation_keys(definition)
            base = (str(task.id), task.task_spec.bpmn_id, definition.name[:200])
            if not keys:
                wanted.add((*base, "", ""))
            for key in keys:
                for value in case_values(case, key, task.data):
                    wanted.add((*base, key, value))
    rows = session.scalars(
        select(MessageSubscription).options(lazyload("*")).where(MessageSubscription.case_id == case.id)
    ).all()
    have = {(r.engine_task_id, r.element_id, r.message, r.key, r.value): r for r in rows}
    gone = [r.id for k, r in have.items() if k not in wanted]
    if gone:
        session.execute(delete(MessageSubscription).where(MessageSubscription.id.in_(gone)))
    new = [
        {
            "case_id": case.id,
            "engine_task_id": t,
            "element_id": e,
            "message": m,
            "key": k,
            "value": v,
            "created_at": at,
        }
        for (t, e, m, k, v) in sorted(wanted - set(have))
    ]
    if new:
        session.execute(insert(MessageSubscription), new)
