"""查询留痕: every check of one subject made with an organisation's key is recorded
(who, when, what answer) and shown to the bureau that issued the key."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Organisation, RegisterQuery

LIST_LIMIT = 500


def record_query(
    session: Session, organisation: Organisation, credit_code: str, listed: bool
) -> RegisterQuery:
    query = RegisterQuery(
        organisation_id=organisation.id,
        bureau_id=organisation.bureau_id,
        credit_code=credit_code[:32],
        listed=listed,
        at=now(),
    )
    session.add(query)
    session.flush()
    return query


def recent_queries(session: Session, bureau_ids: set[int], limit: int = LIST_LIMIT) -> list[RegisterQuery]:
    return list(
        session.scalars(
            select(RegisterQuery)
            .where(RegisterQuery.bureau_id.in_(bureau_ids))
            .order_by(RegisterQuery.at.desc(), RegisterQuery.id.desc())
            .limit(min(max(limit, 1), LIST_LIMIT))
        )
    )


def query_json(query: RegisterQuery) -> dict:
    return {
        "organisation": query.organisation.name,
        "organisation_id": query.organisation_id,
        "credit_code": query.credit_code,
        "at": query.at.isoformat(),
        "listed": query.listed,
    }
