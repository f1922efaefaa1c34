"""Small pieces of the console: lateness in words, medians, working days."""

from __future__ import annotations

import datetime as dt

import pytest

from app.calendar import workdays as cal
from app.calendar.urgency import WorkdayCounter, working_days_late
from app.models import Timer
from app.stats.on_time import weighted_median
from app.supervision.timers import TimerRow

DUE = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "late, text",
    [
        (dt.timedelta(seconds=30), ""),
        (dt.timedelta(minutes=12), "12 分钟"),
        (dt.timedelta(hours=3, minutes=5), "3 小时 5 分钟"),
        (dt.timedelta(hours=9), "9 小时"),
        (dt.timedelta(days=2, hours=4, minutes=59), "2 天 4 小时"),
        (-dt.timedelta(minutes=5), ""),
    ],
)
def test_late_text(late, text):
    timer = Timer(due_at=DUE, fired_at=DUE + late)
    assert TimerRow(timer, "", "", "").late_text == text


@pytest.mark.parametrize(
    "pairs, median",
    [
        ([], None),
        ([(3, 1)], 3),
        ([(1, 1), (5, 1)], 3),
        ([(2, 3), (9, 1)], 2),
        ([(4, 2), (1, 2)], 2.5),
    ],
)
def test_weighted_median(pairs, median):
    assert weighted_median(pairs) == median


def test_workday_counter_agrees_with_the_calendar():
    overrides = cal.Overrides(days={dt.date(2026, 3, 14): True, dt.date(2026, 3, 10): False})
    counter = WorkdayCounter(dt.date(2026, 2, 10), dt.date(2026, 3, 31), overrides)
    for start, end in [
        (dt.date(2026, 2, 12), dt.date(2026, 3, 20)),
        (dt.date(2026, 3, 20), dt.date(2026, 3, 9)),
        (dt.date(2026, 1, 5), dt.date(2026, 3, 2)),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 16)),
    ]:
        assert counter.between(start, end) == cal.working_days_between(start, end, overrides)


def test_working_days_late():
    counter = WorkdayCounter(dt.date(2026, 3, 1), dt.date(2026, 3, 31), cal.NO_OVERRIDES)
    friday_end = cal.end_of_day_utc(dt.date(2026, 3, 13))
    assert working_days_late(friday_end, friday_end - dt.timedelta(hours=2), counter) == 0  # due later today
    assert working_days_late(friday_end, friday_end + dt.timedelta(hours=12), counter) == 1  # Saturday: late
    assert working_days_late(friday_end, cal.end_of_day_utc(dt.date(2026, 3, 17)), counter) == 2
    assert working_days_late(friday_end, cal.end_of_day_utc(dt.date(2026, 3, 10)), counter) == -3
