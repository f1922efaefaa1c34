"""Text search shared by the inbox, the case list and the register: what the user typed
is matched literally (`%` and `_` are characters, not wildcards), against the case and
every subject of it, including the penalty decision number."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.models import Case, RegisterEntry

MAX_QUERY = 100


def contains(column, text: str) -> ColumnElement[bool]:
    """`column` contains `text` literally (LIKE with % _ and the escape character escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


def clean_query(text: str | None) -> str:
    return (text or "").strip()[:MAX_QUERY]


def case_matches(text: str) -> ColumnElement[bool]:
    """A condition on Case: its number, title or code, or any of its register entries'
    names, codes, masked ID numbers or penalty numbers contain `text`."""
    entry_hit = or_(
        contains(RegisterEntry.subject_name, text),
        contains(RegisterEntry.credit_code, text),
        contains(RegisterEntry.id_number_masked, text),
        contains(RegisterEntry.penalty_number, text),
    )
    return or_(
        contains(Case.number, text),
        contains(Case.subject_name, text),
        contains(Case.credit_code, text),
        Case.id.in_(select(RegisterEntry.listing_case_id).where(entry_hit)),
        Case.register_entry_id.in_(select(RegisterEntry.id).where(entry_hit)),
    )
