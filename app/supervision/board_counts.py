"""The board's state counts, with a stated freshness, shared by every web process.

A board page's rows are always read live.  Its counts (the tabs' overdue, due soon
and all pending, and the pager's total) are COUNTs over every open row of the view;
over a million rows that takes seconds, far too slow for every request, and the
states move with the clock, so they cannot simply be added to as rows change.  So:

- a view whose last count was small (fewer than BOARD_LIVE_COUNT_ROWS rows pending)
  is counted on every request: its counts are exact and the page says nothing more;
- a larger view's counts are kept in board_count, one row per view (the bureaus
  seen, process, step, officer and due-soon window), so all gunicorn workers read
  the same figures.  The scheduler takes them again every BOARD_COUNTS_REFRESH_SECONDS
  while the view is in use (and always for each supervisor's default view, so the
  first page of the day is quick); a request takes them itself when they are older
  than BOARD_COUNTS_MAX_AGE_SECONDS (no scheduler running, or a view nobody opened
  lately).  The page says when they were taken, the API returns that time.
- at most BOARD_COUNTS_MAX_ENTRIES views are kept: the least recently read go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.calendar.overrides import load_overrides
from app.calendar.urgency import DUE_SOON_WORKING_DAYS, due_soon_horizon
from app.clock import now
from app.extensions import db
from app.models import BoardCount
from app.supervision.board_sql import Criteria, count_states
from app.supervision.scope import steps_of_kind, supervisors_scopes

log = logging.getLogger(__name__)

DEFAULTS = {
    "BOARD_LIVE_COUNT_ROWS": 10_000,
    "BOARD_COUNTS_REFRESH_SECONDS": 60,
    "BOARD_COUNTS_MAX_AGE_SECONDS": 180,
    "BOARD_COUNTS_MAX_ENTRIES": 500,
}
IN_USE = dt.timedelta(minutes=15)  # a view read this recently is kept fresh by the scheduler
REFRESH_PER_RUN = 20  # views counted again in one scheduler run, the stalest first
TOUCH_EVERY = dt.timedelta(minutes=1)  # used_at is written at most this often per view
STATES = ("overdue", "due_soon", "pending", "undated")


def setting(name: str) -> int:
    config = current_app.config if has_app_context() else {}
    return int(config.get(name, DEFAULTS[name]))


@dataclass
class Counts:
    values: dict[str, int]  # overdue, due_soon, pending, undated
    taken_at: dt.datetime
    live: bool  # counted for this request (exact), or kept (as of taken_at)


def scope_of(c: Criteria, within: int) -> dict:
    """What identifies a view's counts, as JSON (the scheduler counts it again from this)."""
    return {
        "bureaus": sorted(c.bureau_ids),
        "process": c.process,
        "step": c.step,
        "officer": c.officer,
        "within": within,
    }


def scope_key(scope: dict) -> str:
    return hashlib.sha256(json.dumps(scope, sort_keys=True).encode()).hexdigest()


def criteria_of(session: Session, scope: dict) -> Criteria:
    step = scope.get("step") or ""
    return Criteria(
        frozenset(scope["bureaus"]),
        process=scope.get("process") or "",
        step=step,
        steps=steps_of_kind(session, step) if step else frozenset(),
        officer=scope.get("officer"),
    )


def _count(session: Session, c: Criteria, at: dt.datetime, horizon: dt.datetime) -> tuple[dict, int]:
    started = time.perf_counter()
    values = count_states(session, c, at, horizon)
    return values, int((time.perf_counter() - started) * 1000)


def board_counts(session: Session, c: Criteria, within: int, at: dt.datetime, horizon: dt.datetime) -> Counts:
    """The counts of one view: live when the view is small, else kept (see the module)."""
    scope = scope_of(c, within)
    key = scope_key(scope)
    row = session.get(BoardCount, key, populate_existing=True)  # another process may have counted
    large = setting("BOARD_LIVE_COUNT_ROWS")
    if row is not None and row.pending >= large:
        if at - row.taken_at <= dt.timedelta(seconds=setting("BOARD_COUNTS_MAX_AGE_SECONDS")):
            kept = Counts({s: getattr(row, s) for s in STATES}, row.taken_at, live=False)
            if at - row.used_at >= TOUCH_EVERY:
                row.used_at = at
                _commit(session)
            return kept
    values, took = _count(session, c, at, horizon)
    if values["pending"] >= large or row is not None:
        store(session, key, scope, values, at, took, read=True)
    return Counts(values, at, live=values["pending"] < large)


