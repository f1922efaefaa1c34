"""The administrators' holiday table, as the calendar needs it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import calendar as cal
from app.models import CalendarYear, HolidayOverride, User


def load_overrides(session: Session) -> cal.Overrides:
    days = {row.day: row.is_workday for row in session.scalars(select(HolidayOverride))}
    years = frozenset(session.scalars(select(CalendarYear.year)).all())
    return cal.Overrides(days=days, confirmed_years=years)


def set_override(session: Session, day: dt.date, is_workday: bool, name: str, actor: User | None) -> HolidayOverride:
    row = session.get(HolidayOverride, day)
    if row is None:
        row = HolidayOverride(day=day, is_workday=is_workday)
        session.add(row)
    row.is_workday, row.name = is_workday, name[:50]
    row.updated_by_id = actor.id if actor else None
    session.flush()
    return row


def delete_override(session: Session, day: dt.date) -> bool:
    row = session.get(HolidayOverride, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def confirm_year(session: Session, year: int, actor: User | None) -> None:
    if session.get(CalendarYear, year) is None:
        session.add(CalendarYear(year=year, confirmed_by_id=actor.id if actor else None))
        session.flush()
