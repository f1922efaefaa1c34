"""Extension objects, attached to the app in create_app with init_app."""

from __future__ import annotations

import threading

from flask import Flask, current_app, has_app_context
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session


class Database:
    """A SQLAlchemy engine per app and a session per (app, thread).

    Plain SQLAlchemy 2 rather than Flask-SQLAlchemy: the scheduler, the CLI and the
    tests drive sessions and transactions explicitly, and one small class is easier
    to reason about than the plugin's layering.  Engines live on the app, so several
    apps (tests, a live server beside them) never share one by accident.
    """

    def __init__(self) -> None:
        self.session = scoped_session(self._make_session, scopefunc=self._scope)

    @staticmethod
    def _scope():
        app_id = id(current_app._get_current_object()) if has_app_context() else None
        return app_id, threading.get_ident()

    @staticmethod
    def _make_session() -> Session:
        ext = current_app.extensions
        options = dict(ext.get("database_session_options", {}))
        return Session(
            bind=ext.get("database_bind") or ext["database_engine"], expire_on_commit=False, **options
        )

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        kwargs: dict = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        app.extensions["database_engine"] = engine

        @app.teardown_appcontext
        def remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["database_engine"]

    def new_session(self) -> Session:
        """A session outside the request scope (scheduler threads, concurrency tests)."""
        return Session(bind=self.engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, emit BEGIN: savepoints then work, and every
    # transaction takes the write lock up front (BEGIN IMMEDIATE), so two writers
    # queue on busy_timeout instead of failing on a stale snapshot.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
