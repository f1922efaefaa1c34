"""The administrators' holiday table, as the calendar needs it."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.models import CalendarYear, HolidayOverride, User

# The table changes a few times a year and every deadline reads it: keep it for a
# minute.  Edits made through this process take effect at once (invalidate());
# other processes see them within CACHE_SECONDS.
CACHE_SECONDS = 60
_cache: dict[str, tuple[float, cal.Overrides]] = {}


def cached_overrides(session: Session) -> cal.Overrides:
    bind = session.get_bind()
    key = str(getattr(bind, "engine", bind).url)
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    overrides = load_overrides(session)
    _cache[key] = (time.monotonic(), overrides)
    return overrides


def invalidate() -> None:
    _cache.clear()


def load_overrides(session: Session) -> cal.Overrides:
    days = {row.day: row.is_workday for row in session.scalars(select(HolidayOverride))}
    years = frozenset(session.scalars(select(CalendarYear.year)).all())
    return cal.Overrides(days=days, confirmed_years=years)


def set_override(
    session: Session, day: dt.date, is_workday: bool, name: str, actor: User | None
) -> HolidayOverride:
    row = session.get(HolidayOverride, day)
    if row is None:
        row = HolidayOverride(day=day, is_workday=is_workday)
        session.add(row)
    row.is_workday, row.name = is_workday, name[:50]
    row.updated_by_id = actor.id if actor else None
    session.flush()
    invalidate()
    return row


def delete_override(session: Session, day: dt.date) -> bool:
    row = session.get(HolidayOverride, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    invalidate()
    return True


def confirm_year(session: Session, year: int, actor: User | None) -> None:
    if session.get(CalendarYear, year) is None:
        session.add(CalendarYear(year=year, confirmed_by_id=actor.id if actor else None))
        session.flush()
    invalidate()
