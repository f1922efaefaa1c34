"""The login throttle counts in the database: failures seen by one process lock the
account in every other (several gunicorn workers)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import time_machine
from sqlalchemy import delete, func, select

from app.clock import now
from app.extensions import db
from app.models import ThrottleCounter

ROOT = Path(__file__).resolve().parents[2]

FAIL_IN_ANOTHER_PROCESS = textwrap.dedent(
    """
    import sys
    from tests.conftest import build_app
    app = build_app(sys.argv[1])
    client = app.test_client()
    codes = [client.post("/login", data={"username": sys.argv[2], "password": "wrong"}).status_code
             for _ in range(10)]
    print(codes)
    app.extensions["database_engine"].dispose()
    """
)


def test_failures_in_another_process_lock_the_account_here(_prepared_app):
    # The session's database with real commits (no `app` fixture: its open transaction
    # would hold SQLite's write lock); an account of its own, its rows removed after.
    app = _prepared_app
    username = f"probe-{uuid.uuid4().hex[:8]}"
    url = app.extensions["database_engine"].url.render_as_string(hide_password=False)
    try:
        other = subprocess.run(
            [sys.executable, "-c", FAIL_IN_ANOTHER_PROCESS, url, username],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert other.returncode == 0, other.stderr[-2000:]
        assert other.stdout.strip() == str([200] * 10)
        here = app.test_client()  # this process never saw those failures
        locked = here.post("/login", data={"username": username, "password": "x"})
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
        api = here.post("/api/token", json={"username": username, "password": "x"})
        assert api.status_code == 429
    finally:
        with app.app_context():
            db.session.execute(delete(ThrottleCounter))
            db.session.commit()
            db.session.remove()


def test_counts_are_rows_that_end_with_their_window(client, session):
    with time_machine.travel(now(), tick=False) as traveller:
        for _ in range(3):
            client.post("/login", data={"username": "clerk", "password": "wrong"})
        assert sorted(session.scalars(select(ThrottleCounter.hits))) == [3, 3]  # account, address
        traveller.shift(dt.timedelta(minutes=16))
        client.post("/login", data={"username": "nobody", "password": "wrong"})
        # the ended windows were dropped; the new failure counts from one
        assert session.scalar(select(func.count()).select_from(ThrottleCounter)) == 2
        assert list(session.scalars(select(ThrottleCounter.hits))) == [1, 1]
