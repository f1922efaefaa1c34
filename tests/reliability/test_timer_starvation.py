"""No diagram can stall the scheduler: cycles advance, a timer the engine does not
fire is marked and retried later, never selected again unmarked."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app import engine, scheduler
from app.calendar import workdays as cal
from app.models import Incident, Timer
from app.scheduler import fire_due_timers
from tests.engine.diagrams import deploy, timer_diagram

MONDAY = dt.datetime(2026, 3, 9, 10, 0, tzinfo=cal.SHANGHAI)


def _start(session, version, officer, n=1):
    return [
        engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id, subject_name=f"主体{i}")
        for i in range(n)
    ]


def test_many_cycling_timers_do_not_starve_an_ordinary_one(app, session, user, monkeypatch):
    # Batches of 50 here (200 in production): more cycling cases than one batch, each due
    # before the ordinary timer.
    monkeypatch.setattr(scheduler, "SWEEP_SECONDS", 600.0)
    officer = user("officer")
    cycling = deploy(session, timer_diagram("starve_cycle", '"R/PT1H"', kind="timeCycle"))
    ordinary = deploy(session, timer_diagram("starve_plain", "working_days(1)"))
    with time_machine.travel(MONDAY, tick=False):
        cycle_cases = _start(session, cycling, officer, 80)
        (plain_case,) = _start(session, ordinary, officer)
        session.commit()
    later = MONDAY + dt.timedelta(days=3)
    with time_machine.travel(later, tick=False):
        fired = fire_due_timers(session, batch=50)
    assert fired == 81
    plain = session.scalar(select(Timer).where(Timer.case_id == plain_case.id))
    assert plain.fired_at is not None
    cycle_rows = session.scalars(select(Timer).where(Timer.case_id.in_([c.id for c in cycle_cases]))).all()
    assert len(cycle_rows) == 80
    # each cycle fired once (catching up) and is due again at its next hour, after now
    assert all(t.fired_at is None and t.due_at > later for t in cycle_rows)
    assert all(t.due_at <= later + dt.timedelta(hours=1) for t in cycle_rows)
    with time_machine.travel(later + dt.timedelta(minutes=1), tick=False):
        assert fire_due_timers(session, batch=50) == 0  # nothing is due for ever
    with time_machine.travel(later + dt.timedelta(hours=1, minutes=1), tick=False):
        assert fire_due_timers(session, batch=50) == 80


def test_a_due_timer_the_engine_does_not_fire_backs_off_then_becomes_an_incident(app, session, user):
    officer = user("officer")
    version = deploy(session, timer_diagram("starve_drift", "working_days(5)"))
    with time_machine.travel(MONDAY, tick=False):
        (case,) = _start(session, version, officer)
        timer = session.scalar(select(Timer).where(Timer.case_id == case.id))
        timer.due_at = MONDAY - dt.timedelta(days=1)  # the index says due; the workflow does not
        session.commit()
    at = MONDAY + dt.timedelta(hours=1)
    for attempt in range(1, engine.timers.MAX_ATTEMPTS + 1):
        with time_machine.travel(at, tick=False):
            assert fire_due_timers(session) == 0
            session.refresh(timer)
            assert timer.attempts == attempt and timer.fired_at is None
            # not selected again before its next attempt
            assert engine.due_timer_case_ids(session, at) == []
        if attempt < engine.timers.MAX_ATTEMPTS:
            assert timer.next_attempt_at > at and timer.failed_at is None
            at = timer.next_attempt_at
    assert timer.failed_at is not None and "未能触发" in timer.last_error


def test_a_database_error_while_firing_backs_off_without_an_incident(app, session, user, monkeypatch):
    """A deadlock or lock wait is the database's, not the case's: that case's timer is
    tried again after a pause (never at once, never an incident straight away) while
    the rest of its group fires."""
    officer = user("officer")
    version = deploy(session, timer_diagram("busy_db", "working_days(1)"))
    with time_machine.travel(MONDAY, tick=False):
        unlucky, lucky = _start(session, version, officer, 2)
        session.commit()
    real = engine.fire_case_timers

    def deadlocked(session_, case_id, at):
        if case_id == unlucky.id:
            session_.execute(select(Timer.id).limit(1))  # the case was half way through
            raise OperationalError("UPDATE case_instance ...", {}, Exception("deadlock detected"))
        return real(session_, case_id, at)

    monkeypatch.setattr(engine, "fire_case_timers", deadlocked)
    at = MONDAY + dt.timedelta(days=3)
    with time_machine.travel(at, tick=False):
        assert fire_due_timers(session) == 1
    timer = session.scalar(select(Timer).where(Timer.case_id == unlucky.id))
    assert timer.fired_at is None and timer.failed_at is None and timer.attempts == 1
    assert timer.next_attempt_at > at and "稍后自动重试" in timer.last_error
    assert session.scalar(select(Timer.fired_at).where(Timer.case_id == lucky.id)) is not None
    assert session.scalars(select(Incident).where(Incident.case_id == unlucky.id)).all() == []
    with time_machine.travel(at, tick=False):
        assert engine.due_timer_case_ids(session, at) == []  # not straight back into the next sweep
    monkeypatch.setattr(engine, "fire_case_timers", real)
    with time_machine.travel(timer.next_attempt_at, tick=False):
        assert fire_due_timers(session) == 1
    session.refresh(timer)
    assert timer.fired_at is not None and timer.failed_at is None  # (attempts: 1, kept as history)
