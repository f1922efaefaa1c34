"""What lands in a user's inbox, read from the task index only."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.models import Notification, TaskItem, User


def actionable_tasks(session: Session, user: User, limit: int = 500) -> list[TaskItem]:
    """Open tasks of the user's roles in their bureau, unclaimed or claimed by them,
    most urgent first (no due date last)."""
    stmt = (
        select(TaskItem)
        .where(
            TaskItem.completed_at.is_(None),
            TaskItem.bureau_id == user.bureau_id,
            TaskItem.role.in_(user.roles or {"-"}),
            or_(TaskItem.claimed_by_id.is_(None), TaskItem.claimed_by_id == user.id),
        )
        .order_by(TaskItem.due_at.is_(None), TaskItem.due_at, TaskItem.created_at)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


def notifications_for(session: Session, user: User, limit: int = 20) -> list[Notification]:
    stmt = (
        select(Notification)
        .where(
            Notification.bureau_id == user.bureau_id,
            Notification.read_at.is_(None),
            or_(
                Notification.user_id == user.id,
                and_(Notification.user_id.is_(None), Notification.role.in_(user.roles or {"-"})),
            ),
        )
        .order_by(Notification.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
