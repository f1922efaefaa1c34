"""What happens when a timer drawn in a diagram fires (a listener of the engine):

- a non-interrupting deadline timer marks the open task of its step overdue
  (TaskItem.escalated_at), which puts it on the supervisors' board, and tells the
  bureau's supervisors and the assignee (or, unclaimed, everyone holding the role);
- a warning timer marks the task due soon (TaskItem.warn_at) and tells the assignee.

Cutoff and wait timers move the process itself; they need no notification.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.engine import open_task_items, txn
from app.models import Case, Notification, TaskItem, Timer


def _to_assignee(item: TaskItem, case: Case, kind: str, message: str, at: dt.datetime) -> Notification:
    return Notification(
        bureau_id=case.bureau_id,
        user_id=item.claimed_by_id,
        role=None if item.claimed_by_id else item.role,
        case_id=case.id,
        kind=kind,
        message=message,
        created_at=at,
    )


def on_timers_fired(session: Session, case: Case, fired: list[Timer], at: dt.datetime) -> None:
    for timer in fired:
        if timer.kind not in ("deadline", "warning") or not timer.step:
            continue
        items = open_task_items(session, case.id, timer.step)
        for item in items:
            due = f"（期限 {item.due_at.astimezone(cal.SHANGHAI):%Y-%m-%d %H:%M}）" if item.due_at else ""
            if timer.kind == "deadline":
                item.escalated_at = item.escalated_at or at
                session.add(
                    Notification(
                        bureau_id=case.bureau_id,
                        role="supervisor",
                        case_id=case.id,
                        kind="overdue",
                        created_at=at,
                        message=f"{case.number}（{case.subject_name}）“{item.name}”已超过办理期限{due}",
                    )
                )
                session.add(
                    _to_assignee(
                        item, case, "overdue", f"“{item.name}”（{case.number}）已逾期{due}，请尽快办理", at
                    )
                )
            else:
                item.warn_at = min(item.warn_at, at) if item.warn_at else at
                session.add(
                    _to_assignee(item, case, "due_soon", f"“{item.name}”（{case.number}）即将到期{due}", at)
                )
    txn.flush(session)
