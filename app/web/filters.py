"""Template filters and globals: times in Asia/Shanghai, labels in Chinese."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.calendar import workdays as cal
from app.calendar.overrides import cached_overrides
from app.calendar.urgency import DUE_SOON_WORKING_DAYS, due_soon_horizon, urgency
from app.clock import now, today
from app.domain.roles import role_label
from app.domain.situations import situation_label
from app.extensions import db
from app.labels import action_label, case_status_label, channel_label


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(cal.SHANGHAI).strftime(fmt)


def local_date(value: dt.datetime | None) -> str:
    return local_time(value, "%Y-%m-%d")


def _overrides() -> cal.Overrides:
    """The admins' holiday table, as the board and the deadlines see it."""
    return cached_overrides(db.session)


def due_state(due_at: dt.datetime | None, warn_at: dt.datetime | None = None) -> str:
    """overdue | due_soon | ok | none — for the badge beside a due date (the board's rule)."""
    at = now()
    return urgency(due_at, warn_at, at, due_soon_horizon(at, DUE_SOON_WORKING_DAYS, _overrides()))


def task_due_state(item) -> str:
    """A task's badge: its diagram's warning timer decides where it drew one."""
    return due_state(item.due_at, item.warn_at)


def days_left_text(due_at: dt.datetime | None) -> str:
    if due_at is None:
        return ""
    days = cal.working_days_between(today(), cal.local_date(due_at), _overrides())
    if due_at < now():
        return f"已逾期 {max(-days, 0) or 1} 个工作日" if days <= 0 else "已逾期"
    if days == 0:
        return "今天到期"
    return f"剩余 {days} 个工作日"


def filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def describe_event(case, event) -> list[tuple[str, str]]:
    from app.cases.views import describe_data

    return describe_data(case.process_version.meta, event.step, event.data)


def cn_date(day) -> str:
    from app.domain.documents import cn_date as written

    return written(day)


def register(app: Flask) -> None:
    app.jinja_env.globals["describe_event"] = describe_event
    app.jinja_env.globals["task_due_state"] = task_due_state
    app.jinja_env.filters.update(
        local_time=local_time,
        local_date=local_date,
        due_state=due_state,
        days_left=days_left_text,
        role_label=role_label,
        situation_label=situation_label,
        status_label=case_status_label,
        action_label=action_label,
        channel_label=channel_label,
        cn_date=cn_date,
        filesize=filesize,
    )
