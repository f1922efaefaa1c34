"""The user of a request (a bearer token or a signed-in session), with the bureau,
roles and applicant profile every request needs.

Each request reads the user's rows in one plain statement; loading them as ORM objects
costs several times that statement, so each process keeps a detached copy of the user
as last loaded and hands the request a copy of it when the rows just read are exactly
the rows it was loaded from.  Nothing is trusted from memory: a changed role, bureau,
password, generation or profile, a deactivation, a revoked or expired token is seen by
the very next request, in every process."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import ApiToken, ApplicantProfile, Bureau, User, UserRole

MAX_KEPT_USERS = 2000  # copies kept per process (least recently used go first)

_MODELS = (User, Bureau, UserRole, ApplicantProfile)
_COLUMNS = {model: [prop.columns[0] for prop in model.__mapper__.column_attrs] for model in _MODELS}
_USER_ID_AT = [prop.key for prop in User.__mapper__.column_attrs].index("id")
_kept: OrderedDict[int, tuple[tuple, User]] = OrderedDict()
_lock = threading.Lock()


def user_details() -> list:
    """Loader options that bring a user's roles and applicant profile in the same query
    (the bureau is joined by the mapping)."""
    return [joinedload(User.role_rows), joinedload(User.applicant_profile)]


def _rows_statement(*extra):
    return (
        select(*extra, *(column for model in _MODELS for column in _COLUMNS[model]))
        .select_from(User)
        .join(Bureau, Bureau.id == User.bureau_id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .outerjoin(ApplicantProfile, ApplicantProfile.user_id == User.id)
        .order_by(UserRole.id)
    )


def _split(row, skip: int) -> list[tuple]:
    parts, at = [], skip
    for model in _MODELS:
        width = len(_COLUMNS[model])
        parts.append(tuple(row[at : at + width]))
        at += width
    return parts


def _fingerprint_of_rows(rows, skip: int) -> tuple:
    """What the rows say of the user, in the shape `_fingerprint_of_user` gives."""
    split = [_split(row, skip) for row in rows]
    user, bureau, _, profile = split[0]
    roles = tuple(part[2] for part in split if part[2][0] is not None)
    return user, bureau, roles, profile if profile[0] is not None else None


def _values(obj, model) -> tuple:
    return tuple(getattr(obj, prop.key) for prop in model.__mapper__.column_attrs)


def _fingerprint_of_user(user: User) -> tuple:
    profile = user.applicant_profile
    roles = tuple(_values(r, UserRole) for r in sorted(user.role_rows, key=lambda r: r.id))
    return (
        _values(user, User),
        _values(user.bureau, Bureau),
        roles,
        _values(profile, ApplicantProfile) if profile is not None else None,
    )


def _load(session: Session, user_id: int, fingerprint: tuple) -> User | None:
    """The user as ORM objects; a detached copy is kept when they are the rows the
    fingerprint was read from (not changed in between)."""
    stmt = select(User).where(User.id == user_id).options(*user_details())
    # populate_existing: a user already in the session (an app context kept across
    # requests) is brought in line with the rows too, roles and bureau included
    user = session.execute(stmt.execution_options(populate_existing=True)).unique().scalar_one_or_none()
    if user is not None and _fingerprint_of_user(user) == fingerprint:
        holder = Session()  # no connection: merge(load=False) only copies state
        copy = holder.merge(user, load=False)
        holder.expunge_all()
        with _lock:
            _kept[user_id] = (fingerprint, copy)
            _kept.move_to_end(user_id)
            while len(_kept) > MAX_KEPT_USERS:
                _kept.popitem(last=False)
    return user


def _user_from_rows(session: Session, rows, skip: int) -> User | None:
    fingerprint = _fingerprint_of_rows(rows, skip)
    user_id = fingerprint[0][_USER_ID_AT]
    with _lock:
        kept = _kept.get(user_id)
        if kept is not None:
            _kept.move_to_end(user_id)
    if kept is not None and kept[0] == fingerprint:
        return session.merge(kept[1], load=False)
    return _load(session, user_id, fingerprint)


def user_by_id(session: Session, user_id: int) -> User | None:
    rows = session.execute(_rows_statement().where(User.id == user_id)).all()
    return _user_from_rows(session, rows, 0) if rows else None


def user_by_token_digest(session: Session, digest: str, at: dt.datetime) -> User | None:
    """The active user of an unexpired token, else None."""
    stmt = _rows_statement(ApiToken.expires_at).join(ApiToken, ApiToken.user_id == User.id)
    rows = session.execute(stmt.where(ApiToken.token_hash == digest)).all()
    if not rows or rows[0][0] < at:
        return None
    user = _user_from_rows(session, rows, 1)
    return user if user is not None and user.active else None
