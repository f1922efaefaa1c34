"""Concurrency guarantees, on PostgreSQL (and SQLite where it makes sense): one
completion wins, the other is told who handled it; two schedulers never fire one
timer twice; state survives a restart."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
import time_machine
from sqlalchemy import func, select

from app import engine
from app.cases.repair import start_repair
from app.engine import store
from app.extensions import db
from app.models import AuditEvent, Case, TaskItem, Timer, User, UserRole
from app.scheduler import fire_due_timers
from tests.helpers import entry_named, repair_data

needs_pg = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def run_together(app, workers):
    """Run each callable(session) in its own thread and session, released together."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(index, work):
        with app.app_context():
            session = db.new_session()
            try:
                barrier.wait(timeout=10)
                results[index] = ("ok", work(session))
                session.commit()
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
                session.rollback()
                results[index] = ("error", exc)
            finally:
                session.close()
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def start_cases(app, count):
    with app.app_context():
        session = db.session
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        names = [
            "示范化工有限公司",
            "东港建筑工程有限公司",
            "安泰安全评价中心",
            "明远矿业有限公司",
            "新城烟花爆竹经营部",
        ]
        ids = []
        for name in names[:count]:
            case = start_repair(session, clerk, repair_data(entry_named(session, name).id))
            ids.append(case.id)
        session.commit()
        return ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_officers_complete_one_task_exactly_one_wins(fresh_app, backend):
    app, _ = fresh_app(backend)
    [case_id] = start_cases(app, 1)
    with app.app_context():
        session = db.session
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        other = User(
            username="clerk2",
            display_name="钱受理",
            bureau_id=clerk.bureau_id,
            password_hash="x",
            role_rows=[UserRole(role="clerk")],
        )
        session.add(other)
        session.commit()
        item_id = session.scalar(
            select(TaskItem.id).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
        )
        user_ids = [clerk.id, other.id]
        db.session.remove()

    def completer(user_id, outcome):
        def work(session):
            actor = session.get(User, user_id)
            return engine.complete(session, item_id, {"outcome": outcome, "reasons": "理由"}, actor)

        return work

    results = run_together(app, [completer(user_ids[0], "accept"), completer(user_ids[1], "refuse")])
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, engine.Conflict)
    assert "办理完毕" in error.message or "他人处理" in error.message
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.version == 2  # started (1) + one completion
        completed = db.session.scalars(select(TaskItem).where(TaskItem.id == item_id)).one()
        assert completed.outcome == "completed"
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.case_id == case_id, AuditEvent.action == "complete")
            )
            == 1
        )
        db.session.remove()


@needs_pg
def test_two_schedulers_never_fire_a_timer_twice(fresh_app):
    app, _ = fresh_app("postgresql")
    case_ids = start_cases(app, 5)
    with app.app_context():
        latest = db.session.scalar(select(func.max(Timer.due_at)))
        due = db.session.scalar(select(func.count(Timer.id)).where(Timer.due_at <= latest))
        db.session.remove()
    with time_machine.travel(latest + dt.timedelta(minutes=5), tick=True):
        results = run_together(app, [fire_due_timers, fire_due_timers, fire_due_timers])
    assert all(kind == "ok" for kind, _ in results), results
    assert sum(value for _, value in results) == due  # each due timer fired by exactly one scheduler
    with app.app_context():
        fired = db.session.scalars(select(Timer).where(Timer.fired_at.is_not(None))).all()
        assert len(fired) == due
        per_case = db.session.execute(
            select(AuditEvent.case_id, func.count())
            .where(AuditEvent.action == "timer_deadline")
            .group_by(AuditEvent.case_id)
        ).all()
        assert sorted(count for _, count in per_case) == [1] * len(case_ids)
        overdue = db.session.scalars(select(TaskItem).where(TaskItem.escalated_at.is_not(None))).all()
        assert len(overdue) == len(case_ids)
        db.session.remove()


@pytest.mark.parametrize("backend", BACKENDS)
def test_timer_fires_after_restart_from_stored_state(fresh_app, backend):
    app, url = fresh_app(backend)
    [case_id] = start_cases(app, 1)
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        item = db.session.scalar(
            select(TaskItem).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
        )
        engine.complete(db.session, item.id, {"outcome": "supplement", "missing_items": ["整改报告"]}, clerk)
        db.session.commit()
        cutoff = db.session.scalar(select(Timer).where(Timer.case_id == case_id, Timer.kind == "cutoff"))
        due = cutoff.due_at
        db.session.remove()
    app.extensions["database_engine"].dispose()
    store.forget_specs()  # a new process knows nothing but the database

    restarted, _ = fresh_app(backend, url=url)
    with time_machine.travel(due + dt.timedelta(seconds=1), tick=False):
        with restarted.app_context():
            assert fire_due_timers(db.session) == 1
            case = db.session.get(Case, case_id)
            assert case.status == "lapsed" and case.ended_at is not None
            db.session.remove()