def _commit(session: Session, write=None) -> None:
    """Write and commit the kept counts.  A failure (two processes pruning at once, a
    lock timeout) only costs a later request a count: the page is still answered."""
    try:
        if write is not None:
            write()
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("board counts not kept: %s", exc)


def store(
    session: Session, key: str, scope: dict, values: dict, at: dt.datetime, took: int, read: bool
) -> None:
    """Insert or replace a view's counts (two workers may count the same view at once),
    then drop the least recently read views beyond the bound.  `read`: a page read
    them (the scheduler's own counting does not keep a view in use)."""
    fields = {s: values[s] for s in STATES} | {"taken_at": at, "took_ms": took}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(BoardCount).values(key=key, scope=scope, used_at=at, **fields)
    update = fields | ({"used_at": at} if read else {})
    limit = setting("BOARD_COUNTS_MAX_ENTRIES")

    def write() -> None:
        session.execute(stmt.on_conflict_do_update(index_elements=[BoardCount.key], set_=update))
        excess = (session.scalar(select(func.count()).select_from(BoardCount)) or 0) - limit
        if excess > 0:
            oldest = select(BoardCount.key).order_by(BoardCount.used_at, BoardCount.key).limit(excess)
            session.execute(delete(BoardCount).where(BoardCount.key.in_(oldest.scalar_subquery())))

    _commit(session, write)
    for kept in [o for o in session.identity_map.values() if isinstance(o, BoardCount)]:
        session.expire(kept)  # stale after the upsert


def default_scopes(session: Session) -> dict[str, dict]:
    """Each active supervisor's default view (all bureaus they see, nothing filtered)."""
    scopes: dict[str, dict] = {}
    for bureau_ids in supervisors_scopes(session):
        scope = scope_of(Criteria(bureau_ids), DUE_SOON_WORKING_DAYS)
        scopes[scope_key(scope)] = scope
    return scopes


def refresh(session: Session, at: dt.datetime | None = None) -> int:
    """The scheduler's job: count again the large views in use and every supervisor's
    default view, the stalest first, at most REFRESH_PER_RUN; returns how many.  The
    counting reads in a read-only session of its own (on SQLite the scheduler's session
    would hold the write lock for seconds); `session` only writes the results."""
    at = at or now()
    reader = db.read_only_session()
    try:
        counted = _count_due(reader, at)
    finally:
        reader.close()  # the read ends before anything is written
    for key, scope, values, took in counted:
        store(session, key, scope, values, at, took, read=False)
    session.commit()
    return len(counted)


def _count_due(reader: Session, at: dt.datetime) -> list[tuple[str, dict, dict, int]]:
    """The views due a count, counted: (key, scope, counts, milliseconds taken)."""
    large = setting("BOARD_LIVE_COUNT_ROWS")
    fresh_enough = at - dt.timedelta(seconds=setting("BOARD_COUNTS_REFRESH_SECONDS") / 2)
    defaults = default_scopes(reader)
    kept = {row.key: row for row in reader.scalars(select(BoardCount))}
    due: list[tuple[dt.datetime | None, str, dict]] = []
    for key, scope in defaults.items():
        row = kept.get(key)
        if row is None or (row.pending >= large and row.taken_at <= fresh_enough):
            due.append((row.taken_at if row else None, key, scope))
    for key, row in kept.items():
        if key in defaults or row.pending < large or row.taken_at > fresh_enough:
            continue
        if row.used_at >= at - IN_USE:
            due.append((row.taken_at, key, row.scope))
    due.sort(key=lambda item: (item[0] is not None, item[0] or at))
    overrides = load_overrides(reader)
    counted = []
    for _taken, key, scope in due[:REFRESH_PER_RUN]:
        horizon = due_soon_horizon(at, int(scope.get("within", DUE_SOON_WORKING_DAYS)), overrides)
        values, took = _count(reader, criteria_of(reader, scope), at, horizon)
        counted.append((key, scope, values, took))
    return counted
