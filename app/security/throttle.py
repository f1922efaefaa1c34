"""Login throttling with Flask-Limiter: failed sign-ins are counted per account and
per client address, over /login and /api/token together.  Past the limit both answer
429 with Retry-After, even to the right password, until the window has passed.
The counts live in the database (RATELIMIT_STORAGE_URI "database://"), shared by
every web process."""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.extensions import db
from app.security import throttle_store  # noqa: F401  (registers the database:// storage)

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def _account_key() -> str:
    name = request.form.get("username")
    if name is None:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    return "account:" + (str(name).strip().lower()[:64] if name else "")


def note_failure() -> None:
    """Count this request as a failed sign-in.  A failed sign-in changes nothing, so the
    request's transaction ends here: the count is written on a connection of its own."""
    db.session.rollback()
    g.login_failed = True


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


def per_account():
    return limiter.shared_limit(
        lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
        scope="login-account",
        key_func=_account_key,
        deduct_when=_failed,
        methods=["POST"],
    )


def per_address():
    return limiter.shared_limit(
        lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
        scope="login-address",
        key_func=get_remote_address,
        deduct_when=_failed,
        methods=["POST"],
    )
