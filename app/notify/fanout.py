"""Inbox notifications worth a message outside the system become OutboundMessages in
the same transaction (a session listener, like the register's outbox): whichever code
wrote the 督办提醒, the 改派 or the 逾期 notice, the e-mail or SMS follows, and a
rolled-back step sends nothing.  Due-soon notices wait for the daily digest."""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import ContactSetting, Notification, OutboundMessage, User, UserRole
from app.notify import channels
from app.notify.settings import addresses_of
from app.ops.retry_queue import connect_session_listeners

IMMEDIATE_KINDS = {"reminder": "督办提醒", "overdue": "逾期提醒"}
MAX_RECIPIENTS = 200  # a role-wide notice reaches at most this many people


def subject_line(kind_name: str) -> str:
    system = current_app.config.get("NOTIFY_SYSTEM_NAME") or "安全生产严重失信主体名单管理系统"
    return f"【{system}】{kind_name}"


def recipients(session: Session, note: Notification) -> list[User]:
    if note.user_id:
        user = session.get(User, note.user_id)
        return [user] if user is not None and user.active else []
    if not note.role:
        return []
    return list(
        session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.bureau_id == note.bureau_id, User.active.is_(True), UserRole.role == note.role)
            .order_by(User.id)
            .limit(MAX_RECIPIENTS)
        ).unique()
    )


def queue_for(session: Session, note: Notification) -> list[OutboundMessage]:
    kind_name = IMMEDIATE_KINDS.get(note.kind)
    usable = channels.available()
    if kind_name is None or not usable:
        return []
    queued = []
    at = note.created_at or now()
    for user in recipients(session, note):
        for channel, address in addresses_of(session.get(ContactSetting, user.id), usable):
            message = OutboundMessage(
                user_id=user.id,
                bureau_id=note.bureau_id,
                channel=channel,
                address=address,
                kind=note.kind,
                subject=subject_line(kind_name),
                body=note.message,
                next_attempt_at=at,
                created_at=at,
            )
            session.add(message)
            queued.append(message)
    return queued


def _before_flush(session: Session, _context, _instances) -> None:
    new = [n for n in session.new if isinstance(n, Notification) and n.kind in IMMEDIATE_KINDS]
    if new:
        session.info.setdefault("notify_pending", []).extend(new)


def _after_flush_postexec(session: Session, _context) -> None:
    pending = session.info.pop("notify_pending", [])
    if not pending or not has_app_context():
        return
    with session.no_autoflush:
        for note in pending:
            queue_for(session, note)


def _after_soft_rollback(session: Session, _previous) -> None:
    session.info.pop("notify_pending", None)


LISTENERS = (
    ("before_flush", _before_flush),
    ("after_flush_postexec", _after_flush_postexec),
    ("after_soft_rollback", _after_soft_rollback),
)


def connect() -> None:
    connect_session_listeners(LISTENERS)
