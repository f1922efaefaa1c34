"""Batch work on like tasks: claim many at once, or complete many open tasks of the same
step and process version with the same form values (e.g. a round of 定期检查)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.errors import NotAllowed
from app.models import TaskItem, User

MAX_BATCH = 100


class BatchRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_ids(raw: list[str]) -> list[int]:
    ids = []
    for value in raw:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise BatchRefused("请先勾选要办理的任务")
    if len(ids) > MAX_BATCH:
        raise BatchRefused(f"一次最多批量办理 {MAX_BATCH} 项任务")
    return ids


def like_tasks(session: Session, user: User, ids: list[int]) -> list[TaskItem]:
    """The open tasks `ids`, all the user's to work, of one step of one process version;
    otherwise refused with a message naming the problem."""
    tasks = list(session.scalars(select(TaskItem).where(TaskItem.id.in_(ids)).order_by(TaskItem.id)).unique())
    found = {t.id for t in tasks}
    if len(found) != len(ids) or any(t.bureau_id != user.bureau_id for t in tasks):
        raise BatchRefused("所选任务不存在或不属于本局")
    closed = [t for t in tasks if t.completed_at is not None]
    if closed:
        raise BatchRefused(f"{closed[0].case.number}“{closed[0].name}”已办理完毕，请重新选择")
    for t in tasks:
        if t.role not in user.roles:
            raise BatchRefused(f"您没有办理“{t.name}”的角色")
        if t.claimed_by_id not in (None, user.id):
            raise NotAllowed(f"{t.case.number}“{t.name}”已由 {t.claimed_by.display_name} 认领")
    kinds = {(t.case.process_version_id, t.step) for t in tasks}
    if len(kinds) > 1:
        raise BatchRefused("只能批量办理同一流程版本、同一环节的任务（例如同一批定期检查）")
    return tasks
