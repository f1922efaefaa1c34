"""The daily digest: on each working day, once the configured hour has come in
Shanghai, every user who wants it and has chosen a channel gets one message listing
their open tasks that are overdue or due soon (their own, and the unclaimed ones of
their roles in their bureau).  Queued once per user and day (a dedupe key), however
often or on however many schedulers the job runs."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.calendar.overrides import cached_overrides
from app.calendar.urgency import DUE_SOON, DUE_SOON_WORKING_DAYS, OVERDUE, due_soon_horizon, urgency
from app.clock import now
from app.models import Case, ContactSetting, OutboundMessage, TaskItem, User, UserRole
from app.notify import channels
from app.notify.fanout import subject_line
from app.notify.settings import addresses_of

MAX_USERS = 5000  # one run's reach; the next run continues (dedupe keeps it once)
MAX_LINES = 30  # tasks listed in one digest; the rest are counted
MAX_TASKS = 1000  # tasks looked at for one user


def _due_tasks(session: Session, user: User, at: dt.datetime, horizon: dt.datetime) -> list[TaskItem]:
    roles = user.roles
    mine = TaskItem.claimed_by_id == user.id
    claimable = and_(
        TaskItem.claimed_by_id.is_(None), TaskItem.bureau_id == user.bureau_id, TaskItem.role.in_(roles)
    )
    candidates = list(
        session.scalars(
            select(TaskItem)
            .join(Case, Case.id == TaskItem.case_id)
            .where(
                TaskItem.completed_at.is_(None),
                TaskItem.due_at.is_not(None),
                or_(mine, claimable) if roles else mine,
                or_(TaskItem.due_at <= horizon, TaskItem.warn_at <= at),
            )
            .order_by(TaskItem.due_at, TaskItem.id)
            .limit(MAX_TASKS)
        )
    )
    return [i for i in candidates if urgency(i.due_at, i.warn_at, at, horizon) in (OVERDUE, DUE_SOON)]


def _line(item: TaskItem, at: dt.datetime, horizon: dt.datetime) -> str:
    due = item.due_at.astimezone(cal.SHANGHAI)
    state = "已逾期" if urgency(item.due_at, item.warn_at, at, horizon) == OVERDUE else "即将到期"
    return (
        f"· {item.case.number}（{item.case.subject_name}）“{item.name}”{state}，期限{due:%Y年%m月%d日 %H:%M}"
    )


def digest_text(items: list[TaskItem], at: dt.datetime, horizon: dt.datetime) -> str:
    lines = [_line(i, at, horizon) for i in items[:MAX_LINES]]
    if len(items) > MAX_LINES:
        lines.append(f"……另有{len(items) - MAX_LINES}项，请登录系统查看待办。")
    day = cal.local_date(at)
    head = f"{day.year}年{day.month}月{day.day}日，您有{len(items)}项待办已逾期或即将到期："
    return "\n".join([head, *lines])


def is_due(at: dt.datetime, session: Session) -> bool:
    """A working day in Shanghai, at or after the digest hour."""
    local = at.astimezone(cal.SHANGHAI)
    hour = int(current_app.config.get("DIGEST_HOUR", 8))
    return local.hour >= hour and cal.is_workday(local.date(), cached_overrides(session))


def queue_digests(session: Session, at: dt.datetime | None = None) -> int:
    """Queue today's digests (the caller commits); returns how many were queued."""
    at = at or now()
    usable = channels.available()
    if not usable or not is_due(at, session):
        return 0
    horizon = due_soon_horizon(at, DUE_SOON_WORKING_DAYS, cached_overrides(session))
    day = cal.local_date(at).isoformat()
    users = session.scalars(
        select(User)
        .join(ContactSetting, ContactSetting.user_id == User.id)
        .where(User.active.is_(True), ContactSetting.digest_on.is_(True))
        .where(User.id.in_(select(UserRole.user_id)))
        .order_by(User.id)
        .limit(MAX_USERS)
    ).unique()
    rows = []
    for user in users:
        targets = addresses_of(session.get(ContactSetting, user.id), usable)
        if not targets:
            continue
        items = _due_tasks(session, user, at, horizon)
        if not items:
            continue
        text = digest_text(items, at, horizon)
        for channel, address in targets:
            rows.append(
                {
                    "user_id": user.id,
                    "bureau_id": user.bureau_id,
                    "channel": channel,
                    "address": address,
                    "kind": "digest",
                    "subject": subject_line("每日到期提醒"),
                    "body": text,
                    "dedupe_key": f"digest:{day}:{user.id}:{channel}",
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": at,
                    "last_error": "",
                    "created_at": at,
                }
            )
    return _insert_new(session, rows)


def _insert_new(session: Session, rows: list[dict]) -> int:
    """Insert, skipping the digests another run already queued (ON CONFLICT DO NOTHING)."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(OutboundMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboundMessage.id)
    )
    return len(session.execute(statement).all())
