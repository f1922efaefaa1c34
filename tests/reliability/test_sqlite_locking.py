"""SQLite (the embedded default): a read-only request reads beside a writer instead of
waiting for its write lock; writers still queue one after the other."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select, text, update

from app.extensions import db
from app.models import Bureau


def _hold_write_lock(engine):
    """A writer in the middle of a long transaction (an import, say): the lock is held."""
    connection = engine.connect()
    connection.begin()  # outside a request: BEGIN IMMEDIATE
    connection.execute(update(Bureau).where(Bureau.code == "CITY").values(name="示范市应急管理局（导入中）"))
    return connection


def test_public_pages_answer_while_a_writer_holds_the_lock(fresh_app):
    app, _url = fresh_app("sqlite")
    writer = _hold_write_lock(app.extensions["database_engine"])
    try:
        client = app.test_client()
        started = time.perf_counter()
        assert client.get("/public/register").status_code == 200
        assert client.get("/health").status_code == 200
        assert time.perf_counter() - started < 5  # busy_timeout is 30 s: it did not wait
    finally:
        writer.rollback()
        writer.close()


def test_writers_still_wait_for_each_other(fresh_app):
    app, _url = fresh_app("sqlite")
    engine = app.extensions["database_engine"]
    writer = _hold_write_lock(engine)
    finished = threading.Event()

    def second_writer():
        with engine.begin() as connection:
            connection.execute(update(Bureau).where(Bureau.code == "CITY").values(doc_prefix="二号"))
        finished.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    try:
        assert not finished.wait(0.5)  # queued behind the first writer
    finally:
        writer.commit()
        writer.close()
    thread.join(10)
    assert finished.is_set()
    with engine.connect() as connection:
        row = connection.execute(text("SELECT name, doc_prefix FROM bureau WHERE code = 'CITY'")).one()
    assert row == ("示范市应急管理局（导入中）", "二号")


def test_a_get_that_writes_after_another_writer_committed(fresh_app):
    """A GET begins deferred; when it writes after all (a recorded register check), it
    takes the write lock first instead of failing on its stale snapshot."""
    app, _url = fresh_app("sqlite")
    engine = app.extensions["database_engine"]
    with app.test_request_context("/register", method="GET"):
        city = db.session.scalar(select(Bureau).where(Bureau.code == "CITY"))
        with engine.begin() as other:
            other.execute(update(Bureau).where(Bureau.code == "CITY").values(doc_prefix="别人"))
        db.session.execute(update(Bureau).where(Bureau.id == city.id).values(name="已改名"))
        db.session.commit()
        db.session.remove()
    with engine.connect() as connection:
        row = connection.execute(text("SELECT name, doc_prefix FROM bureau WHERE code = 'CITY'")).one()
    assert row == ("已改名", "别人")


def an_officer_writes(engine) -> bool:
    """A writer that does not wait: BEGIN IMMEDIATE fails at once if the lock is held."""
    with engine.connect() as connection:
        connection.connection.driver_connection.execute("PRAGMA busy_timeout=0")
        with connection.begin():
            connection.execute(update(Bureau).where(Bureau.code == "CITY").values(doc_prefix="写入"))
        connection.connection.driver_connection.execute("PRAGMA busy_timeout=30000")
    return True


def writes_during(monkeypatch, engine, module, name: str) -> list[bool]:
    """Replace module.name (a long read of the scheduler's) by itself plus an officer's
    write that does not wait; returns the list of those writes' outcomes."""
    real = getattr(module, name)
    wrote: list[bool] = []

    def read_while_an_officer_writes(session, *args):
        result = real(session, *args)
        wrote.append(an_officer_writes(engine))
        return result

    monkeypatch.setattr(module, name, read_while_an_officer_writes)
    return wrote


def test_the_scheduler_computes_figures_without_the_write_lock(fresh_app, monkeypatch):
    """The figures refresh reads for seconds at 100,000 cases: officers must be able to
    write meanwhile (on SQLite a writer's transaction would hold the lock throughout)."""
    from app.stats import cache

    app, _url = fresh_app("sqlite")
    wrote = writes_during(monkeypatch, app.extensions["database_engine"], cache, "figures")
    with app.app_context():
        computed = cache.refresh()
        db.session.remove()
    assert computed >= 1 and wrote == [True] * computed


def test_the_scheduler_counts_the_board_without_the_write_lock(fresh_app, monkeypatch):
    """The board counts take seconds over a million open cases: officers must be able to
    write while the scheduler counts (only the results are written, at the end)."""
    from app.supervision import board_counts

    app, _url = fresh_app("sqlite")
    wrote = writes_during(monkeypatch, app.extensions["database_engine"], board_counts, "_count")
    with app.app_context():
        counted = board_counts.refresh(db.session)
        db.session.remove()
    assert counted >= 1 and wrote == [True] * counted
