"""Tamper-evident history: each audit event carries the hash of the case's previous
event and its own hash over its content, so that an edited, inserted, reordered or
deleted event breaks the chain at that point (`flask audit verify` finds it).

Events without a case form one chain of their own.  Deleting a case's newest event
leaves no trace in the chain; comparing with a backup or the logs finds that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.txn import memory
from app.models import AuditEvent, Case


def _at(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def event_hash(prev_hash: str | None, event: AuditEvent) -> str:
    content = [
        prev_hash,
        event.case_id,
        _at(event.at),
        event.actor_id,
        event.actor_name,
        event.action,
        event.step,
        event.summary,
        event.data or {},
    ]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Per transaction (app.engine.txn): the cases it holds locked, and the newest hash of
# each of their chains.  A locked case has no other writer, so its head is known after
# the first read, and every further event of the step needs neither a query nor a
# flush of its own.


def note_locked(session: Session, case_id: int) -> None:
    memory(session, "locked")[case_id] = True


def _locked(session: Session, case_id: int | None) -> bool:
    return case_id is not None and case_id in memory(session, "locked")


def chain_head(session: Session, case_id: int | None) -> str | None:
    """The hash of the case's newest event (pending ones included)."""
    heads = memory(session, "audit_heads")
    if case_id is not None and case_id in heads:
        return heads[case_id]
    if case_id is not None and not _locked(session, case_id):
        if session.get_bind().dialect.name == "postgresql":
            # writers that did not lock the case (supervisors' notes) queue here, so
            # the chain never forks; the engine's steps hold this lock already
            session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
            note_locked(session, case_id)
    where = AuditEvent.case_id == case_id if case_id is not None else AuditEvent.case_id.is_(None)
    return session.scalar(select(AuditEvent.hash).where(where).order_by(AuditEvent.id.desc()).limit(1))


def read_heads(session: Session, case_ids: list[int]) -> None:
    """The chain heads of locked cases, one statement for all of them (a case without
    events yet has none)."""
    newest = (
        select(func.max(AuditEvent.id)).where(AuditEvent.case_id.in_(case_ids)).group_by(AuditEvent.case_id)
    )
    heads: dict[int, str | None] = dict.fromkeys(case_ids)
    for case_id, head in session.execute(
        select(AuditEvent.case_id, AuditEvent.hash).where(AuditEvent.id.in_(newest))
    ):
        heads[case_id] = head
    known = memory(session, "audit_heads")
    for case_id, head in heads.items():
        if _locked(session, case_id):
            known.setdefault(case_id, head)  # one known already may have events not yet flushed


def seal(session: Session, event: AuditEvent) -> None:
    """Link a new event to its case's chain and add it to the session.  Events of a
    locked case are inserted at the next flush, in the order they were added."""
    event.prev_hash = chain_head(session, event.case_id)
    event.hash = event_hash(event.prev_hash, event)
    session.add(event)
    if _locked(session, event.case_id):
        memory(session, "audit_heads")[event.case_id] = event.hash
    else:
        session.flush()


@dataclass
class Break:
    case_id: int | None
    event_id: int
    action: str
    reason: str

    def describe(self) -> str:
        where = f"case {self.case_id}" if self.case_id is not None else "events without a case"
        return f"{where}: event {self.event_id} ({self.action}): {self.reason}"


def verify(session: Session) -> tuple[int, Break | None]:
    """Walk every chain in id order; returns (events checked, the first broken link)."""
    checked = 0
    previous: dict[int | None, str | None] = {}
    # A closed result also closes PostgreSQL's server-side cursor when we stop early.
    with session.execute(
        select(AuditEvent).order_by(AuditEvent.case_id, AuditEvent.id).execution_options(yield_per=1000)
    ) as rows:
        return _walk(rows, previous, checked)


def _walk(rows, previous: dict, checked: int) -> tuple[int, Break | None]:
    for (event,) in rows:
        expected_prev = previous.get(event.case_id)
        if event.prev_hash != expected_prev:
            return checked, Break(
                event.case_id,
                event.id,
                event.action,
                "link broken: an event before it was removed or inserted",
            )
        if event.hash != event_hash(event.prev_hash, event):
            return checked, Break(
                event.case_id, event.id, event.action, "content changed after it was recorded"
            )
        previous[event.case_id] = event.hash
        checked += 1
    return checked, None
