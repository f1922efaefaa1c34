"""Register changes become outbound events in the same transaction (an outbox).

A listener on the session's flush looks at each register entry that changed and writes
one OutboundEvent per move an outside party cares about, plus one Delivery per
subscription of an organisation whose bureau is the entry's or one above it.  Whatever
code moved the entry (a diagram action, the import, a correction), the event follows."""

from __future__ import annotations

import uuid

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Bureau, Delivery, EntryStatus, Organisation, OutboundEvent, RegisterEntry, Subscription
from app.ops.retry_queue import connect_session_listeners
from app.partners.subscriptions import wants
from app.platforms.exports import queue_event
from app.register.feed import feed_entry

STATUS_EVENTS = {
    EntryStatus.EXPIRED: "removed",
    EntryStatus.REMOVED_EARLY: "removed_early",
    EntryStatus.RESTORED: "restored",
    EntryStatus.WITHDRAWN: "withdrawn",
    EntryStatus.SUSPENDED: "suspended",
}
MAX_BUREAU_DEPTH = 10


def _changes(entry: RegisterEntry, is_new: bool) -> list[str]:
    kinds: list[str] = []
    state = inspect(entry)
    published = state.attrs.published.history
    if entry.published and (is_new or (published.has_changes() and not any(published.deleted))):
        kinds.append("published")
    status = state.attrs.status.history
    if is_new or status.has_changes():
        kind = STATUS_EVENTS.get(EntryStatus(entry.status)) if entry.status else None
        if kind and (
            is_new or EntryStatus(entry.status) not in {EntryStatus(s) for s in status.deleted if s}
        ):
            kinds.append(kind)
    return kinds


def _bureau_and_above(session: Session, bureau_id: int) -> list[int]:
    ids, current = [], session.get(Bureau, bureau_id)
    while current is not None and len(ids) < MAX_BUREAU_DEPTH:
        ids.append(current.id)
        current = current.parent
    return ids


def _subscriptions_for(session: Session, bureau_id: int) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .join(Organisation, Organisation.id == Subscription.organisation_id)
            .where(
                Subscription.active.is_(True),
                Organisation.active.is_(True),
                Organisation.bureau_id.in_(_bureau_and_above(session, bureau_id)),
            )
        )
    )


def note_changes(session: Session) -> None:
    """Before the flush: which entries moved, while the attribute history still says so."""
    pending = session.info.setdefault("outbox_pending", [])
    for entry, is_new in [(e, True) for e in session.new if isinstance(e, RegisterEntry)] + [
        (e, False) for e in session.dirty if isinstance(e, RegisterEntry)
    ]:
        kinds = _changes(entry, is_new)
        if kinds:
            pending.append((entry, kinds))


def record_events(session: Session) -> list[OutboundEvent]:
    """After the flush (ids known): one event per move, one delivery per subscriber.
    Added to the session, they are written by the commit's next flush."""
    pending = session.info.pop("outbox_pending", [])
    created: list[OutboundEvent] = []
    if not pending:
        return created
    at = now()
    with session.no_autoflush:
        for entry, kinds in pending:
            subscriptions = _subscriptions_for(session, entry.bureau_id)
            for kind in kinds:
                event_id = str(uuid.uuid4())
                outbound = OutboundEvent(
                    event_id=event_id,
                    kind=kind,
                    bureau_id=entry.bureau_id,
                    register_entry_id=entry.id,
                    payload={
                        "event_id": event_id,
                        "event": kind,
                        "occurred_at": at.isoformat(),
                        "entry": feed_entry(entry),
                    },
                    created_at=at,
                )
                session.add(outbound)
                queue_event(session, outbound)  # the national platforms hear of it too
                for subscription in subscriptions:
                    if wants(subscription, kind):
                        session.add(Delivery(event=outbound, subscription=subscription, next_attempt_at=at))
                created.append(outbound)
    return created


def _before_flush(session: Session, _context, _instances) -> None:
    note_changes(session)


def _after_flush_postexec(session: Session, _context) -> None:
    record_events(session)


def _after_soft_rollback(session: Session, _previous) -> None:
    session.info.pop("outbox_pending", None)  # what was rolled back is not announced


LISTENERS = (
    ("before_flush", _before_flush),
    ("after_flush_postexec", _after_flush_postexec),
    ("after_soft_rollback", _after_soft_rollback),
)


def connect() -> None:
    connect_session_listeners(LISTENERS)
