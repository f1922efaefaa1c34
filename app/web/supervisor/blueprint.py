"""The supervisor blueprint object and what its views share."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from app.extensions import db
from app.org.access import visible_bureau_ids
from app.supervision.scope import subtree_ids
from app.web.common import safe_next, unit_of_work

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


def visible() -> set[int]:
    return visible_bureau_ids(db.session, current_user)


def scoped(bureau_id: int | None) -> set[int]:
    """The visible bureaus, narrowed to a chosen bureau's subtree."""
    ids = visible()
    return subtree_ids(db.session, bureau_id, ids) if bureau_id else ids


def back(default_endpoint: str = "supervisor.show_board"):
    """Redirect to the page the form came from (a path on this site only)."""
    return redirect(safe_next(request.form.get("back")) or url_for(default_endpoint))


def run_action(action, done: str, default_endpoint: str = "supervisor.show_board"):
    """Call a supervision service; commit and flash, or roll back and flash its message."""
    unit_of_work(action, done=done)
    return back(default_endpoint)
