"""Bearer tokens for the JSON API (only their hashes are stored)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from app.clock import now
from app.models import ApiToken, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(token_hash=_digest(token), user_id=user.id, expires_at=now() + dt.timedelta(hours=hours))
    )
    session.flush()
    return token


def user_details(via=None) -> list:
    """Loader options that bring a user's roles and applicant profile in the same query
    (`via`: the relationship that leads to the user): every request needs them, and
    the default loads cost two more round trips."""
    if via is None:
        return [joinedload(User.role_rows), joinedload(User.applicant_profile)]
    return [joinedload(via).joinedload(User.role_rows), joinedload(via).joinedload(User.applicant_profile)]


def user_for_token(session: Session, token: str) -> User | None:
    stmt = select(ApiToken).where(ApiToken.token_hash == _digest(token)).options(*user_details(ApiToken.user))
    row = session.execute(stmt).unique().scalar_one_or_none()
    if row is None or row.expires_at < now() or not row.user.active:
        return None
    return row.user


def revoke_token(session: Session, token: str) -> bool:
    """Delete the token; True when it existed."""
    result = session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(token)))
    return bool(result.rowcount)


def revoke_all_tokens(session: Session, user: User) -> None:
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
