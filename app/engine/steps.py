"""Steps people take on cases: start, claim, unclaim, complete."""

from __future__ import annotations

import uuid
from copy import deepcopy

from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from app.calendar.workdays import SHANGHAI, local_date
from app.clock import now
from app.domain.roles import role_label
from app.engine import binding, delivery, expressions, forms, state, store
from app.engine.documents import issue_step_documents
from app.engine.errors import Conflict, FormInvalid, InvalidProcess, NotAllowed, ProcessFailure
from app.engine.functions import RunContext, allowed_in_expressions
from app.engine.indexes import sync_indexes
from app.models import Attachment, Case, CaseStatus, ProcessVersion, TaskItem, User

CASE_PREFIX = {"repair": "XF", "listing": "LR"}


# --- starting ----------------------------------------------------------------


def start_form(version: ProcessVersion) -> list[forms.FormField]:
    return [forms.FormField.from_dict(f) for f in version.meta.get("start_form", [])]


def task_form(version: ProcessVersion, step: str, case: Case | None = None) -> list[forms.FormField]:
    """The form of a step; a called process's step (`<key>:<id>`) has the form of
    the called version the case runs."""
    return [forms.FormField.from_dict(f) for f in step_info(version, step, case).get("form", [])]


def step_info(version: ProcessVersion, step: str, case: Case | None = None) -> dict:
    """What the diagram says of a step (name, kind, role, form, documents, serves)."""
    meta = version.meta
    if case is not None and ":" in step:
        recorded = binding.recorded_versions(case.state)
        key = step.split(":", 1)[0]
        if key in recorded:
            called = object_session(case).get(ProcessVersion, recorded[key])
            meta = binding.callee_meta(meta, binding.Bound(versions={key: called}))
    return meta.get("steps", {}).get(step, {})


def task_guidance(version: ProcessVersion, step: str) -> str:
    """What the diagram tells the officer about a step (its documentation), or ""."""
    return version.meta.get("steps", {}).get(step, {}).get("guidance", "")


def offered_task_form(item: TaskItem) -> list[forms.FormField]:
    """The form of an open task as the page shows it: without the fields and options
    its diagram no longer offers (offered_if), judged on the task's own data."""
    case = item.case
    fields = task_form(case.process_version, item.step, case)
    conditional = any(k == "offered_if" or k.startswith("offered_if.") for f in fields for k in f.properties)
    if not conditional or item.completed_at is not None:
        return fields
    workflow = store.restore(case)
    task = next(
        (
            t
            for t in workflow.get_tasks(state=TaskState.READY, manual=True)
            if str(t.id) == item.engine_task_id
        ),
        None,
    )
    if task is None:
        return fields
    return forms.offered_fields(fields, task.data, done_kinds(case.process_version, task.data))


def _done_summary(version: ProcessVersion, item: TaskItem, data: dict) -> str:
    """The history line of a completed step: the diagram's done_summary when it gives
    one (and it yields text), else the step's name."""
    source = version.meta.get("steps", {}).get(item.step, {}).get("done_summary")
    if not source:
        return item.name
    try:
        text = expressions.evaluate(source, forms._Lenient(dict(data)), allowed_in_expressions())
    except (expressions.ExpressionError, ValueError, TypeError):
        return item.name
    return str(text)[:200] if text else item.name


def done_kinds(version: ProcessVersion, data: dict) -> frozenset[str]:
    """The kinds (step_kind) of the steps this case has completed so far."""
    steps = version.meta.get("steps", {})
    return frozenset(kind for step in (data.get("steps") or {}) if (kind := steps.get(step, {}).get("kind")))


def case_files(session: Session, case: Case) -> dict[int, str]:
    """The case's attachments {id: name}: what its file fields may name."""
    rows = session.execute(
        select(Attachment.id, Attachment.original_name).where(Attachment.case_id == case.id)
    ).all()
    return dict(rows)


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
    workflow = store.new_workflow(session, version)
    initial = {**(extra_data or {}), **clean, "steps": {}}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    case = _new_case(
        session,
        version,
        at,
        bureau_id=bureau_id,
        subject_name=subject_name,
        credit_code=credit_code,
        register_entry_id=register_entry_id,
        started_by_id=actor.id if actor else None,
        facts=dict(extra_data or {}),
    )
    ctx = RunContext(session=session, case=case, actor=actor, data=initial)
    store.run(workflow, ctx)
    _first_save(session, case, workflow, ctx, at, summary=version.name, data=clean)
    return case


def _new_case(session: Session, version: ProcessVersion, at, **columns) -> Case:
    # The number is derived from the id, known only after the insert: a unique placeholder first.
    case = Case(
        number=f"pending-{uuid.uuid4().hex}",
        process_key=version.key,
        process_version_id=version.id,
        status=CaseStatus.ACTIVE.value,
        state="",
        created_at=at,
        updated_at=at,
        **columns,
    )
    case.process_version = version
    session.add(case)
    session.flush()
    prefix = CASE_PREFIX.get(version.key, version.key[:4].upper())
    case.number = f"{prefix}{local_date(at).year}-{case.id:06d}"
    return case


def _first_save(
    session: Session, case: Case, workflow, ctx: RunContext, at, *, summary, data, depth=0
) -> None:
    events = workflow.get_events()
    if getattr(workflow, "bound", None) is not None:
        workflow.called_versions = binding.record_calls(workflow, workflow.bound)
    case.state = state.dump_state(workflow)
    if workflow.is_completed():
        case.status = store.outcome(workflow)
        case.ended_at = at
    store.audit(session, case, ctx.actor, "start", summary=summary, data=data, at=at)
    for warning in ctx.warnings:
        store.audit(session, case, None, "calendar_warning", summary=warning, at=at)
    sync_indexes(session, case, workflow, at)
    if events:
        delivery.deliver(session, case, events, at, depth)


