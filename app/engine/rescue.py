"""Rescuing a case: retry after a fix, cancel with a reason, correct a variable.
Each is one step on the locked case (saved with the version check, audited); the
caller checks who may do it and commits."""

from __future__ import annotations

import json

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import store
from app.engine.errors import Conflict, FormInvalid
from app.engine.functions import RunContext
from app.engine.indexes import sync_indexes
from app.models import Case, CaseStatus, Incident, User

MAX_REASON = 500
MAX_VALUE_CHARS = 2000
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _reason(reason) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise FormInvalid({"reason": "请填写理由"})
    if len(text) > MAX_REASON:
        raise FormInvalid({"reason": f"理由过长（最多 {MAX_REASON} 个字）"})
    return text


def _active(session: Session, case_id: int) -> Case:
    case = store.lock_case(session, case_id)
    if case.status != CaseStatus.ACTIVE:
        raise Conflict("案件已结束，不能再处理")
    return case


def resolve_incidents(session: Session, case: Case, actor: User | None, resolution: str, at) -> int:
    result = session.execute(
        update(Incident)
        .where(Incident.case_id == case.id, Incident.resolved_at.is_(None))
        .values(resolved_at=at, resolved_by_id=actor.id if actor else None, resolution=resolution[:500])
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def retry(session: Session, case_id: int, actor: User) -> Case:
    """Run the engine again from the stored state (e.g. after the case was moved onto a
    fixed version): whatever failed runs once more; a new failure is a new incident."""
    case = _active(session, case_id)
    workflow = store.restore(case)
    at = now()
    ctx = RunContext(session=session, case=case, actor=actor)
    with store.running(ctx, "重试出错"):
        workflow.refresh_timers()
    store.run(workflow, ctx, "重试出错")

    def record() -> None:
        store.audit(session, case, actor, "retry", summary="重试案件", at=at)
        resolve_incidents(session, case, actor, f"{actor.display_name} 重试成功", at)

    store.end_step(session, case, workflow, ctx, at, record=record)
    return case


def cancel(session: Session, case_id: int, actor: User, reason) -> Case:
    """End a case for good: its tasks, timers and message subscriptions go."""
    text = _reason(reason)
    case = _active(session, case_id)
    workflow = store.restore(case)
    workflow.cancel()
    at = now()
    store.save(session, case, workflow, at)
    case.status, case.ended_at = CaseStatus.CANCELLED.value, at
    session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(status=CaseStatus.CANCELLED.value, ended_at=at)
        .execution_options(synchronize_session=False)
    )
    store.audit(session, case, actor, "cancel", summary=text, data={"reason": text}, at=at)
    resolve_incidents(session, case, actor, f"{actor.display_name} 撤销案件：{text}", at)
    sync_indexes(session, case, workflow, at)
    return case


def _parse_value(raw):
    if isinstance(raw, (int, float, bool)) or raw is None:
        return raw
    if isinstance(raw, (list, dict)):
        if len(json.dumps(raw, ensure_ascii=False)) > MAX_VALUE_CHARS:
            raise FormInvalid({"value": f"取值过长（最多 {MAX_VALUE_CHARS} 个字符）"})
        return raw
    if isinstance(raw, str):
        if len(raw) > MAX_VALUE_CHARS:
            raise FormInvalid({"value": f"取值过长（最多 {MAX_VALUE_CHARS} 个字符）"})
        return raw
    raise FormInvalid({"value": "取值应为文字、数字、是/否、列表或对象"})


def set_variable(session: Session, case_id: int, actor: User, name, value, reason) -> dict:
    """Correct one variable of a running case where its next steps read it (every
    open task), keeping the old and the new value in the history."""
    text = _reason(reason)
    if (
        not isinstance(name, str)
        or not name
        or len(name) > 64
        or not set(name) <= NAME_CHARS
        or name[0].isdigit()
    ):
        raise FormInvalid({"name": "变量名应为字母、数字和下划线（不以数字开头，最多 64 个字符）"})
    if name == "steps":
        raise FormInvalid({"name": "“steps”记录各环节提交的内容，不能修改"})
    new = _parse_value(value)
    case = _active(session, case_id)
    workflow = store.restore(case)
    open_tasks = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    if not open_tasks:
        raise Conflict("案件没有等待中的环节，无法更正变量")
    old = next((t.data[name] for t in open_tasks if name in t.data), None)
    for task in open_tasks:
        task.data[name] = new
    at = now()
    store.save(session, case, workflow, at)
    change = {"name": name, "old": old, "new": new, "reason": text}
    store.audit(
        session, case, actor, "variable_corrected", summary=f"更正变量 {name}：{text}", data=change, at=at
    )
    return change


def open_incidents(session: Session, bureau_ids: set[int], limit: int = 200) -> list[Incident]:
    return list(
        session.scalars(
            select(Incident)
            .where(Incident.bureau_id.in_(bureau_ids), Incident.resolved_at.is_(None))
            .order_by(Incident.created_at.desc(), Incident.id.desc())
            .limit(limit)
        ).unique()
    )
