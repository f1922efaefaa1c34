"""Running cases: start, complete, claim, fire timers.

One engine step = load the case row (locked), restore the workflow, act, run the
engine, save the state with a version check, bring the task and timer indexes up to
date, append audit events.  The caller commits once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from contextlib import contextmanager
from typing import Any, Iterable

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, lazyload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from app.calendar.workdays import SHANGHAI, local_date
from app.clock import now
from app.domain.roles import role_label
from app.engine import forms, state
from app.engine.errors import Conflict, FormInvalid, InvalidProcess, NotAllowed, ProcessFailure
from app.engine.expressions import ExpressionError
from app.engine.functions import RunContext, current_run
from app.models import AuditEvent, Case, ProcessVersion, TaskItem, Timer, User

CASE_PREFIX = {"repair": "XF", "listing": "LR"}
RESULT_KEY = "case_result"


# --- loading and saving ------------------------------------------------------

_SPECS: dict[tuple[int, str], tuple] = {}


def forget_specs() -> None:
    """Drop every cached spec (what a restarted process starts with)."""
    _SPECS.clear()
    state.load_spec.cache_clear()


def _spec_for(version: ProcessVersion):
    """The restored spec of a version; versions never change once stored, so the
    spec (and its large JSON column) is read once per process."""
    key = (version.id, version.content_hash)
    cached = _SPECS.get(key)
    if cached is not None:
        return cached
    if not version.spec_json:
        raise InvalidProcess(f"流程“{version.name}”第 {version.number} 版有错误，不能运行", version.errors)
    digest = hashlib.sha256(version.spec_json.encode("utf-8")).hexdigest()
    _SPECS[key] = state.load_spec(digest, version.spec_json)
    return _SPECS[key]


def _lock_case(session: Session, case_id: int) -> Case:
    # lazyload: the version and bureau are usually in the session already.
    # populate_existing: the case may already sit in the session from before the lock;
    # what counts is the row as it is now that we hold it.
    stmt = (
        select(Case)
        .options(lazyload("*"), undefer(Case.state))
        .where(Case.id == case_id)
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    )
    case = session.execute(stmt).unique().scalar_one_or_none()
    if case is None:
        raise Conflict("案件不存在")
    return case


def _restore(case: Case):
    spec, subprocess_specs = _spec_for(case.process_version)
    return state.load_state(case.state, spec, subprocess_specs)


def _save(session: Session, case: Case, workflow, at: dt.datetime) -> None:
    new_state = state.dump_state(workflow)
    values: dict[str, Any] = {"state": new_state, "version": case.version + 1, "updated_at": at}
    if workflow.is_completed():
        values["status"] = _outcome(workflow)
        values["ended_at"] = at
    result = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == case.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("该案件刚刚已被他人处理，请刷新后查看")
    for key, value in values.items():
        set_committed_value(case, key, value)  # already written; keep the ORM from writing it again


def _outcome(workflow) -> str:
    """A finished case's status: the `case_result` its diagram's scripts set."""
    last = workflow.last_task
    last_data = last.data if last is not None else {}
    return workflow.data.get(RESULT_KEY) or last_data.get(RESULT_KEY) or "completed"


def _failure_text(exc: Exception) -> str:
    inner = getattr(exc, "exception", None) or exc.__cause__
    text = str(exc).strip()
    return f"{text}（{inner}）" if inner is not None and str(inner) not in text else text


@contextmanager
def _running(ctx: RunContext, what: str = "流程运行出错"):
    """Actions see `ctx` while the engine runs; diagram errors become ProcessFailure."""
    token = current_run.set(ctx)
    try:
        yield
    except (WorkflowException, ExpressionError, ValueError, TypeError, KeyError) as exc:
        raise ProcessFailure(f"{what}：{_failure_text(exc)}") from exc
    finally:
        current_run.reset(token)


def _run(workflow, ctx: RunContext) -> None:
    with _running(ctx):
        workflow.do_engine_steps()


# --- the indexes -------------------------------------------------------------


def _timer_due(task) -> dt.datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(value, dict):  # cycle timers keep {"next": iso, ...}
        value = value.get("next")
    due = TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None
    return due


def _waiting_timers(workflow) -> list:
    return [
        t
        for t in workflow.get_tasks(state=TaskState.WAITING)
        if isinstance(t.task_spec, CatchingEvent)
        and isinstance(t.task_spec.event_definition, TimerEventDefinition)
    ]


def sync_indexes(session: Session, case: Case, workflow, at: dt.datetime) -> None:
    """Bring task_item and timer rows in line with the workflow.  New rows go in as
    one bulk INSERT per table: this runs on every engine step."""
    meta = case.process_version.meta
    steps = meta.get("steps", {})
    timer_meta = meta.get("timers", {})
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    waiting = {str(t.id): t for t in _waiting_timers(workflow)}

    # lazyload: the case is already in the session; joined loads here only cost time.
    open_items = session.scalars(
        select(TaskItem)
        .options(lazyload("*"))
        .where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
    ).all()
    for item in open_items:
        if item.engine_task_id not in ready:
            item.completed_at, item.outcome = at, "cancelled"
    pending = session.scalars(
        select(Timer)
        .options(lazyload("*"))
        .where(Timer.case_id == case.id, Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))
    ).all()
    known_timers = {t.engine_task_id for t in pending}
    for timer in pending:
        if timer.engine_task_id not in waiting:
            timer.cancelled_at = at

    # Due dates of steps come from their deadline (or cutoff) timers; warnings too.
    new_timers: list[dict] = []
    due_by_step: dict[str, dt.datetime] = {}
    warn_by_step: dict[str, dt.datetime] = {}
    for task_id, task in waiting.items():
        element_id = task.task_spec.bpmn_id
        info = timer_meta.get(element_id, {})
        due = _timer_due(task)
        if due is None:
            continue
        step = info.get("step")
        if step and info.get("kind") in ("deadline", "cutoff"):
            due_by_step[step] = min(due, due_by_step.get(step, due))
        elif step and info.get("kind") == "warning":
            warn_by_step[step] = min(due, warn_by_step.get(step, due))
        if task_id not in known_timers:
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
        step_id = task.task_spec.bpmn_id
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
    if new_timers:
        session.execute(insert(Timer), new_timers)
    if new_items:
        session.execute(insert(TaskItem), new_items)
    session.flush()


def audit(
    session: Session,
    case: Case | None,
    actor: User | None,
    action: str,
    *,
    step: str | None = None,
    summary: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        case_id=case.id if case else None,
        at=at or now(),
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else "系统",
        action=action,
        step=step,
        summary=summary,
        data=data or {},
    )
    session.add(event)
    return event


# --- starting ----------------------------------------------------------------


def start_form(version: ProcessVersion) -> list[forms.FormField]:
    return [forms.FormField.from_dict(f) for f in version.meta.get("start_form", [])]


def task_form(version: ProcessVersion, step: str) -> list[forms.FormField]:
    step_meta = version.meta.get("steps", {}).get(step, {})
    return [forms.FormField.from_dict(f) for f in step_meta.get("form", [])]


def check_can_start(version: ProcessVersion, actor: User) -> None:
    """Only the role whose lane holds the start event may start a case."""
    role = version.meta.get("start_role")
    if role and role not in actor.roles:
        raise NotAllowed(f"只有“{role_label(role)}”可以发起“{version.name}”")


def start_case(
    session: Session,
    version: ProcessVersion,
    submitted: dict,
    actor: User | None,
    *,
    bureau_id: int,
    subject_name: str = "",
    credit_code: str | None = None,
    register_entry_id: int | None = None,
    extra_data: dict | None = None,
    as_system: bool = False,
) -> Case:
    """Validate the start form, create the case, and run it to its first wait.
    `as_system`: started by the system on someone's behalf (import, restoration), so
    the start lane's role is not required of the actor."""
    if version.state != "published":
        raise InvalidProcess(f"流程“{version.name}”第 {version.number} 版尚未发布")
    if actor is not None and not as_system:
        check_can_start(version, actor)
    clean, errors = forms.validate(start_form(version), submitted, extra_data or {})
    if errors:
        raise FormInvalid(errors)
    at = now()
    spec, subprocess_specs = _spec_for(version)
    workflow = state.new_workflow(spec, subprocess_specs)
    initial = {**(extra_data or {}), **clean, "steps": {}}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    # The number is derived from the id, known only after the insert: a unique placeholder first.
    case = Case(
        number=f"pending-{uuid.uuid4().hex}",
        process_key=version.key,
        process_version_id=version.id,
        bureau_id=bureau_id,
        subject_name=subject_name,
        credit_code=credit_code,
        register_entry_id=register_entry_id,
        status="active",
        state="",
        started_by_id=actor.id if actor else None,
        created_at=at,
        updated_at=at,
        facts=dict(extra_data or {}),
    )
    case.process_version = version
    session.add(case)
    session.flush()
    prefix = CASE_PREFIX.get(version.key, version.key[:4].upper())
    case.number = f"{prefix}{local_date(at).year}-{case.id:06d}"
    ctx = RunContext(session=session, case=case, actor=actor, data=initial)
    _run(workflow, ctx)
    case.state = state.dump_state(workflow)
    if workflow.is_completed():
        case.status = _outcome(workflow)
        case.ended_at = at
    audit(session, case, actor, "start", summary=version.name, data=clean, at=at)
    for warning in ctx.warnings:
        audit(session, case, None, "calendar_warning", summary=warning, at=at)
    sync_indexes(session, case, workflow, at)
    return case


