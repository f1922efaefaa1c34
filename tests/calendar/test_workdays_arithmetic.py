"""Working days are counted arithmetically; the results equal counting day by day."""

import datetime as dt
import random

from app.calendar import workdays as cal


def _day_by_day_between(start, end, overrides):
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += cal.is_workday(day, overrides)
    return count


def _day_by_day_add(start, n, overrides):
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        counted += cal.is_workday(day, overrides)
    return day


def _weekdays(start, end):
    weeks, rest = divmod((end - start).days, 7)
    return weeks * 5 + sum((start + dt.timedelta(days=k)).weekday() < 5 for k in range(1, rest + 1))


OVERRIDES = cal.Overrides(
    days={
        dt.date(2026, 12, 7): False,  # a Monday off
        dt.date(2026, 12, 12): True,  # a Saturday worked
        dt.date(2031, 10, 8): True,  # already a working day in the base calendar? either way
        dt.date(2027, 1, 1): True,  # New Year's Day worked
        dt.date(2101, 3, 3): False,
    },
    confirmed_years=frozenset({2031}),
)


def test_between_equals_day_by_day_over_random_ranges():
    rng = random.Random(20261201)
    for i in range(150):
        start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(0, 120 * 365))
        end = start + dt.timedelta(days=rng.randrange(0, 400 if i % 5 else 3000))
        overrides = OVERRIDES if i % 2 else cal.NO_OVERRIDES
        assert cal.working_days_between(start, end, overrides) == _day_by_day_between(start, end, overrides)
        assert cal.working_days_between(end, start, overrides) == -_day_by_day_between(start, end, overrides)


def test_add_equals_day_by_day_over_random_starts():
    rng = random.Random(7)
    for i in range(300):
        start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 100 * 365))
        n = rng.choice([0, 1, 2, 5, 10, 15, 20, 60, 250, rng.randrange(0, 3000)])
        overrides = OVERRIDES if i % 2 else cal.NO_OVERRIDES
        deadline = cal.add_working_days(start, n, overrides)
        expected = _day_by_day_add(start, n, overrides)
        assert deadline.date == expected, (start, n)
        years = {(start + dt.timedelta(days=k)).year for k in range(1, (expected - start).days + 1)}
        assert deadline.assumed_years == tuple(sorted(y for y in years if cal.is_assumed(y, overrides)))


def test_year_9999_counts_at_once():
    # Day by day this took ~14 s; each year beyond the known schedules is weekdays only.
    days = cal.working_days_between(dt.date(2101, 1, 1), dt.date(9999, 12, 31))
    assert days == _weekdays(dt.date(2101, 1, 1), dt.date(9999, 12, 31))
    assert cal.add_working_days(dt.date(9999, 12, 20), 5).date == dt.date(9999, 12, 27)
