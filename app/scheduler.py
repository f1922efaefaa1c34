"""APScheduler jobs.  Each job enters the app context, asks the engine, commits.

Correctness with several schedulers comes from the database (row locks with SKIP
LOCKED, the case version counter), never from this process's memory.
"""

from __future__ import annotations

import logging
import queue
import time
from concurrent.futures import ThreadPoolExecutor

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app import engine
from app.clock import now
from app.engine import incidents, txn
from app.engine.errors import Conflict, EngineError
from app.extensions import db
from app.models import Case, Timer
from app.notify import digest as notify_digest
from app.notify import sending as notify_sending
from app.ops import status
from app.partners.delivery import deliver_due
from app.platforms import jobs as platform_jobs
from app.stats import cache as figures_cache
from app.supervision import board_counts

log = logging.getLogger(__name__)


SWEEP_SECONDS = 60.0  # one sweep stops taking new batches after this; the next goes on
MAX_WORKERS = 16
# Cases fired in one transaction (each in a savepoint of its own): a commit waits for
# the disk, and one wait for many cases is what lets a sweep keep up.  Their locks are
# held until that commit, a fraction of a second.
GROUP = 20
BUSY = "数据库暂时繁忙，计时器未能触发，稍后自动重试"


def fire_due_timers(session, at=None, batch: int = 200, workers: int = 1) -> int:
    """Fire every due timer once, batch after batch until none is due; returns how many
    fired.  Each case is tried once per sweep: one that fired is no longer due (or, a
    cycle, due later), one that did not is marked with a later attempt or an incident,
    one held by another scheduler is left to it.

    `workers` > 1: the cases of a batch are fired by that many threads, each with a
    session (and connection) of its own; the row locks that keep two schedulers apart
    keep the threads apart too.  While one waits for the database another runs."""
    at = at or now()
    began = time.monotonic()
    tried: set[int] = set()
    fired = 0
    while time.monotonic() - began < SWEEP_SECONDS:
        case_ids = engine.due_timer_case_ids(session, at, limit=batch, exclude=tried)
        session.commit()  # end the read: the cases below are fired in transactions of their own
        if not case_ids:
            break
        tried.update(case_ids)
        workers = min(workers, MAX_WORKERS, -(-len(case_ids) // GROUP))
        if workers > 1:
            fired += _fire_in_threads(case_ids, at, workers)
        else:
            fired += sum(
                fire_group(session, case_ids[i : i + GROUP], at) for i in range(0, len(case_ids), GROUP)
            )
    return fired


def _fire_in_threads(case_ids: list[int], at, workers: int) -> int:
    app = current_app._get_current_object()
    waiting: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
    for i in range(0, len(case_ids), GROUP):
        waiting.put(case_ids[i : i + GROUP])

    def work() -> int:
        count = 0
        with app.app_context():
            session = db.new_session()  # sessions are never shared between threads
            try:
                while True:
                    try:
                        group = waiting.get_nowait()
                    except queue.Empty:
                        return count
                    count += fire_group(session, group, at)
            finally:
                session.close()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="timers") as pool:
        return sum(f.result() for f in [pool.submit(work) for _ in range(workers)])


def fire_group(session, case_ids: list[int], at) -> int:
    """Fire the due timers of several cases in one transaction; returns how many fired.
    First all together: one lock and one read for the group, one flush at its end.
    Should any case fail, that is undone and the group fired again case by case, each
    in a savepoint (fire_one_by_one), so that the failing case alone is left out."""
    if len(case_ids) > 1:
        fired = _fire_together(session, case_ids, at)
        if fired is not None:
            return fired
    return fire_one_by_one(session, case_ids, at)


def _fire_together(session, case_ids: list[int], at) -> int | None:
    """The group in one go, or None (nothing done) when any case of it failed."""
    try:
        txn.defer_flushes(session)
        fired = [
            (case_id, engine.fire_case_timers(session, case_id, at))
            for case_id in engine.lock_due(session, case_ids, at)
        ]
        session.commit()
    except Exception as exc:  # told apart by fire_one_by_one, which runs them again
        session.rollback()
        log.info("timer group of %d case(s) fired again case by case: %r", len(case_ids), exc)
        incidents.discard()
        return None
    for case_id, timers in fired:
        _log_fired(case_id, timers)
    return sum(len(timers) for _, timers in fired)


def fire_one_by_one(session, case_ids: list[int], at) -> int:
    """Fire the due timers of several cases in one transaction, each case in a
    savepoint: a case that fails is rolled back alone and becomes an incident after the
    commit.  Returns how many fired."""
    fired: list[tuple[int, list]] = []
    failed: list[tuple[int, str]] = []
    busy: list[int] = []
    for case_id in case_ids:
        savepoint = session.begin_nested()
        try:
            timers = engine.fire_case_timers(session, case_id, at)
            savepoint.commit()
            fired.append((case_id, timers))
        except Conflict:
            savepoint.rollback()  # another scheduler or a user got there first
        except OperationalError as exc:  # the database, not the case: a deadlock, a lock wait
            savepoint.rollback()
            log.warning("timer firing of case %s met a database error; tried again later: %r", case_id, exc)
            busy.append(case_id)
        except EngineError as exc:
            savepoint.rollback()
            failed.append((case_id, exc.message))
        except Exception as exc:  # an engine bug must not stop the other cases
            savepoint.rollback()
            log.exception("timer firing failed for case %s", case_id)
            failed.append((case_id, f"{type(exc).__name__}: {exc}"))
    try:
        session.commit()
    except Exception:  # the group's commit itself failed: nothing fired, all still due
        session.rollback()
        log.exception("timer group of %d case(s) not committed; they stay due", len(case_ids))
        incidents.discard()
        return 0
    for case_id, timers in fired:
        _log_fired(case_id, timers)
    if failed:
        written = {i.case_id for i in incidents.flush(session, kind="timer")}
        for case_id, message in failed:
            _record_incident(session, case_id, at, message, noted=case_id in written)
    if busy:
        _retry_later(session, busy, at)
    return sum(len(timers) for _, timers in fired)


def _retry_later(session, case_ids: list[int], at) -> None:
    """Timers a passing database error kept from firing (two transactions deadlocked,
    a lock was not granted in time): not the case's fault, so no incident at once; they
    back off as a timer the engine would not fire does, and stand as one in the end."""
    engine.mark_not_fired(_due_not_failed(session, case_ids, at), at, BUSY)
    session.commit()


def _due_not_failed(session, case_ids: list[int], at) -> list[Timer]:
    """The cases' pending timers due by `at` that are not incidents already."""
    return session.scalars(
        select(Timer).where(
            Timer.case_id.in_(case_ids), Timer.is_pending, Timer.failed_at.is_(None), Timer.due_at <= at
        )
    ).all()


def sweep_workers(app: Flask) -> int:
    """How many threads a sweep fires timers with: SCHEDULER_WORKERS, one on SQLite
    (its writers queue for one lock, threads would only wait)."""
    if app.config["DATABASE_URL"].startswith("sqlite"):
        return 1
    return max(1, min(MAX_WORKERS, int(app.config.get("SCHEDULER_WORKERS") or 1)))


def fire_case(session, case_id: int, at) -> int:
    """Fire one case's due timers and commit; an error becomes an incident (the
    supervisor's retry).  Returns how many fired."""
    return fire_group(session, [case_id], at)


def _log_fired(case_id: int, timers) -> None:
    for timer in timers:
        log.info(
            "timer fired on case %s",
            case_id,
            extra={
                "event": "timer_fired",
                "case_id": case_id,
                "timer_id": timer.id,
                "element": timer.element_id,
            },
        )


def _record_incident(session, case_id: int, at, message: str, *, noted: bool = False) -> None:
    """A timer that cannot fire becomes an incident for the supervisor, never silent
    (`noted`: the engine's own account of the failure was written already)."""
    if not noted:
        incidents.note(session.get(Case, case_id), None, message, kind="timer")
        incidents.flush(session)
    for timer in _due_not_failed(session, [case_id], at):
        timer.attempts += 1
        timer.last_error = message[:2000]
        timer.failed_at = at
    session.commit()
    log.warning(
        "timer incident on case %s: %s",
        case_id,
        message,
        extra={"event": "timer_failed", "case_id": case_id, "error": message[:500]},
    )


def _fire_timers(session) -> None:
    at = now()
    count = fire_due_timers(session, at, workers=sweep_workers(current_app))
    status.record_sweep(session, at, count)  # the heartbeat /health reports
    if count:
        log.info("fired %d timer(s)", count)


def _deliver_webhooks(session) -> None:
    count = deliver_due(session)
    if count:
        log.info("delivered %d webhook(s)", count)


def _platform_files(session) -> None:
    written = platform_jobs.run(session)
    if written:
        log.info("platform export: %s", written)


def _send_notifications(session) -> None:
    queued = notify_digest.queue_digests(session)
    session.commit()
    sent = notify_sending.send_due(session)
    if queued or sent:
        log.info("notifications: %d digest(s) queued, %d message(s) sent", queued, sent)


def _board_counts(session) -> None:
    counted = board_counts.refresh(session)
    if counted:
        log.info("board counts: %d view(s) counted", counted)


def _refresh_figures(_session) -> None:
    computed = figures_cache.refresh()  # reads in a read-only session of its own
    if computed:
        log.info("figures: %d scope(s) computed again", computed)


def _job(app: Flask, work) -> None:
    """A thin job: enter the app context, do the work with the request-free session."""
    with app.app_context():
        try:
            work(db.session)
        finally:
            db.session.remove()


def _add_jobs(scheduler, app: Flask) -> None:
    every = {"seconds": app.config["SCHEDULER_INTERVAL_SECONDS"]}
    jobs = (
        ("fire_due_timers", _fire_timers, every),
        ("deliver_webhooks", _deliver_webhooks, every),
        ("send_notifications", _send_notifications, every),
        ("platforms", _platform_files, {"minutes": app.config["PLATFORM_EXPORT_MINUTES"]}),
        ("board_counts", _board_counts, {"seconds": app.config["BOARD_COUNTS_REFRESH_SECONDS"]}),
        # half the figures' age: an entry in use is computed again before it goes stale
        ("figures", _refresh_figures, {"seconds": max(60, app.config["FIGURES_MAX_AGE_SECONDS"] // 2)}),
    )
    for job_id, work, interval in jobs:
        scheduler.add_job(
            _job, "interval", args=[app, work], id=job_id, max_instances=1, coalesce=True, **interval
        )


def start_in_background(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_jobs(scheduler, app)
    scheduler.start()
    app.extensions["scheduler"] = scheduler
    return scheduler


def run_blocking(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, app)
    scheduler.start()