# --- acting on tasks ---------------------------------------------------------


def _who(item: TaskItem) -> str:
    if item.completed_by is not None:
        return item.completed_by.display_name
    return "他人"


def check_can_act(item: TaskItem, actor: User) -> None:
    if actor.bureau_id != item.bureau_id:
        raise NotAllowed("只能办理本局的案件；上级机关只能查看")
    if item.role not in actor.roles:
        raise NotAllowed("您没有办理该环节的角色")
    if item.claimed_by_id is not None and item.claimed_by_id != actor.id:
        raise NotAllowed(f"该任务已由 {item.claimed_by.display_name} 认领，只有认领人可以办理")


def _open_item(session: Session, task_item_id: int) -> TaskItem:
    item = session.get(TaskItem, task_item_id)
    if item is None:
        raise Conflict("任务不存在")
    return item


def _reread_claim(session: Session, item: TaskItem) -> None:
    """With the case locked, read again what another transaction may have changed."""
    session.refresh(item, ["completed_at", "completed_by_id", "outcome", "claimed_by_id"])


def _refuse_if_closed(item: TaskItem) -> None:
    if item.completed_at is not None:
        local = item.completed_at.astimezone(SHANGHAI)
        if item.outcome == "completed":
            raise Conflict(f"该任务已由 {_who(item)} 于 {local:%Y-%m-%d %H:%M} 办理完毕")
        raise Conflict("该任务已不再需要办理（流程已转向其他环节）")


