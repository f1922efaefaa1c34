"""The public register: only entries currently published."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import ACTIVE_STATUSES, RegisterEntry


def published_entries(session: Session, query: str = "", limit: int | None = None) -> list[RegisterEntry]:
    stmt = select(RegisterEntry).where(
        RegisterEntry.published.is_(True), RegisterEntry.status.in_([s.value for s in ACTIVE_STATUSES])
    )
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(or_(RegisterEntry.subject_name.like(like), RegisterEntry.credit_code.like(like)))
    stmt = stmt.order_by(RegisterEntry.listed_on.desc(), RegisterEntry.id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
