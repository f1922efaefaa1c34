"""kill -9 of the web processes while clients complete tasks (gunicorn, two workers, on
PostgreSQL): after a restart every case's stored workflow still agrees with its task
and timer rows (`flask consistency check`), and the unfinished work can go on."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cases.repair import start_repair
from app.extensions import db
from app.models import AuditEvent, Bureau, EntryStatus, RegisterEntry, TaskItem, User
from app.org.tokens import issue_token
from tests.helpers import repair_data
from tests.served import complete_over_http, serve

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="several gunicorn workers share PostgreSQL (SQLite is served by one)",
)
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CASES = 24


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "FLASK_"))}
    env.update(
        {
            "FLASK_APP": "app:create_app",
            "DATABASE_URL": url,
            "SECRET_KEY": "kill-test-key-0123456789abcdef",
            "SCHEDULER_ENABLED": "0",
        }
    )
    return env


def _serve(env: dict, port: int) -> subprocess.Popen:
    return serve(env, port, workers=2, wait_seconds=90)


def _complete(port: int, token: str, item_id: int) -> int:
    return complete_over_http(port, token, item_id, {"outcome": "accept"}, timeout=30)


def _consistency(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), "consistency", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_kill_minus_nine_mid_step_leaves_every_case_consistent(fresh_app):
    app, url = fresh_app("postgresql")
    with app.app_context():
        session = db.session
        city = session.scalar(select(Bureau).where(Bureau.code == "CITY"))
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        today = dt.date(2026, 1, 5)
        items = []
        for i in range(CASES):
            entry = RegisterEntry(
                bureau_id=city.id,
                subject_kind="unit",
                subject_name=f"重启测试企业{i:02d}",
                situation="VIO_OTHER_SERIOUS",
                penalty_number=f"KILL-{i}",
                listed_on=today - dt.timedelta(days=500),
                expires_on=today + dt.timedelta(days=700),
                status=EntryStatus.LISTED,
                published=True,
            )
            session.add(entry)
            session.flush()
            case = start_repair(session, clerk, repair_data(entry.id))
            items.append(
                session.scalar(
                    select(TaskItem.id).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
                )
            )
        token = issue_token(session, clerk, 2)
        session.commit()
        db.session.remove()

    env = _environment(url)
    port = _port()
    served = _serve(env, port)
    codes: list[int | str] = []
    done = threading.Event()

    def client(mine: list[int]) -> None:
        for item_id in mine:
            if done.is_set():
                return
            try:
                codes.append(_complete(port, token, item_id))
            except OSError:  # the server died under this request
                codes.append("reset")

    clients = [threading.Thread(target=client, args=(items[k::4],)) for k in range(4)]
    for t in clients:
        t.start()
    while codes.count(200) < 4 and any(t.is_alive() for t in clients):
        time.sleep(0.02)
    os.killpg(served.pid, signal.SIGKILL)  # mid-step for the requests in flight
    served.wait(30)
    done.set()
    for t in clients:
        t.join(60)
    assert 500 not in codes, codes

    checked = _consistency(env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    served = _serve(env, port)
    try:
        with app.app_context():
            still_open = db.session.scalars(
                select(TaskItem.id).where(TaskItem.id.in_(items), TaskItem.completed_at.is_(None))
            ).all()
            db.session.remove()
        assert {_complete(port, token, item_id) for item_id in still_open} <= {200}
    finally:
        os.killpg(served.pid, signal.SIGKILL)
        served.wait(30)
    checked = _consistency(env)
    assert checked.returncode == 0 and f"consistent: {CASES}" in checked.stdout, checked.stdout
    with app.app_context():
        session = db.session
        assert (
            session.scalar(
                select(func.count()).where(TaskItem.id.in_(items), TaskItem.completed_at.is_(None))
            )
            == 0
        )
        per_case = session.execute(
            select(AuditEvent.case_id, func.count())
            .where(AuditEvent.action == "complete")
            .group_by(AuditEvent.case_id)
        ).all()
        assert len(per_case) == CASES and {n for _, n in per_case} == {1}  # none completed twice
        db.session.remove()
