"""Chinese working-day arithmetic.

Sources, in order of authority:
1. the administrators' table (holiday overrides entered in the app), which always wins;
2. chinese-calendar, which carries the State Council's published schedule
   (holidays and the adjusted working weekends, 调休) for the years it knows;
3. for a year nobody has published yet, the statutory holidays that the law fixes in
   advance (New Year, Spring Festival eve and first three days, Qingming, Labour Day
   1-2 May, Dragon Boat, Mid-Autumn, National Day 1-3 Oct), computed by `holidays`.
   The adjusted working weekends of such a year are unknown: results computed on it
   are flagged `assumed` so that callers can warn.

Periods "within N working days" start the day after the start date; a deadline is
the end (23:59:59, Asia/Shanghai) of the Nth working day, returned as UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays as holidays_lib

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


@dataclass(frozen=True)
class Overrides:
    """What administrators entered: day -> is_workday, and years they confirmed."""

    days: Mapping[dt.date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()


NO_OVERRIDES = Overrides()


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    assumed_years: tuple[int, ...]

    @property
    def assumed(self) -> bool:
        return bool(self.assumed_years)

    @property
    def end_utc(self) -> dt.datetime:
        return end_of_day_utc(self.date)

    def warning(self) -> str | None:
        if not self.assumed:
            return None
        years = "、".join(str(y) for y in self.assumed_years)
        return (
            f"注意：{years} 年的节假日安排尚未公布（或未在系统中确认），"
            "已按法定节日推算，调休上班日未计入，期限可能需要更正。"
        )


@lru_cache(maxsize=None)
def _published_range() -> tuple[int, int]:
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


def is_published_year(year: int) -> bool:
    low, high = _published_range()
    return low <= year <= high


@lru_cache(maxsize=32)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    # observed=False: only the days the law names, not the library's guesses
    # at compensation days, which the State Council decides year by year.
    return frozenset(holidays_lib.China(years=year, observed=False).keys())


def is_workday(day: dt.date, overrides: Overrides = NO_OVERRIDES) -> bool:
    if day in overrides.days:
        return overrides.days[day]
    if is_published_year(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and day not in _statutory_holidays(day.year)


def is_assumed(year: int, overrides: Overrides = NO_OVERRIDES) -> bool:
    return not is_published_year(year) and year not in overrides.confirmed_years


def add_working_days(start: dt.date, n: int, overrides: Overrides = NO_OVERRIDES) -> Deadline:
    """The Nth working day after `start` (start itself not counted)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    assumed: set[int] = set()
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_assumed(day.year, overrides):
            assumed.add(day.year)
        if is_workday(day, overrides):
            counted += 1
    return Deadline(day, tuple(sorted(assumed)))


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides = NO_OVERRIDES) -> int:
    """Working days after `start` up to and including `end`; negative when end < start."""
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            count += 1
    return sign * count


def end_of_day_utc(day: dt.date) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(23, 59, 59), SHANGHAI)
    return local.astimezone(UTC)


def local_date(moment: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of an aware (or naive UTC) datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """Plain calendar months; the 31st becomes the month's last day when needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