def claim(session: Session, task_item_id: int, actor: User) -> TaskItem:
    item = _open_item(session, task_item_id)
    _lock_case(session, item.case_id)
    _reread_claim(session, item)
    _refuse_if_closed(item)
    check_can_act(item, actor)
    if item.claimed_by_id != actor.id:
        item.claimed_by = actor
        audit(session, item.case, actor, "claim", step=item.step, summary=item.name)
    return item


def unclaim(session: Session, task_item_id: int, actor: User) -> TaskItem:
    item = _open_item(session, task_item_id)
    _lock_case(session, item.case_id)
    _reread_claim(session, item)
    _refuse_if_closed(item)
    if item.claimed_by_id is None:
        return item
    if item.claimed_by_id != actor.id:
        raise NotAllowed(f"该任务由 {item.claimed_by.display_name} 认领，只有认领人可以退回")
    item.claimed_by = None
    audit(session, item.case, actor, "unclaim", step=item.step, summary=item.name)
    return item


def complete(
    session: Session, task_item_id: int, submitted: dict, actor: User, expected_version: int | None = None
) -> TaskItem:
    """Complete a user task with form data; raises FormInvalid, Conflict or NotAllowed."""
    item = _open_item(session, task_item_id)
    case = _lock_case(session, item.case_id)
    _reread_claim(session, item)
    _refuse_if_closed(item)
    check_can_act(item, actor)
    if expected_version is not None and expected_version != case.version:
        raise Conflict("案件在您打开页面后已有变化，请刷新后重新办理")
    workflow = _restore(case)
    task = next(
        (
            t
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if str(t.id) == item.engine_task_id
        ),
        None,
    )
    if task is None:
        raise Conflict("该任务已不再需要办理（流程已转向其他环节）")
    clean, errors = forms.validate(task_form(case.process_version, item.step), submitted, task.data)
    if errors:
        raise FormInvalid(errors)
    at = now()
    steps = dict(task.data.get("steps") or {})
    steps[item.step] = clean
    task.data.update(clean)
    task.data["steps"] = steps
    ctx = RunContext(session=session, case=case, actor=actor, data=task.data)
    with _running(ctx):
        task.run()
    _run(workflow, ctx)
    _save(session, case, workflow, at)
    item.completed_at, item.completed_by, item.outcome = at, actor, "completed"
    if item.claimed_by_id is None:
        item.claimed_by = actor  # claimed in passing
    audit(session, case, actor, "complete", step=item.step, summary=item.name, data=clean, at=at)
    for warning in ctx.warnings:
        audit(session, case, None, "calendar_warning", step=item.step, summary=warning, at=at)
    if case.status != "active":
        audit(session, case, None, "end", summary=case.status, at=at)
    sync_indexes(session, case, workflow, at)
    return item


