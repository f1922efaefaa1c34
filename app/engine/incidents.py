"""Incidents: every run-time failure of a step becomes a row (error in Chinese, the
element, the case), for administrators and supervisors to rescue the case.

A failing step rolls its transaction back, so the failure is noted when it happens
(`note`) and written afterwards in a transaction of its own (`flush`, called after
each request and by the scheduler)."""

from __future__ import annotations

import contextvars

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Case, Incident

_pending: contextvars.ContextVar[list[dict] | None] = contextvars.ContextVar(
    "pending_incidents", default=None
)
MAX_PENDING = 20


def note(case: Case | None, element_id: str | None, message: str, kind: str = "step") -> None:
    if case is None or case.id is None:
        return
    pending = _pending.get()
    if pending is None:
        pending = []
        _pending.set(pending)
    if len(pending) < MAX_PENDING:
        pending.append(
            {
                "case_id": case.id,
                "bureau_id": case.bureau_id,
                "element_id": element_id,
                "message": message,
                "kind": kind,
            }
        )


def discard() -> None:
    _pending.set(None)


def flush(session: Session, kind: str | None = None) -> list[Incident]:
    """Write the noted failures (after the failed transaction was rolled back);
    the same open failure of the same element is written once."""
    pending = _pending.get() or []
    _pending.set(None)
    if not pending:
        return []
    session.rollback()
    written = []
    for item in pending:
        if session.get(Case, item["case_id"]) is None:
            continue  # the case itself was never stored
        incident_kind = kind or item["kind"]
        existing = session.scalar(
            select(Incident).where(
                Incident.case_id == item["case_id"],
                Incident.element_id.is_(None)
                if item["element_id"] is None
                else Incident.element_id == item["element_id"],
                Incident.message == item["message"],
                Incident.resolved_at.is_(None),
            )
        )
        if existing is not None:
            continue
        incident = Incident(
            case_id=item["case_id"],
            bureau_id=item["bureau_id"],
            kind=incident_kind,
            element_id=(item["element_id"] or None) and item["element_id"][:100],
            message=item["message"][:2000],
            created_at=now(),
            resolution="",
        )
        session.add(incident)
        written.append(incident)
    session.commit()
    return written
