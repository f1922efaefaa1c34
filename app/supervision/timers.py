"""The timer list for diagnosis: pending timers, fired ones (and how late), incidents.

A timer whose firing raised is marked by the scheduler (failed_at, last_error,
attempts) and is no longer picked up: it stays an incident here until a supervisor
of its bureau (or an administrator) asks for a retry.  Clearing the mark puts it
back in the scheduler's queue; the caller may also fire it at once
(app.scheduler.fire_case), which records a new incident if it fails again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import audit
from app.models import Bureau, Case, Timer, User
from app.org.access import visible_row
from app.supervision.actions import NotPermitted, NotVisible, TaskClosed

TIMER_STATES = {"incident": "触发失败", "pending": "等待触发", "fired": "已触发"}
OPERATORS = ("supervisor", "admin")


@dataclass
class TimerRow:
    timer: Timer
    case_number: str
    subject_name: str
    bureau_name: str

    @property
    def late_by(self) -> dt.timedelta | None:
        """How long after its due time the timer fired, or, still pending, how long it
        is past due; None when it is not late (or was cancelled)."""
        t = self.timer
        end = t.fired_at or (now() if t.is_pending else None)
        return end - t.due_at if end is not None and end > t.due_at else None

    @property
    def late_text(self) -> str:
        """The lateness in words ("", "12 分钟", "3 小时 5 分钟", "2 天 4 小时")."""
        late = self.late_by
        if late is None or late < dt.timedelta(minutes=1):
            return ""
        minutes = int(late.total_seconds() // 60)
        days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
        if days:
            return f"{days} 天" + (f" {hours} 小时" if hours else "")
        if hours:
            return f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
        return f"{minutes} 分钟"


def _condition(state: str):
    if state == "incident":
        return Timer.is_pending & Timer.failed_at.is_not(None)
    if state == "fired":
        return Timer.fired_at.is_not(None)
    return Timer.is_pending & Timer.failed_at.is_(None)


def count_timers(session: Session, bureau_ids: set[int]) -> dict[str, int]:
    return {
        state: session.scalar(
            select(func.count(Timer.id)).where(Timer.bureau_id.in_(bureau_ids), _condition(state))
        )
        or 0
        for state in TIMER_STATES
    }


def timer_rows(
    session: Session, bureau_ids: set[int], state: str, *, limit: int = 100, offset: int = 0
) -> list[TimerRow]:
    """Incidents newest first; pending by due time; fired most recent first."""
    order = {
        "incident": (Timer.failed_at.desc(),),
        "pending": (Timer.due_at,),
        "fired": (Timer.fired_at.desc(),),
    }[state]
    stmt = (
        select(Timer, Case.number, Case.subject_name, Bureau.name)
        .join(Case, Case.id == Timer.case_id)
        .join(Bureau, Bureau.id == Timer.bureau_id)
        .where(Timer.bureau_id.in_(bureau_ids), _condition(state))
        .order_by(*order, Timer.id)
        .limit(limit)
        .offset(offset)
    )
    return [
        TimerRow(timer, number, subject, bureau)
        for timer, number, subject, bureau in session.execute(stmt).unique()
    ]


def clear_incident(session: Session, actor: User, timer_id: int) -> Timer:
    """Put a failed timer (and the other failed timers of its case, which fire together)
    back in the scheduler's queue; recorded in the case history."""
    if not set(OPERATORS) & actor.roles:
        raise NotPermitted("只有督办人员或系统管理员可以重试计时器")
    timer = visible_row(session, actor, Timer, timer_id)
    if timer is None:
        raise NotVisible("计时器不存在")
    if actor.bureau_id != timer.bureau_id:
        raise NotPermitted("上级机关只能查看，不能处理下级机关案件的计时器")
    if timer.failed_at is None or not timer.is_pending:
        raise TaskClosed("该计时器没有待处理的故障")
    failed = session.scalars(
        select(Timer).where(
            Timer.case_id == timer.case_id,
            Timer.failed_at.is_not(None),
            Timer.is_pending,
        )
    ).all()
    for row in failed:
        row.failed_at = row.next_attempt_at = None
    audit(
        session,
        timer.case,
        actor,
        "timer_retry",
        step=timer.step,
        summary=f"重试计时器“{timer.name or timer.element_id}”（已失败 {timer.attempts} 次）",
        data={"上次错误": (timer.last_error or "")[:300]},
    )
    session.flush()
    return timer
