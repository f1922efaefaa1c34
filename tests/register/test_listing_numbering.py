"""Document numbers: unique within bureau and year, never reused, even when two
transactions take numbers at the same moment (PostgreSQL, real commits)."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Bureau, Document
from app.register.documents import issue_document, next_sequence

needs_pg = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL")


def test_sequences_are_per_bureau_year_and_kind(session):
    city = session.scalar(select(Bureau).where(Bureau.code == "CITY"))
    county = session.scalar(select(Bureau).where(Bureau.code == "COUNTY"))
    first = next_sequence(session, city.id, 2031, "decision")
    assert next_sequence(session, city.id, 2031, "decision") == first + 1
    assert next_sequence(session, city.id, 2032, "decision") == 1
    assert next_sequence(session, county.id, 2031, "decision") == 1
    assert next_sequence(session, city.id, 2031, "notice") == 1


@needs_pg
def test_two_threads_never_get_the_same_number(fresh_app):
    app, _ = fresh_app("postgresql")
    per_thread, threads = 25, 4
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def work():
        with app.app_context():
            session = db.new_session()
            try:
                bureau = session.scalar(select(Bureau).where(Bureau.code == "CITY"))
                barrier.wait(timeout=10)
                for _ in range(per_thread):
                    issue_document(session, bureau, "decision", {"subject_name": "并发测试"})
                    session.commit()  # one transaction per document, as in a request
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
                session.rollback()
            finally:
                session.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not failures, failures
    with app.app_context():
        session = db.new_session()
        numbers = session.scalars(select(Document.number).where(Document.kind == "decision")).all()
        sequences = sorted(
            session.scalars(select(Document.sequence).where(Document.kind == "decision")).all()
        )
        session.close()
    assert len(numbers) == len(set(numbers)) == per_thread * threads
    # no gaps, no repeats; the series continues after the demo's listings of this year
    assert sequences == list(range(sequences[0], sequences[0] + per_thread * threads))


def test_an_imported_number_moves_the_series_past_it(session):
    from app.register.documents import take_number

    city = session.scalar(select(Bureau).where(Bureau.code == "CITY"))
    assert take_number(session, city, "decision", 2033, 41) == "示市应急失信决〔2033〕41号"
    assert take_number(session, city, "decision", 2033, 7) == "示市应急失信决〔2033〕7号"  # lower: no change
    document = issue_document(session, city, "decision", {"subject_name": "导入后"}, on=dt.date(2033, 5, 1))
    assert document.number == "示市应急失信决〔2033〕42号"
