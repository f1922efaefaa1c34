"""Moving running cases onto another version of their process, as Camunda's
migration does: open tasks and waits map by element id, timers are recomputed.
A step that no longer exists is a problem in the report, never a silent loss."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import state, store
from app.engine.errors import Conflict, FormInvalid
from app.engine.functions import RunContext
from app.engine.indexes import sync_indexes, waiting_timers
from app.models import Case, CaseStatus, ProcessVersion, Timer, User
from app.models.process import RAN_STATES

MAX_BATCH = 500


class MigrationRefused(Conflict):
    def __init__(self, report: dict):
        super().__init__("案件不能迁移到该版本：" + "；".join(report["problems"]))
        self.report = report


def target_version(session: Session, case: Case, to_version) -> ProcessVersion:
    if isinstance(to_version, bool) or not isinstance(to_version, int) or not 0 < to_version < 100000:
        raise FormInvalid({"to_version": "请填写目标版本号（正整数）"})
    target = session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.key == case.process_key, ProcessVersion.number == to_version
        )
    )
    if target is None:
        raise FormInvalid({"to_version": f"流程“{case.process_key}”没有第 {to_version} 版"})
    if target.state not in RAN_STATES or not target.spec_json:
        raise FormInvalid({"to_version": f"第 {to_version} 版尚未发布或有错误，不能迁移"})
    if target.id == case.process_version_id:
        raise FormInvalid({"to_version": f"案件已在第 {to_version} 版"})
    return target


def _element_ids(spec, subprocess_specs) -> set[str]:
    ids = set()
    for one in [spec, *subprocess_specs.values()]:
        ids |= {getattr(s, "bpmn_id", None) for s in one.task_specs.values()}
    return ids - {None}


def _open_tasks(workflow) -> list:
    manual = workflow.get_tasks(state=TaskState.READY, manual=True)
    waiting = workflow.get_tasks(state=TaskState.WAITING | TaskState.STARTED)
    return [t for t in [*manual, *waiting] if getattr(t.task_spec, "bpmn_id", None)]


def plan(case: Case, workflow, target: ProcessVersion) -> tuple[dict, object]:
    """The report, and the workflow restored on the target spec (None if it cannot be)."""
    spec, subprocess_specs = store.spec_for(target)
    known = _element_ids(spec, subprocess_specs)
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for task in _open_tasks(workflow):
        element = task.task_spec.bpmn_id
        if element in known:
            mapping[element] = element
        else:
            name = task.task_spec.bpmn_name or element
            problem = f"环节“{name}”（{element}）在第 {target.number} 版中已不存在"
            if problem not in problems:
                problems.append(problem)
    moved = None
    if not problems:
        try:
            moved = state.load_state(case.state, spec, subprocess_specs)
        except Exception as exc:  # the history names an element the target lacks
            problems.append(f"案件的办理记录无法对应到第 {target.number} 版（{type(exc).__name__}：{exc}）")
    report = {"can_migrate": not problems, "mapping": mapping, "problems": problems}
    return report, moved


def migrate(session: Session, case_id: int, to_version, actor: User | None, dry_run: bool = True) -> dict:
    case = store.lock_case(session, case_id)
    if case.status != CaseStatus.ACTIVE:
        raise Conflict("案件已结束，不能迁移")
    target = target_version(session, case, to_version)
    report, moved = plan(case, store.restore(case), target)
    if dry_run:
        return report
    if not report["can_migrate"]:
        raise MigrationRefused(report)
    at = now()
    source = case.process_version
    ctx = RunContext(session=session, case=case, actor=actor)
    with store.running(ctx, "迁移后重新计算计时器出错"):
        for task in waiting_timers(moved):
            task.internal_data.pop("event_value", None)
        moved.refresh_timers()
    store.save(session, case, moved, at)
    case.process_version = target
    session.execute(
        update(Timer)
        .where(Timer.case_id == case.id, Timer.is_pending)
        .values(cancelled_at=at)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    store.audit(
        session,
        case,
        actor,
        "migrate",
        summary=f"从第 {source.number} 版迁移到第 {target.number} 版",
        data={"from": source.number, "to": target.number, "mapping": report["mapping"]},
        at=at,
    )
    sync_indexes(session, case, moved, at, version_changed=True)
    return {**report, "migrated": True}


def migrate_all(
    session: Session,
    key: str,
    from_number: int,
    to_version,
    actor: User,
    bureau_id: int,
    dry_run: bool = True,
) -> dict:
    """Every running case of one version (in one bureau): the dry-run report first;
    without dry_run, each case that can move moves, the others stay and are listed."""
    source = session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == key, ProcessVersion.number == from_number)
    )
    if source is None:
        raise FormInvalid({"from_version": f"流程“{key}”没有第 {from_number} 版"})
    ids = session.scalars(
        select(Case.id)
        .where(
            Case.process_version_id == source.id,
            Case.status == CaseStatus.ACTIVE.value,
            Case.bureau_id == bureau_id,
        )
        .order_by(Case.id)
        .limit(MAX_BATCH)
    ).all()
    rows, migrated = [], 0
    for case_id in ids:
        case = session.get(Case, case_id)
        report = migrate(session, case_id, to_version, actor, dry_run=True)
        if not dry_run and report["can_migrate"]:
            migrate(session, case_id, to_version, actor, dry_run=False)
            migrated += 1
        rows.append({"id": case_id, "number": case.number, **report})
    return {"cases": rows, "migrated": migrated, "dry_run": dry_run}
