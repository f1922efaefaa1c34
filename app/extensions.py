"""Extension objects, attached to the app in create_app with init_app."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context, has_request_context, request
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
            event.listen(engine, "before_cursor_execute", _sqlite_upgrade_before_write)
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

    def read_only_session(self) -> Session:
        """A session that only reads, outside the request scope: on SQLite its
        transactions begin deferred, so a long read (the scheduler computing figures)
        never holds the write lock that officers completing tasks wait for."""
        ext = current_app.extensions
        bind = ext.get("database_bind") or self.engine.execution_options(read_only=True)
        return Session(bind=bind, expire_on_commit=False, **ext.get("database_session_options", {}))

    @contextmanager
    def side_connection(self, read_only: bool = False, wait_ms: int | None = None):
        """A short transaction on a connection of its own, never the request's: what it
        writes survives the request's rollback and adds nothing to its locks (login
        counters, figures snapshots).  `read_only` begins deferred on SQLite, so a read
        never waits for a writer, not even the request that asks.  `wait_ms`: a writer
        not worth a long wait gives up after that long, instead of the 30 seconds a
        writer of real data waits.  In the tests the app is bound to one connection
        whose transaction is rolled back: that connection is used."""
        bound = current_app.extensions.get("database_bind")
        if bound is not None:
            yield bound
            return
        with self.engine.connect().execution_options(read_only=read_only) as connection:
            writer_wait = None if read_only else wait_ms
            with _sqlite_busy_timeout(connection, writer_wait):
                with connection.begin():
                    if writer_wait is not None and connection.dialect.name == "postgresql":
                        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(writer_wait)}ms'")
                    yield connection


@contextmanager
def _sqlite_busy_timeout(connection, wait_ms: int | None):
    """SQLite's writers wait for the lock at BEGIN IMMEDIATE: the timeout is set on the
    driver's connection before the transaction begins, and put back after."""
    if wait_ms is None or connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    usual = driver.execute("PRAGMA busy_timeout").fetchone()[0]
    driver.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(usual)}")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, emit BEGIN (see _sqlite_begin): savepoints then work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


def _sqlite_begin(connection) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE), so two of them queue on
    busy_timeout instead of failing on a stale snapshot.  A read-only request (GET) begins
    deferred: in WAL mode it then reads beside a writer instead of waiting for it (a long
    import must not make the public register wait or answer "database is locked").
    A connection opened with execution_options(read_only=True) begins deferred too."""
    deferred = connection.get_execution_options().get("read_only") or (
        has_request_context() and request.method in READ_ONLY_METHODS
    )
    connection.info["sqlite_deferred"] = deferred
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def _sqlite_upgrade_before_write(connection, cursor, statement, _params, _context, _many) -> None:
    """A GET that writes after all (e.g. a recorded register check): nothing has been
    written yet, so end the read transaction and take the write lock before the first
    write.  Upgrading the deferred transaction in place would fail at once, without
    waiting, whenever another writer committed since its first read."""
    if not connection.info.get("sqlite_deferred") or not _WRITE.match(statement):
        return
    connection.info["sqlite_deferred"] = False
    if connection.in_nested_transaction():  # a savepoint would not survive the COMMIT
        return
    cursor.execute("COMMIT")
    cursor.execute("BEGIN IMMEDIATE")


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
