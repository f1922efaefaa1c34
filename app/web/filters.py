"""Template filters and globals: times in Asia/Shanghai, labels in Chinese."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.calendar import workdays as cal
from app.calendar.overrides import cached_overrides
from app.clock import now
from app.domain.roles import role_label
from app.domain.situations import situation_label
from app.extensions import db

STATUS_LABELS = {
    "active": "办理中",
    "granted": "准予提前移出",
    "refused": "不予提前移出",
    "rejected": "不予受理",
    "lapsed": "申请失效",
    "completed": "已办结",
    "listed": "已列入",
    "dropped": "不予列入",
    "withdrawn": "已撤销",
}
ACTION_LABELS = {
    "start": "发起",
    "complete": "办理",
    "claim": "认领",
    "unclaim": "退回待认领",
    "timer_deadline": "期限届满",
    "timer_cutoff": "期限届满（终止环节）",
    "timer_warning": "即将到期提醒",
    "timer_wait": "定时到达",
    "end": "流程结束",
    "calendar_warning": "节假日提示",
    "register_removed_early": "名单变更",
    "reminder": "督办提醒",
    "reassign": "改派",
    "note": "督办备注",
}


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


def due_state(due_at: dt.datetime | None) -> str:
    """overdue | due_soon | ok | none — for the badge beside a due date."""
    if due_at is None:
        return "none"
    current = now()
    if due_at < current:
        return "overdue"
    days_left = cal.working_days_between(cal.local_date(current), cal.local_date(due_at), _overrides())
    return "due_soon" if days_left <= 1 else "ok"


def task_due_state(item) -> str:
    """Like due_state, but a task whose diagram drew a warning timer is "due soon"
    exactly when that timer says so (the board reads it the same way)."""
    if item.due_at is None:
        return "none"
    current = now()
    if item.due_at < current:
        return "overdue"
    if item.warn_at is not None:
        return "due_soon" if item.warn_at <= current else "ok"
    return due_state(item.due_at)


def days_left_text(due_at: dt.datetime | None) -> str:
    if due_at is None:
        return ""
    today = cal.local_date(now())
    days = cal.working_days_between(today, cal.local_date(due_at), _overrides())
    if due_at < now():
        return f"已逾期 {max(-days, 0) or 1} 个工作日" if days <= 0 else "已逾期"
    if days == 0:
        return "今天到期"
    return f"剩余 {days} 个工作日"


def describe_event(case, event) -> list[tuple[str, str]]:
    from app.cases.views import describe_data

    return describe_data(case.process_version.meta, event.step, event.data)


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
        status_label=lambda s: STATUS_LABELS.get(s, s),
        action_label=lambda a: ACTION_LABELS.get(a, a),
    )
