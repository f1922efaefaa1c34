"""CSV uploads kept on the server between the check and the confirmation."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import ImportUpload, User

KEPT_FOR = dt.timedelta(hours=2)


def keep_upload(session: Session, user: User, text: str) -> str:
    """Store the checked file; returns the token the confirmation form carries.  The
    user's earlier uploads and anyone's stale ones are dropped."""
    session.execute(
        delete(ImportUpload).where(
            or_(ImportUpload.user_id == user.id, ImportUpload.created_at < now() - KEPT_FOR)
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(ImportUpload(token=token, user_id=user.id, content=text))
    session.flush()
    return token


def kept_upload(session: Session, user: User, token: str) -> ImportUpload | None:
    """The user's own upload for `token`, if still kept."""
    return session.scalar(
        select(ImportUpload).where(
            ImportUpload.token == token[:64],
            ImportUpload.user_id == user.id,
            ImportUpload.created_at >= now() - KEPT_FOR,
        )
    )
