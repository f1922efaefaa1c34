"""What happens when a deadline timer fires: the task is marked overdue and the
bureau's supervisors are told; a warning timer marks it due soon."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, Notification, TaskItem, Timer


def on_timers_fired(session: Session, case: Case, fired: list[Timer], at: dt.datetime) -> None:
    for timer in fired:
        if timer.kind not in ("deadline", "warning") or not timer.step:
            continue
        item = session.scalar(select(TaskItem).where(
            TaskItem.case_id == case.id, TaskItem.step == timer.step, TaskItem.completed_at.is_(None)))
        if item is None:
            continue
        if timer.kind == "deadline":
            item.escalated_at = at
            session.add(Notification(bureau_id=case.bureau_id, role="supervisor", case_id=case.id,
                                     kind="overdue", created_at=at,
                                     message=f"{case.number}（{case.subject_name}）“{item.name}”已超过办理期限"))
            target_user = item.claimed_by_id
            session.add(Notification(bureau_id=case.bureau_id, user_id=target_user,
                                     role=None if target_user else item.role, case_id=case.id,
                                     kind="overdue", created_at=at,
                                     message=f"“{item.name}”（{case.number}）已逾期，请尽快办理"))
        else:
            item.warn_at = item.warn_at or at
            session.add(Notification(bureau_id=case.bureau_id, user_id=item.claimed_by_id,
                                     role=None if item.claimed_by_id else item.role, case_id=case.id,
                                     kind="due_soon", created_at=at,
                                     message=f"“{item.name}”（{case.number}）即将到期"))
    session.flush()
