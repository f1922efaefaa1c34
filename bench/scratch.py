"""Scratch PostgreSQL databases for the benchmarks: created beside the server's
default database and dropped afterwards."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("BENCH_PG_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG


@contextmanager
def pg_database(prefix: str):
    """Yields the URL of a new, empty database; drops it at the end."""
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def bench_app(url: str, **extra):
    from app import create_app

    config = {
        "DATABASE_URL": url,
        "SCHEDULER_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "DEMO_PASSWORD": "bench-pass",
        "SECRET_KEY": "bench",
        "DEMO_MANAGEMENT_CASES": False,
        "TESTING": True,
    }
    config.update(extra)
    return create_app(config)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
