"""Who may see what: a user sees their own bureau and the bureaus below it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Bureau, User


def visible_bureau_ids(session: Session, user: User) -> set[int]:
    return bureau_and_below(session, user.bureau_id)


def bureau_and_below(session: Session, bureau_id: int) -> set[int]:
    parents = dict(session.execute(select(Bureau.id, Bureau.parent_id)).all())
    found = {bureau_id}
    changed = True
    while changed:
        changed = False
        for child_id, parent_id in parents.items():
            if parent_id in found and child_id not in found:
                found.add(child_id)
                changed = True
    return found


def visible_row(session: Session, user: User, model, row_id: int | None):
    """The row of `model` (anything with a bureau_id) when it exists and lies in a bureau
    the user may see; None otherwise (not visible reads as absent)."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        return None
    if row.bureau_id != user.bureau_id and row.bureau_id not in visible_bureau_ids(session, user):
        return None  # (the user's own bureau is the usual case: no need to read the tree)
    return row
