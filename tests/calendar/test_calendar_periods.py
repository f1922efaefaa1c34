"""A period counted in calendar days, months or years whose last day is a rest day
ends on the next working day (issue 12); working-day periods are unchanged."""

from __future__ import annotations

import datetime as dt

import time_machine

from app.calendar import workdays as cal
from app.engine import functions


def _day(iso: str) -> dt.date:
    return cal.local_date(dt.datetime.fromisoformat(iso))


def test_thirty_calendar_days_ending_on_new_year_move_to_the_next_working_day():
    with time_machine.travel(dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.timezone.utc), tick=False):
        assert _day(functions.calendar_days(30)) == dt.date(2027, 1, 4)  # 1 Jan holiday, 2-3 weekend


def test_a_calendar_period_ending_on_a_working_day_is_unchanged():
    with time_machine.travel(dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.timezone.utc), tick=False):
        assert _day(functions.calendar_days(7)) == dt.date(2026, 12, 9)


def test_months_and_years_ending_on_a_rest_day_move_on():
    # 2026-10-01 + 0 months is National Day: the period ends on 8 October (published schedule)
    assert _day(functions.months_from("2026-10-01", 0)) == dt.date(2026, 10, 8)
    assert _day(functions.months_from("2026-04-04", 6)) == dt.date(2026, 10, 8)  # 4 Oct holiday
    assert _day(functions.years_from("2025-10-03", 1)) == dt.date(2026, 10, 8)
    assert _day(functions.months_from("2026-06-10", 1)) == dt.date(2026, 7, 10)  # a Friday


def test_period_end_rolls_over_the_administrators_table():
    day = dt.date(2026, 12, 7)  # a Monday
    overrides = cal.Overrides(days={day: False})
    assert cal.period_end_on_working_day(day, overrides).date == dt.date(2026, 12, 8)