# --- timers ------------------------------------------------------------------


def due_timer_case_ids(session: Session, at: dt.datetime, limit: int = 200) -> list[int]:
    rows = session.execute(
        select(Timer.case_id)
        .where(
            Timer.fired_at.is_(None),
            Timer.cancelled_at.is_(None),
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
    stmt = (
        select(Case)
        .options(lazyload("*"), undefer(Case.state))
        .where(Case.id == case_id)
        .with_for_update(skip_locked=True, of=Case)
        .execution_options(populate_existing=True)
    )
    case = session.execute(stmt).unique().scalar_one_or_none()
    if case is None or case.status != "active":
        return []
    due = session.scalars(
        select(Timer).where(
            Timer.case_id == case_id,
            Timer.fired_at.is_(None),
            Timer.cancelled_at.is_(None),
            Timer.failed_at.is_(None),
            Timer.due_at <= at,
        )
    ).all()
    if not due:
        return []
    workflow = _restore(case)
    ctx = RunContext(session=session, case=case, actor=None)
    with _running(ctx, "计时器触发出错"):
        workflow.refresh_timers()
    still_waiting = {str(t.id) for t in _waiting_timers(workflow)}
    fired = [t for t in due if t.engine_task_id not in still_waiting]
    if not fired:
        return []
    _run(workflow, ctx)
    _save(session, case, workflow, at)
    for timer in fired:
        timer.fired_at = at
        audit(
            session,
            case,
            None,
            f"timer_{timer.kind}",
            step=timer.step,
            summary=timer.name or timer.element_id,
            data={"due_at": timer.due_at.isoformat()},
            at=at,
        )
    if case.status != "active":
        audit(session, case, None, "end", summary=case.status, at=at)
    sync_indexes(session, case, workflow, at)
    on_timers_fired(session, case, fired, at)
    return fired


# Hook for escalation (set by app.cases.escalation): marks tasks overdue and
# notifies supervisors.  Kept as a hook so the engine knows nothing of notifications.
def on_timers_fired(session: Session, case: Case, fired: Iterable[Timer], at: dt.datetime) -> None:
    for listener in TIMER_LISTENERS:
        listener(session, case, list(fired), at)


TIMER_LISTENERS: list = []
