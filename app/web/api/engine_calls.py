"""Run an operation that changes data, commit once, and map engine errors onto the
API's status codes (422 invalid, 409 conflict, 403 not allowed)."""

from __future__ import annotations

from typing import Any, Callable

from app import engine
from app.extensions import db
from app.web.errors import json_error

STATUS = (
    (engine.FormInvalid, 422),
    (engine.Conflict, 409),
    (engine.NotAllowed, 403),
    (engine.EngineError, 422),
)


def commit_or_error(work: Callable[[], Any]):
    """(result, None) after a commit, or (None, error response) after a rollback."""
    try:
        result = work()
        db.session.commit()
        return result, None
    except engine.EngineError as exc:
        db.session.rollback()
        status = next(code for kind, code in STATUS if isinstance(exc, kind))
        errors = exc.errors if isinstance(exc, engine.FormInvalid) else None
        return None, json_error(status, exc.message, errors)
