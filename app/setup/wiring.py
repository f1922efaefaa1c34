"""Connects the pieces that must not import each other: the engine's hooks, the
calendar's override source, and the login loader."""

from __future__ import annotations

from flask import Flask, g, has_app_context

from app.calendar import workdays as cal
from app.calendar.overrides import cached_overrides
from app.cases import starting as _start_hooks  # noqa: F401  (registers the start hooks)
from app.cases.escalation import on_timers_fired
from app.domain import roles as domain_roles
from app.domain.roles import ROLES
from app.engine import DOCUMENT_LISTENERS, TIMER_LISTENERS, functions, incidents
from app.extensions import db, login_manager
from app.notify import fanout as notify_fanout
from app.org import roles as role_table
from app.partners import outbox
from app.register import actions as listing_actions  # noqa: F401  (listing, register life, exceptional paths)
from app.register import repair_actions as diagram_actions  # noqa: F401  (registers the diagram actions)
from app.register.step_documents import issue_for_step
from app.tips import actions as tip_actions  # noqa: F401  (the tip diagram's reply)


def _overrides() -> cal.Overrides:
    """The admins' holiday table (cached for a short while per process: see
    app.calendar.overrides.cached_overrides)."""
    if not has_app_context():
        return cal.NO_OVERRIDES
    return cached_overrides(db.session)


def _roles():
    """The role table (read once per request or command: app.org.roles.catalogue)."""
    if not has_app_context():
        return ROLES
    return role_table.catalogue(db.session)


def connect(app: Flask) -> None:
    functions.overrides_provider = _overrides
    domain_roles.catalogue_provider = _roles
    if on_timers_fired not in TIMER_LISTENERS:
        TIMER_LISTENERS.append(on_timers_fired)
    if issue_for_step not in DOCUMENT_LISTENERS:
        DOCUMENT_LISTENERS.append(issue_for_step)  # documents the diagrams' steps declare
    outbox.connect()  # register changes become outbound events in their own transaction
    notify_fanout.connect()  # reminders and overdue notices go out by e-mail/SMS too

    @app.before_request
    def _forget_incidents():
        incidents.discard()

    @app.after_request
    def _write_incidents(response):
        """A step that failed was rolled back; its incident is written now."""
        incidents.flush(db.session)
        return response

    from app.org.request_user import user_by_id

    @login_manager.user_loader
    def load_user(session_id: str):
        """The session names "<user id>:<generation>"; an older generation (logged out,
        password changed) or an inactive account ends it."""
        user_id, _, generation = session_id.partition(":")
        if not user_id.isdigit() or not generation.isdigit():
            return None
        user = user_by_id(db.session, int(user_id))
        if user is None or not user.active or user.session_generation != int(generation):
            return None
        return user

    @app.before_request
    def load_user_from_this_request() -> None:
        # Flask-Login caches the user on `g`; where an app context outlives a request
        # (the tests' rollback fixture) the next request must read its own session.
        g.pop("_login_user", None)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
