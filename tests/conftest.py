"""Fixtures: one migrated, seeded database per backend per test session; every test
runs inside an outer transaction that is rolled back (commits become savepoints).

Backends: SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (a fresh
database is created beside it for the session and dropped afterwards).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import Case, TaskItem, User
from app.setup.database import prepare_database

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
PASSWORD = "test-pass"


def create_pg_database(admin_url: str) -> tuple[str, callable]:
    name = f"credit_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


def make_database_url(backend: str, folder: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'test-{uuid.uuid4().hex[:8]}.db'}", lambda: None
    return create_pg_database(os.environ["TEST_DATABASE_URL"])


def build_app(url: str, **extra):
    config = {
        "TESTING": True,
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "SCHEDULER_ENABLED": False,
        "DEMO_PASSWORD": PASSWORD,
        "SECRET_KEY": "test",
        "DEMO_MANAGEMENT_CASES": False,
        "SESSION_IDLE_HOURS": 24 * 365 * 20,  # tests move the clock by months while signed in
        "ATTACHMENT_DIR": tempfile.mkdtemp(prefix="attachments-"),
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture()
def fresh_app(tmp_path):
    """fresh_app(backend) -> an app on its own new database with real commits (for
    concurrency and restart tests); dropped at the end of the test."""
    created = []

    def make(backend: str, url: str | None = None):
        drop = lambda: None  # noqa: E731
        if url is None:
            url, drop = make_database_url(backend, tmp_path)
        app = build_app(url)
        with app.app_context():
            prepare_database(app, demo=True)
            db.session.commit()
            db.session.remove()
        created.append((app, drop))
        return app, url

    yield make
    for app, _drop in created:
        app.extensions["database_engine"].dispose()
    for _app, drop in created:
        drop()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def _prepared_app(backend, tmp_path_factory):
    url, drop = make_database_url(backend, tmp_path_factory.mktemp(backend))
    app = build_app(url)
    with app.app_context():
        prepare_database(app, demo=True)
        db.session.commit()
        db.session.remove()
    yield app
    app.extensions["database_engine"].dispose()
    drop()


@pytest.fixture()
def app(_prepared_app):
    """The app with db.session bound to a connection whose transaction is rolled back."""
    app = _prepared_app
    connection = app.extensions["database_engine"].connect()
    outer = connection.begin()
    app.extensions["database_bind"] = connection
    app.extensions["database_session_options"] = {"join_transaction_mode": "create_savepoint"}
    # login throttling counts live in the database: rolled back with the rest
    with app.app_context():
        yield app
        db.session.remove()
    outer.rollback()
    connection.close()
    app.extensions.pop("database_bind")
    app.extensions.pop("database_session_options")


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def session(app):
    return db.session


@pytest.fixture()
def user(session):
    def get(username: str) -> User:
        return session.scalar(select(User).where(User.username == username))

    return get


@pytest.fixture()
def login(client):
    def do(username: str, password: str = PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture()
def api(client):
    """api(username) -> a callable (method, path, json) returning the response."""
    tokens: dict[str, str] = {}

    def issue(username: str) -> None:
        response = client.post("/api/token", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        tokens[username] = response.get_json()["token"]

    def for_user(username: str):
        if username not in tokens:
            issue(username)

        def call(method: str, path: str, json=None):
            response = client.open(
                path, method=method, json=json, headers={"Authorization": f"Bearer {tokens[username]}"}
            )
            if response.status_code == 401:  # the token expired while the test moved time
                issue(username)
                response = client.open(
                    path, method=method, json=json, headers={"Authorization": f"Bearer {tokens[username]}"}
                )
            return response

        return call

    return for_user


@pytest.fixture()
def open_task(session):
    """open_task(case_id, step) -> the open TaskItem of that step (or None)."""

    def find(case_id: int, step: str):
        return session.scalar(
            select(TaskItem).where(
                TaskItem.case_id == case_id, TaskItem.step == step, TaskItem.completed_at.is_(None)
            )
        )

    return find


@pytest.fixture()
def case_of(session):
    def get(case_id: int) -> Case:
        case = session.get(Case, case_id)
        session.refresh(case)
        return case

    return get
