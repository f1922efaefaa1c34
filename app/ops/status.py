"""What /health and /metrics report, read from the database (so every web worker and
every scheduler process tells the same story)."""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import SchedulerRun, TaskItem, Timer

SCHEDULER_NAME = f"{socket.gethostname()}:{os.getpid()}"[:64]


def pending_due(at: dt.datetime):
    return (
        Timer.fired_at.is_(None),
        Timer.cancelled_at.is_(None),
        Timer.failed_at.is_(None),
        Timer.due_at <= at,
    )


def due_now(session: Session, at: dt.datetime) -> int:
    return session.scalar(select(func.count(Timer.id)).where(*pending_due(at))) or 0


def last_run_at(session: Session) -> dt.datetime | None:
    return session.scalar(select(func.max(SchedulerRun.last_run_at)))


def record_sweep(session: Session, at: dt.datetime, fired: int) -> None:
    """The scheduler's heartbeat: one row per scheduler process, updated each sweep."""
    values = {"last_run_at": at, "fired": SchedulerRun.fired + fired}
    done = session.execute(update(SchedulerRun).where(SchedulerRun.name == SCHEDULER_NAME).values(**values))
    if done.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(SchedulerRun(name=SCHEDULER_NAME, last_run_at=at, fired=fired))
        except IntegrityError:
            pass
    session.commit()


def timers_fired(session: Session) -> int:
    """Fired by all schedulers since their rows began (each counts its own)."""
    return int(session.scalar(select(func.coalesce(func.sum(SchedulerRun.fired), 0))))


def timers_failed(session: Session) -> int:
    """Timers standing as incidents (could not fire; the supervisor retries them)."""
    return session.scalar(select(func.count(Timer.id)).where(Timer.failed_at.is_not(None))) or 0


def open_tasks_by_state(session: Session, at: dt.datetime) -> dict[str, int]:
    state = case(
        (TaskItem.due_at < at, "overdue"),
        (TaskItem.warn_at <= at, "due_soon"),
        else_="on_time",
    )
    rows = session.execute(
        select(state, TaskItem.claimed_by_id.is_not(None), func.count(TaskItem.id))
        .where(TaskItem.completed_at.is_(None))
        .group_by(state, TaskItem.claimed_by_id.is_not(None))
    ).all()
    counts = {f"{s}:{c}": 0 for s in ("overdue", "due_soon", "on_time") for c in ("claimed", "unclaimed")}
    for name, claimed, count in rows:
        counts[f"{name}:{'claimed' if claimed else 'unclaimed'}"] += count
    return counts
