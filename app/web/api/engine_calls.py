"""Run an operation that changes data, commit once, or roll back and answer the refusal
with the status app.web.errors gives it."""

from __future__ import annotations

from typing import Any, Callable

from app.errors import AppError
from app.extensions import db
from app.web.errors import app_error_response


def commit_or_error(work: Callable[[], Any]):
    """(result, None) after a commit, or (None, error response) after a rollback."""
    try:
        result = work()
        db.session.commit()
        return result, None
    except AppError as exc:
        db.session.rollback()
        return None, app_error_response(exc)