def _is_plain_start(task) -> bool:
    return isinstance(task.task_spec, StartEvent) and isinstance(
        task.task_spec.event_definition, NoneEventDefinition
    )


def start_case_by_message(
    session: Session, version: ProcessVersion, sender: Case, event, payload: dict, at, depth: int
) -> Case:
    """A new case of `version` whose message start event catches `event` (its none
    start events, if any, are passed over).  It is about what the sender is about."""
    workflow = store.new_workflow(session, version)
    initial = {**payload, "steps": {}}
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    case = _new_case(
        session,
        version,
        at,
        bureau_id=sender.bureau_id,
        subject_name=sender.subject_name,
        credit_code=sender.credit_code,
        register_entry_id=sender.register_entry_id,
        started_by_id=None,
        facts={"started_by_message": event.event_definition.name, "sender_case_id": sender.id},
    )
    ctx = RunContext(session=session, case=case, actor=None, data=initial)
    name = event.event_definition.name
    with store.running(ctx, f"消息“{name}”发起“{version.name}”出错"):
        for _ in range(20):  # up to the start events, without taking a plain one
            ready = [
                t
                for t in workflow.get_tasks(state=TaskState.READY)
                if not t.task_spec.manual and not _is_plain_start(t)
            ]
            if not ready:
                break
            for task in ready:
                task.run()
        for task in workflow.get_tasks(state=TaskState.READY):
            if _is_plain_start(task):
                task.cancel()
        incoming = BpmnEvent(event.event_definition, payload=deepcopy(payload), correlations={})
        if not workflow.event_manager.catch(incoming, internal=False):
            raise ProcessFailure(f"流程“{version.name}”没有以消息“{name}”开始的开始事件")
    store.run(workflow, ctx)
    _first_save(
        session,
        case,
        workflow,
        ctx,
        at,
        summary=f"{version.name}（由消息“{name}”发起）",
        data=payload,
        depth=depth,
    )
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


def _refuse_if_closed(item: TaskItem) -> None:
    if item.completed_at is not None:
        local = item.completed_at.astimezone(SHANGHAI)
        if item.outcome == "completed":
            raise Conflict(f"该任务已由 {_who(item)} 于 {local:%Y-%m-%d %H:%M} 办理完毕")
        raise Conflict("该任务已不再需要办理（流程已转向其他环节）")


def claim(session: Session, task_item_id: int, actor: User) -> TaskItem:
    item = _open_item(session, task_item_id)
    store.lock_case_of_task(session, item)
    _refuse_if_closed(item)
    check_can_act(item, actor)
    if item.claimed_by_id != actor.id:
        item.claimed_by = actor
        store.audit(session, item.case, actor, "claim", step=item.step, summary=item.name)
    return item


def unclaim(session: Session, task_item_id: int, actor: User) -> TaskItem:
    item = _open_item(session, task_item_id)
    store.lock_case_of_task(session, item)
    _refuse_if_closed(item)
    if item.claimed_by_id is None:
        return item
    if item.claimed_by_id != actor.id:
        raise NotAllowed(f"该任务由 {item.claimed_by.display_name} 认领，只有认领人可以取消认领")
    item.claimed_by = None
    store.audit(session, item.case, actor, "unclaim", step=item.step, summary=item.name)
    return item


def complete(
    session: Session,
    task_item_id: int,
    submitted: dict,
    actor: User,
    expected_version: int | None = None,
    *,
    as_party: bool = False,
) -> TaskItem:
    """Complete a user task with form data; raises FormInvalid, Conflict or NotAllowed.
    `as_party`: the case's own party (an applicant online) completes a step the diagram
    gives to them; the caller has checked that the case and the step are theirs, so the
    lane's role and any officer's claim are not required of the actor."""
    item = _open_item(session, task_item_id)
    case = store.lock_case_of_task(session, item)
    _refuse_if_closed(item)
    if not as_party:
        check_can_act(item, actor)
    if expected_version is not None and expected_version != case.version:
        raise Conflict("案件在您打开页面后已有变化，请刷新后重新办理")
    workflow = store.restore(case)
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
    kinds = done_kinds(case.process_version, task.data)
    fields = task_form(case.process_version, item.step, case)
    files = case_files(session, case) if any(f.type == "file" for f in fields) else {}
    clean, errors = forms.validate(fields, submitted, task.data, kinds, files)
    if errors:
        raise FormInvalid(errors)
    at = now()
    steps = dict(task.data.get("steps") or {})
    steps[item.step] = clean
    task.data.update(clean)
    task.data["steps"] = steps
    step_kind = case.process_version.meta.get("steps", {}).get(item.step, {}).get("kind")
    ctx = RunContext(
        session=session,
        case=case,
        actor=actor,
        data=task.data,
        done_kinds=kinds | {step_kind} - {None, ""},
        completing=(item.step, clean),
    )
    with store.running(ctx):
        task.run()
        issue_step_documents(ctx, item.step, step_info(case.process_version, item.step, case), task.data)
    store.run(workflow, ctx)
    summary = _done_summary(case.process_version, item, task.data)

    def record() -> None:
        item.completed_at, item.completed_by, item.outcome = at, actor, "completed"
        if item.claimed_by_id is None:
            item.claimed_by = actor  # claimed in passing
        store.audit(session, case, actor, "complete", step=item.step, summary=summary, data=clean, at=at)

    store.end_step(session, case, workflow, ctx, at, step=item.step, record=record)
    return item
