"""The public register: only entries currently published."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.cases.search import contains
from app.models import ACTIVE_STATUSES, RegisterEntry


def _published(query: str):
    stmt = select(RegisterEntry).where(
        RegisterEntry.published.is_(True), RegisterEntry.status.in_([s.value for s in ACTIVE_STATUSES])
    )
    query = (query or "").strip()
    if query:  # matched literally: % and _ are characters here
        stmt = stmt.where(
            or_(contains(RegisterEntry.subject_name, query), contains(RegisterEntry.credit_code, query))
        )
    return stmt


def published_entries(
    session: Session, query: str = "", limit: int | None = None, offset: int = 0
) -> list[RegisterEntry]:
    stmt = _published(query).order_by(RegisterEntry.listed_on.desc(), RegisterEntry.id)
    if limit:
        stmt = stmt.limit(limit).offset(offset)
    return list(session.scalars(stmt))


def count_published(session: Session, query: str = "") -> int:
    return session.scalar(select(func.count()).select_from(_published(query).subquery())) or 0


def published_entry(session: Session, entry_id: int) -> RegisterEntry | None:
    return session.scalar(_published("").where(RegisterEntry.id == entry_id))
