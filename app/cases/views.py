"""Case lists for pages and the API, from the case table and the indexes only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.search import case_matches, clean_query
from app.models import Case


def case_rows(
    session: Session,
    bureau_ids: set[int],
    *,
    status: str = "",
    process: str = "",
    query: str = "",
    limit: int = 200,
) -> list[Case]:
    stmt = select(Case).where(Case.bureau_id.in_(bureau_ids))
    if status:
        stmt = stmt.where(Case.status == status)
    if process:
        stmt = stmt.where(Case.process_key == process)
    query = clean_query(query)
    if query:
        stmt = stmt.where(case_matches(query))
    return list(session.scalars(stmt.order_by(Case.created_at.desc()).limit(limit)).unique())


def describe_data(meta: dict, step: str | None, data: dict) -> list[tuple[str, str]]:
    """Submitted values as (label, text) using the form drawn for that step;
    empty values are left out, options shown by their Chinese names."""
    if step:
        fields = meta.get("steps", {}).get(step, {}).get("form", [])
    else:
        fields = meta.get("start_form", [])
    by_id = {f["id"]: f for f in fields}
    rows = []
    for key, value in (data or {}).items():
        if value is None or value == "" or value == []:
            continue
        field = by_id.get(key, {})
        options = dict(tuple(o) for o in field.get("options", []))
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif isinstance(value, list):
            text = "；".join(  # files are kept as {"id", "name"}
                str(v.get("name", "")) if isinstance(v, dict) else options.get(str(v), str(v)) for v in value
            )
        else:
            text = options.get(str(value), str(value))
        rows.append((field.get("label", key), text))
    return rows
