"""What the views of every audience share: who may open a page, where a form may send
the user back, what an engine form sent, the one visibility lookup and the one unit of
work (commit once, or roll back and tell the user why)."""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import abort, flash, g, request
from flask_login import current_user, login_required

from app.engine import FormField
from app.errors import AppError, NotFound
from app.extensions import db
from app.org.access import visible_row
from app.web.errors import wants_json


def role_required(*roles: str):
    """The user must hold at least one of the roles."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.roles.intersection(roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no host, no protocol-relative //evil."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


def form_values(fields: list[FormField]) -> dict:
    """What the HTML form sent, restricted to the form's own fields."""
    values = {}
    for f in fields:
        if f.type == "boolean":
            values[f.id] = f.id in request.form
        elif f.type == "list" and f.options:  # checkboxes: one value per ticked box
            values[f.id] = request.form.getlist(f.id)
        elif f.type == "file":  # the ids of files kept (app/web/form_files.py adds new ones)
            values[f.id] = request.form.getlist(f.id)
        else:
            values[f.id] = request.form.get(f.id, "")
    return values


def acting_user():
    """The API's token user under /api/, the signed-in user on a page."""
    return g.api_user if wants_json() else current_user


def get_visible_or_404(model, row_id: int, message: str = "记录不存在"):
    """The row when it exists in a bureau the user may see; otherwise 404 (a page, or
    JSON under /api/), never telling another bureau's row from a missing one."""
    row = visible_row(db.session, acting_user(), model, row_id)
    if row is None:
        raise NotFound(message)
    return row


def unit_of_work(work: Callable[[], Any], done: str | Callable[[Any], str] | None = None):
    """Run `work` and commit once: (result, None).

    A refusal (AppError) rolls everything back.  Under /api/ it is raised again, for the
    one error handler to answer as JSON; on a page its message is flashed (unless it is
    field errors, which the form shows beside the fields) and (None, error) returned.
    `done` is flashed after the commit (a callable gets the result)."""
    try:
        result = work()
        db.session.commit()
    except AppError as exc:
        db.session.rollback()
        if wants_json():
            raise
        if not isinstance(exc.errors, dict) or not exc.errors:
            flash(exc.message, "error")
        return None, exc
    if done is not None:
        flash(done(result) if callable(done) else done, "success")
    return result, None


def field_errors(error: AppError | None) -> dict:
    """The field errors of a refusal, for the form ({} when there are none)."""
    return error.errors if error is not None and isinstance(error.errors, dict) else {}
