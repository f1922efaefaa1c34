"""Case lists for pages and the API, from the case table and the indexes only."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Case


def case_rows(session: Session, bureau_ids: set[int], *, status: str = "", process: str = "",
              query: str = "", limit: int = 200) -> list[Case]:
    stmt = select(Case).where(Case.bureau_id.in_(bureau_ids))
    if status:
        stmt = stmt.where(Case.status == status)
    if process:
        stmt = stmt.where(Case.process_key == process)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(Case.number.like(like), Case.subject_name.like(like),
                              Case.credit_code.like(like)))
    return list(session.scalars(stmt.order_by(Case.created_at.desc()).limit(limit)).unique())
