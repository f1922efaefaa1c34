"""Document numbers: unique within bureau and year, never reused, even when two
transactions take numbers at the same moment (PostgreSQL, real commits)."""

from __future__ import annotations

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
    assert sequences == list(range(1, per_thread * threads + 1))
