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
