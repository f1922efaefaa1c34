"""Bearer tokens for the JSON API (only their hashes are stored)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.clock import now
from app.models import ApiToken, User
from app.org.request_user import user_by_token_digest


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=_digest(token), user_id=user.id, expires_at=now() + dt.timedelta(hours=hours))
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    return user_by_token_digest(session, _digest(token), now())


def revoke_token(session: Session, token: str) -> bool:
    """Delete the token; True when it existed."""
    result = session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(token)))
    return bool(result.rowcount)


def revoke_all_tokens(session: Session, user: User) -> None:
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
