"""Two scheduler processes sweep the same due timers at once (PostgreSQL, SKIP LOCKED),
each firing one case at a time or with several threads: every timer fires exactly once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import engine
from app.extensions import db
from app.models import AuditEvent, Timer, User
from tests.engine.diagrams import deploy, timer_diagram

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="several schedulers share PostgreSQL (SQLite deployments run one)",
)
ROOT = Path(__file__).resolve().parents[2]
CASES = 60


@pytest.mark.parametrize("workers", [1, 4])
def test_two_scheduler_processes_fire_each_timer_once(fresh_app, workers):
    app, url = fresh_app("postgresql")
    with app.app_context():
        session = db.session
        officer = session.scalar(select(User).where(User.username == "officer"))
        version = deploy(session, timer_diagram("two_schedulers", '"PT1S"', kind="timeDuration"))
        for i in range(CASES):
            engine.start_case(
                session, version, {}, officer, bureau_id=officer.bureau_id, subject_name=f"主体{i}"
            )
        session.commit()
        db.session.remove()
    time.sleep(1.5)  # all due now
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "FLASK_"))}
    env.update(
        {
            "FLASK_APP": "app:create_app",
            "DATABASE_URL": url,
            "SECRET_KEY": "two-schedulers-test-key",
            "SCHEDULER_WORKERS": str(workers),
        }
    )
    schedulers = [
        subprocess.Popen(
            [str(Path(sys.executable).parent / "flask"), "timers", "fire-due"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=240)[0] for p in schedulers]
    assert all(p.returncode == 0 for p in schedulers), outputs
    fired = [int(re.search(r"fired (\d+) timer", out).group(1)) for out in outputs]
    assert sum(fired) == CASES, fired
    with app.app_context():
        session = db.session
        assert session.scalar(select(func.count(Timer.id)).where(Timer.fired_at.is_not(None))) == CASES
        per_case = session.execute(
            select(AuditEvent.case_id, func.count())
            .where(AuditEvent.action.like("timer%"))
            .group_by(AuditEvent.case_id)
        ).all()
        assert len(per_case) == CASES and {n for _, n in per_case} == {1}  # 0 fired twice
        db.session.remove()
