"""The figures of a scope and period, computed at most once every FIGURES_MAX_AGE_SECONDS
(10 minutes by default) and shared by every web process.

Figures of a period are read again and again and change slowly; computing them for a
city over 100,000 cases reads every finished task of the year.  So the result is kept
in a table (figures_snapshot: one row per scope and period, at most
FIGURES_MAX_ENTRIES rows), never in process memory, and every reader is told when it
was computed (the page: 数据截至…，每10分钟更新; /api/stats: computed_at and
max_age_seconds).  An entry older than the age by the application's clock (or dated
after it) is stale and is computed again by the request that finds it.

The scheduler keeps the figures in use fresh (`refresh`): each supervisor's default
view (the last 12 months of all the bureaus they see) and every scope and period read
in the last FIGURES_IN_USE_HOURS (a working day by default) are computed again once
half their age has passed, so their readers are served from the table and never wait
for the computation; only the first reader of another scope or period (or of one
nobody read lately, or any when no scheduler runs) computes.

The snapshot is read and written on a connection of its own in a short transaction,
as the login counters are (`db.side_connection`, app/extensions.py): a GET writes nothing in
its request's transaction, and a snapshot that cannot be written (a busy SQLite
writer) leaves the request its freshly computed figures.  In the tests the app is
bound to one connection whose transaction is rolled back: the snapshots use it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.calendar.overrides import load_overrides
from app.clock import now
from app.extensions import db
from app.models import FiguresSnapshot
from app.stats.figures import figures
from app.stats.period import Period
from app.supervision.scope import supervisors_scopes

log = logging.getLogger(__name__)
TABLE = FiguresSnapshot.__table__
STORE_WAIT_MS = 1000
REFRESH_PER_RUN = 5  # scopes computed again in one scheduler run, the stalest first
REFRESH_BUDGET_SECONDS = 120.0  # a run starts no new computation after this long
TOUCH_EVERY = dt.timedelta(minutes=5)  # used_at is written at most this often per entry


@dataclass(frozen=True)
class Figures:
    data: dict
    computed_at: dt.datetime
    max_age_seconds: int  # 0: computed for this request, nothing kept

    def freshness(self) -> dict:
        """The fields /api/stats adds to the figures."""
        return {"computed_at": self.computed_at.isoformat(), "max_age_seconds": self.max_age_seconds}

    def freshness_note(self) -> str:
        """数据截至 2026年12月2日 10:32，每10分钟更新 (Shanghai time)."""
        local = self.computed_at.astimezone(cal.SHANGHAI)
        stamp = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        seconds = self.max_age_seconds
        if seconds <= 0:
            return f"数据截至 {stamp}（即时计算）"
        every = f"{seconds // 60}分钟" if seconds % 60 == 0 else f"{seconds}秒"
        return f"数据截至 {stamp}，每{every}更新"


def snapshot_key(bureau_ids: set[int], period: Period) -> str:
    scope = ",".join(str(b) for b in sorted(bureau_ids))
    return hashlib.sha256(f"{period.since}|{period.until}|{scope}".encode()).hexdigest()


def _recent(moment: dt.datetime | None, at: dt.datetime, span: dt.timedelta) -> bool:
    """Within `span` before `at`; a time after the clock (or none) is not recent."""
    return moment is not None and at - span < moment <= at


def _connection(read_only: bool = False):
    # A snapshot is not worth a long wait: behind a long writer (an import holding
    # SQLite's write lock) the request gives up keeping it after STORE_WAIT_MS.
    return db.side_connection(read_only=read_only, wait_ms=STORE_WAIT_MS)


def _read(key: str, at: dt.datetime, max_age: dt.timedelta):
    with _connection(read_only=True) as c:
        row = c.execute(
            select(TABLE.c.computed_at, TABLE.c.data, TABLE.c.used_at).where(TABLE.c.key == key)
        ).first()
    if row is None or not _recent(row.computed_at, at, max_age):
        return None
    if not _recent(row.used_at, at, TOUCH_EVERY):
        _touch(key, at)
    return row


def _touch(key: str, at: dt.datetime) -> None:
    """Note that the entry is read (for the scheduler's refresh); not worth an error."""
    try:
        with _connection() as c:
            c.execute(update(TABLE).where(TABLE.c.key == key).values(used_at=at))
    except SQLAlchemyError:
        log.warning("figures snapshot: reading time not noted", exc_info=True)


def _store(
    key: str,
    period: Period,
    bureau_ids: set[int],
    data: dict,
    at: dt.datetime,
    max_age: dt.timedelta,
    *,
    read: bool = True,
):
    """Keep the figures of a scope and period (`read`: for a reader, who has just read
    them; the scheduler's refresh leaves the reading time as it was)."""
    limit = max(1, int(current_app.config["FIGURES_MAX_ENTRIES"]))
    with _connection() as c:
        # Stale entries go, and the oldest beyond the limit; rows another process is
        # replacing right now are skipped (PostgreSQL), so two writers never wait on
        # each other's rows.
        stale = select(TABLE.c.id).where(TABLE.c.computed_at <= at - max_age)
        surplus = select(TABLE.c.id).order_by(TABLE.c.computed_at.desc(), TABLE.c.id.desc()).offset(limit - 1)
        for doomed in (stale, surplus):
            c.execute(delete(TABLE).where(TABLE.c.id.in_(doomed.with_for_update(skip_locked=True))))
        dialect = postgresql if c.dialect.name == "postgresql" else sqlite
        values = {
            "since": period.since,
            "until": period.until,
            "computed_at": at,
            "data": data,
            "bureau_ids": sorted(bureau_ids),
            "bureau_count": len(bureau_ids),
        }
        if read:
            values["used_at"] = at
        upsert = dialect.insert(TABLE).values(key=key, **values)
        c.execute(upsert.on_conflict_do_update(index_elements=[TABLE.c.key], set_=values))


def cached_figures(
    session: Session,
    bureau_ids: set[int],
    period: Period,
    at: dt.datetime,
    overrides: Callable[[], cal.Overrides],
) -> Figures:
    """The figures (app.stats.figures.figures) of these bureaus and this period, as
    computed within the last FIGURES_MAX_AGE_SECONDS, or computed now and kept."""
    seconds = int(current_app.config["FIGURES_MAX_AGE_SECONDS"])
    if seconds <= 0:
        return Figures(figures(session, bureau_ids, period, at, overrides()), at, 0)
    max_age = dt.timedelta(seconds=seconds)
    key = snapshot_key(bureau_ids, period)
    try:
        row = _read(key, at, max_age)
    except SQLAlchemyError:
        log.warning("figures snapshot unreadable; computing", exc_info=True)
        row = None
    if row is not None:
        return Figures(row.data, row.computed_at, seconds)
    data = figures(session, bureau_ids, period, at, overrides())
    try:
        _store(key, period, bureau_ids, data, at, max_age)
    except SQLAlchemyError:  # the figures are right; only the next reader computes again
        log.warning("figures snapshot not kept", exc_info=True)
    return Figures(data, at, seconds)


def refresh(at: dt.datetime | None = None) -> int:
    """The scheduler's job: compute each supervisor's default figures (the last 12
    months of all the bureaus they see) and the figures in use, once half their age has
    passed (the ones never computed first, then the stalest), at most REFRESH_PER_RUN
    within REFRESH_BUDGET_SECONDS; returns how many were computed.  The figures are
    read in a read-only session of their own: on SQLite the scheduler's session would
    hold the write lock for the whole computation."""
    seconds = int(current_app.config["FIGURES_MAX_AGE_SECONDS"])
    if seconds <= 0:
        return 0
    at = at or now()
    max_age = dt.timedelta(seconds=seconds)
    in_use_since = at - dt.timedelta(hours=int(current_app.config["FIGURES_IN_USE_HOURS"]))
    default_period = Period.last_months(cal.local_date(at))
    reader = db.read_only_session()
    try:
        return _refresh(reader, at, max_age, in_use_since, default_period)
    finally:
        reader.close()


def _refresh(
    session: Session,
    at: dt.datetime,
    max_age: dt.timedelta,
    in_use_since: dt.datetime,
    default_period: Period,
) -> int:
    wanted = {
        snapshot_key(set(ids), default_period): (default_period, set(ids))
        for ids in supervisors_scopes(session)
        if ids
    }
    with _connection(read_only=True) as c:
        kept = c.execute(
            select(
                TABLE.c.key,
                TABLE.c.since,
                TABLE.c.until,
                TABLE.c.bureau_ids,
                TABLE.c.computed_at,
                TABLE.c.used_at,
            )
        ).all()
    computed_at = {row.key: row.computed_at for row in kept}
    for row in kept:
        if row.bureau_ids and row.used_at is not None and row.used_at >= in_use_since:
            wanted.setdefault(row.key, (Period(row.since, row.until), {int(b) for b in row.bureau_ids}))
    due = [
        (computed_at.get(key), key) for key in wanted if not _recent(computed_at.get(key), at, max_age / 2)
    ]
    due.sort(key=lambda item: (item[0] is not None, item[0] or at))
    if not due:
        return 0
    overrides = load_overrides(session)
    began = time.monotonic()
    computed = 0
    for _computed_at, key in due[:REFRESH_PER_RUN]:
        if time.monotonic() - began > REFRESH_BUDGET_SECONDS:
            break
        period, bureau_ids = wanted[key]
        data = figures(session, bureau_ids, period, at, overrides)
        session.rollback()  # end the read (it wrote nothing) before the entry is written
        try:
            _store(key, period, bureau_ids, data, at, max_age, read=False)
        except SQLAlchemyError:
            log.warning("figures snapshot not refreshed", exc_info=True)
            continue
        computed += 1
    return computed


def clear_figures_cache(session: Session) -> int:
    """Drop every snapshot (the benchmark times computations with it)."""
    return session.execute(delete(FiguresSnapshot)).rowcount
