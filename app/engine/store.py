"""Cases in the database: the spec cache, the case lock, restore, save, audit.

One engine step = lock the case row, restore the workflow, act, run the engine,
then `end_step`: save the state with a version check, record what happened, bring
the task and timer indexes up to date.  The caller commits once.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Callable

from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import select, update
from sqlalchemy.orm import Session, lazyload, object_session, undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.calendar.workdays import local_date
from app.clock import now
from app.engine import audit_chain, binding, incidents, limits, state, txn
from app.engine.errors import Conflict, InvalidProcess, ProcessFailure
from app.engine.expressions import ExpressionError
from app.engine.functions import RunContext, current_run
from app.engine.indexes import is_timer_event, step_key, sync_indexes, timer_due
from app.engine.messages import engine_message
from app.models import AuditEvent, Case, CaseStatus, Incident, ProcessVersion, TaskItem, User

RESULT_KEY = "case_result"
MAX_CACHED_SPECS = 64

# The one spec cache: (version id, content hash) -> (spec, subprocess specs).
# Versions never change once stored, so the spec (and its large JSON column) is
# read once per process.
_SPECS: dict[tuple[int, str], tuple] = {}


def forget_specs() -> None:
    """Drop every cached spec (what a restarted process starts with)."""
    _SPECS.clear()


def spec_for(version: ProcessVersion) -> tuple:
    key = (version.id, version.content_hash)
    cached = _SPECS.get(key)
    if cached is not None:
        return cached
    if not version.spec_json:
        raise InvalidProcess(f"流程“{version.name}”第 {version.number} 版有错误，不能运行", version.errors)
    if len(_SPECS) >= MAX_CACHED_SPECS:
        _SPECS.pop(next(iter(_SPECS)))  # the oldest entry
    _SPECS[key] = state.load_spec(version.spec_json)
    return _SPECS[key]


def lock_case(session: Session, case_id: int, *, skip_locked: bool = False) -> Case | None:
    """The case row, locked for this transaction.  With `skip_locked` a case another
    transaction holds is passed over (None; SKIP LOCKED on PostgreSQL); without it a
    missing case is a Conflict."""
    loaded = _related_in_session(session, case_id)
    row = session.execute(_locking(select(Case), skip_locked).where(Case.id == case_id)).one_or_none()
    if row is None:
        if skip_locked:
            return None
        raise Conflict("案件不存在")
    return _locked(session, row, loaded)


CLAIM_COLUMNS = ("completed_at", "completed_by_id", "outcome", "claimed_by_id")


def lock_case_of_task(session: Session, item: TaskItem) -> Case:
    """The task's case, locked, with the task's claim and completion read again in the
    same statement: another transaction may have claimed or completed it meanwhile."""
    loaded = _related_in_session(session, item.case_id)
    columns = [getattr(TaskItem, name) for name in CLAIM_COLUMNS]
    # The task row is locked too: after waiting for the case, PostgreSQL reads again
    # only the rows it locks; a merely joined row would be the one from before the wait.
    stmt = _locking(select(Case), False, also=TaskItem).add_columns(*columns)
    row = session.execute(
        stmt.join(TaskItem, TaskItem.case_id == Case.id).where(TaskItem.id == item.id)
    ).one_or_none()
    if row is None:
        raise Conflict("案件不存在")
    for name, value in zip(CLAIM_COLUMNS, row[2:]):
        set_committed_value(item, name, value)
    session.expire(item, ["claimed_by", "completed_by"])  # loaded again if a message names them
    return _locked(session, row, loaded)


def lock_case_with_rows(session: Session, case_id: int, model, *where) -> tuple[Case | None, list]:
    """The case and its rows of `model` (a table with case_id) that match `where`, all
    locked in one statement; a case another transaction holds is passed over (SKIP
    LOCKED), and so is a case with no such rows: (None, []).  The rows are locked so
    that PostgreSQL reads them again if they changed before the lock was taken."""
    return lock_cases_with_rows(session, [case_id], model, *where).get(case_id, (None, []))


def lock_cases_with_rows(
    session: Session, case_ids: list[int], model, *where
) -> dict[int, tuple[Case, list]]:
    """lock_case_with_rows for several cases in one statement: {case id: (case,
    rows)} for those locked (held ones and ones without such rows are left out)."""
    loaded = {case_id: _related_in_session(session, case_id) for case_id in case_ids}
    stmt = (
        _locking(select(Case), True, also=model)
        .add_columns(model)
        .options(lazyload(model.case))
        .join(model, model.case_id == Case.id)
        .where(Case.id.in_(case_ids), *where)
    )
    locked: dict[int, tuple[Case, list]] = {}
    for row in session.execute(stmt).all():
        if row[0].id not in locked:
            locked[row[0].id] = (_locked(session, row, loaded[row[0].id]), [])
        locked[row[0].id][1].append(row[2])
    return locked


def _locking(stmt, skip_locked: bool, also=None):
    """The case and whether a failed step left it an open incident, with the lock.
    lazyload: the version and bureau are usually in the session already.
    populate_existing: the case may already sit in the session from before the lock;
    what counts is the row as it is now that we hold it."""
    open_incident = (
        select(Incident.id)
        .where(Incident.case_id == Case.id, Incident.kind == "step", Incident.resolved_at.is_(None))
        .exists()
    )
    return (
        stmt.add_columns(open_incident.label("open_incident"))
        .options(lazyload(Case.process_version), lazyload(Case.bureau), lazyload(Case.started_by))
        .options(undefer(Case.state))
        .with_for_update(skip_locked=skip_locked, of=[Case, also] if also is not None else Case)
        .execution_options(populate_existing=True)
    )


def _locked(session: Session, row, loaded: dict) -> Case:
    case = row[0]
    _keep_related(case, loaded)
    audit_chain.note_locked(session, case.id)
    txn.memory(session, "open_step_incident")[case.id] = bool(row[1])
    # held for the transaction: the session keeps objects weakly, and the next case of a
    # sweep's group most likely runs the same version
    txn.memory(session, "versions")[case.process_version_id] = case.process_version
    return case


_KEPT = ("process_version", "bureau")


def _related_in_session(session: Session, case_id: int) -> dict:
    """The version and bureau of a case already in the session.  Reading the case
    again (populate_existing) drops its references to them, and the session holds
    objects weakly: without these references they would be read again."""
    case = session.identity_map.get(identity_key(Case, case_id))
    return {name: case.__dict__[name] for name in _KEPT if case is not None and name in case.__dict__}


def _keep_related(case: Case, loaded: dict) -> None:
    for name, related in loaded.items():
        if related is not None and getattr(case, f"{name}_id") == related.id:
            set_committed_value(case, name, related)


def restore(case: Case):
    """The case's workflow, with the called processes' versions it runs (binding)."""
    spec, subprocess_specs = spec_for(case.process_version)
    session = object_session(case)
    bound = None

    def rebind(recorded: dict) -> dict:
        nonlocal bound
        specs, bound = binding.bind(session, case.process_version, subprocess_specs, recorded, spec_for)
        return specs

    workflow = state.load_state(case.state, spec, subprocess_specs, rebind if session is not None else None)
    workflow.bound = bound
    return workflow


def new_workflow(session: Session, version: ProcessVersion):
    """A new workflow of a version; its calls bind when they run."""
    spec, subprocess_specs = spec_for(version)
    specs, bound = binding.bind(session, version, subprocess_specs, {}, spec_for)
    workflow = state.new_workflow(spec, specs)
    workflow.bound, workflow.called_versions = bound, {}
    return workflow


def outcome(workflow) -> str:
    """A finished case's status: the `case_result` its diagram's scripts set."""
    last = workflow.last_task
    last_data = last.data if last is not None else {}
    return workflow.data.get(RESULT_KEY) or last_data.get(RESULT_KEY) or CaseStatus.COMPLETED.value


def save(session: Session, case: Case, workflow, at: dt.datetime) -> None:
    """Write the state if nobody else wrote the case since we read it."""
    if getattr(workflow, "bound", None) is not None:
        workflow.called_versions = binding.record_calls(workflow, workflow.bound)
    new_state = state.dump_state(workflow)
    values: dict[str, Any] = {"state": new_state, "version": case.version + 1, "updated_at": at}
    if workflow.is_completed():
        values["status"] = outcome(workflow)
        values["ended_at"] = at
    # A Core UPDATE on the session's connection: no autoflush (what the step added goes
    # in with the rest, at one flush) and none of the ORM's bulk-update work, which costs
    # more than the statement on this path every step takes.
    table = Case.__table__
    result = session.connection().execute(
        update(table).where(table.c.id == case.id, table.c.version == case.version).values(**values)
    )
    if result.rowcount != 1:
        raise Conflict("该案件刚刚已被他人处理，请刷新后查看")
    for key, value in values.items():
        set_committed_value(case, key, value)  # already written; keep the ORM from writing it again


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
    audit_chain.seal(session, event)  # linked to the case's previous event, then added
    return event


def end_step(
    session: Session,
    case: Case,
    workflow,
    ctx: RunContext,
    at: dt.datetime,
    *,
    step: str | None = None,
    record: Callable[[], None] | None = None,
    depth: int = 0,
) -> None:
    """The end of every step on a running case: save (version check), let the caller
    `record` what it did, note calendar warnings and the end, sync the indexes, and
    deliver the messages the step threw to other cases."""
    events = workflow.get_events()  # taken out before saving: never stored, never sent twice
    save(session, case, workflow, at)
    _resolve_step_incidents(session, case, at)
    if record is not None:
        record()
    _record_timers_passed(session, case, workflow, ctx, at)
    for warning in ctx.warnings:
        audit(session, case, None, "calendar_warning", step=step, summary=warning, at=at)
    if case.status != CaseStatus.ACTIVE:
        audit(session, case, None, "end", summary=case.status, at=at)
    ran = set(ctx.timers_run) - ctx.timers_recorded
    armed, passed = sync_indexes(session, case, workflow, at, ran=ran)
    if passed:  # due, not yet swept, and fired by this step: their escalation all the same
        from app.engine.timers import on_timers_fired  # the timer module steps cases through this one

        on_timers_fired(session, case, passed, at)
    meta = binding.callee_meta(case.process_version.meta, getattr(workflow, "bound", None))
    for timer in armed:
        if timer["kind"] == "cutoff":
            info = meta.get("timers", {}).get(timer["element_id"], {})
            record_period_began(session, case, meta, info, timer["due_at"], at)
    if events:
        from app.engine.delivery import deliver  # delivery steps cases through this module

        deliver(session, case, events, at, depth)


def _record_timers_passed(session: Session, case: Case, workflow, ctx: RunContext, at: dt.datetime) -> None:
    """A timer whose time had come fires inside the step: one armed already past (a
    service date entered days late closes the statement window at once), or one due
    but not yet swept when a message or another branch moved the case.  Recorded here
    as the scheduler records the others."""
    meta = binding.callee_meta(case.process_version.meta, getattr(workflow, "bound", None))
    for task_id, (element_id, due) in ctx.timers_run.items():
        info = meta.get("timers", {}).get(element_id, {})
        kind = info.get("kind", "wait")
        if task_id in ctx.timers_recorded:
            continue
        if kind == "cutoff":
            record_period_began(session, case, meta, info, due, at, at_once=True)
        audit(
            session,
            case,
            None,
            f"timer_{kind}",
            step=info.get("step"),
            summary=info.get("name") or element_id,
            data={"due_at": due.isoformat() if due else None, "at_once": True},
            at=at,
        )


def record_period_began(
    session: Session, case: Case, meta: dict, info: dict, due, at: dt.datetime, *, at_once: bool = False
) -> None:
    """A step that ends by itself when its period runs out (a cutoff timer) leaves a
    record of when the period began and when it ends."""
    step = info.get("step")
    name = meta.get("steps", {}).get(step, {}).get("name") or info.get("name") or step or ""
    ends = local_date(due) if due else None
    began = local_date(at)
    summary = f"“{name}”自{_cn(began)}开始"
    if ends is not None:
        summary += f"，至{_cn(ends)}届满"
    if at_once:
        summary += "（届满日已过，即时届满）"
    audit(
        session,
        case,
        None,
        "period_began",
        step=step,
        summary=summary,
        data={"due_at": due.isoformat() if due else None},
        at=at,
    )


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _resolve_step_incidents(session: Session, case: Case, at: dt.datetime) -> None:
    """A step that fails before left an incident; a step that now succeeds ends it.
    (The locked read said whether there is one: most steps need no statement here.)"""
    if txn.memory(session, "open_step_incident").get(case.id) is False:
        return
    session.execute(
        update(Incident)
        .where(Incident.case_id == case.id, Incident.kind == "step", Incident.resolved_at.is_(None))
        .values(resolved_at=at, resolution="案件已继续办理")
        .execution_options(synchronize_session=False)
    )


# --- running the engine ------------------------------------------------------


@contextmanager
def running(ctx: RunContext, what: str = "流程运行出错"):
    """Actions see `ctx` while the engine runs; diagram errors become ProcessFailure."""
    token = current_run.set(ctx)
    try:
        yield
    except (WorkflowException, ExpressionError, ValueError, TypeError, KeyError, ArithmeticError) as exc:
        element_id, message = engine_message(exc)
        failure = ProcessFailure(f"{what}：{message}", element_id=element_id)
        incidents.note(ctx.case, element_id, failure.message)
        raise failure from exc
    finally:
        current_run.reset(token)


def run(workflow, ctx: RunContext, what: str = "流程运行出错") -> None:
    """Run the engine to the next wait; a step that runs more than MAX_ENGINE_TASKS
    tasks is a loop without a wait state: stopped with an error, nothing saved.  Every
    engine run goes through here: the timers that fire in it are counted (ctx)."""
    ran = [0]

    def count(task) -> None:
        if is_timer_event(task):
            ctx.timers_run[str(task.id)] = (step_key(ctx.case.process_version.meta, task), timer_due(task))
        ran[0] += 1
        if ran[0] > limits.MAX_ENGINE_TASKS:
            raise ProcessFailure(
                f"流程在没有等待环节的循环中连续运行了 {limits.MAX_ENGINE_TASKS} 步，已停止，案件未保存："
                "请流程设计人员在循环中加入用户任务或计时器"
            )

    with running(ctx, what):
        workflow.do_engine_steps(did_complete_task=count)
