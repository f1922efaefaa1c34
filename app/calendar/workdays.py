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
from bisect import bisect_right
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


@lru_cache(maxsize=512)
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


# --- counting without walking every day --------------------------------------
# A range's working days = its weekdays, minus the weekdays that are holidays, plus
# the weekend days that are working days (调休).  Those exceptions are few per year
# (from chinese-calendar or the statutory holidays, then the administrators' table),
# so a range of any length costs one lookup per year plus its overrides.

MIN_DAY, MAX_DAY = dt.date(1, 1, 2), dt.date(9999, 12, 30)


def _weekdays_through(day: dt.date) -> int:
    """Monday-to-Friday days from 0001-01-01 up to and including `day`."""
    ordinal = day.toordinal()  # 0001-01-01 is ordinal 1 and a Monday
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@lru_cache(maxsize=512)
def _base_exceptions(year: int) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
    """(weekdays that are holidays, weekend days that are working days) of a year,
    sorted, before the administrators' table."""
    if is_published_year(year):
        days = [dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(366)]
        days = [d for d in days if d.year == year]
        off = tuple(d for d in days if d.weekday() < 5 and not chinese_calendar.is_workday(d))
        on = tuple(d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d))
        return off, on
    return tuple(sorted(d for d in _statutory_holidays(year) if d.weekday() < 5)), ()


def _base_is_workday(day: dt.date) -> bool:
    off, on = _base_exceptions(day.year)
    return day in on if day.weekday() >= 5 else day not in off


@lru_cache(maxsize=1)
def _exception_years() -> tuple[int, int]:
    """The years that can have exceptions at all: chinese-calendar's and `holidays`'s."""
    low, high = _published_range()
    return min(low, holidays_lib.China.start_year), max(high, holidays_lib.China.end_year)


def _exceptions_within(start: dt.date, end: dt.date) -> int:
    """(weekend working days) - (weekday holidays) in (start, end], before overrides."""
    low, high = _exception_years()
    total = 0
    for year in range(max(start.year, low), min(end.year, high) + 1):
        off, on = _base_exceptions(year)
        if start.year < year < end.year:
            total += len(on) - len(off)
            continue
        total += bisect_right(on, end) - bisect_right(on, start)
        total -= bisect_right(off, end) - bisect_right(off, start)
    return total


def _count(start: dt.date, end: dt.date, overrides: Overrides) -> int:
    """Working days in (start, end], start <= end."""
    count = _weekdays_through(end) - _weekdays_through(start) + _exceptions_within(start, end)
    for day, workday in overrides.days.items():
        if start < day <= end and workday != _base_is_workday(day):
            count += 1 if workday else -1
    return count


def _assumed_years(start: dt.date, end: dt.date, overrides: Overrides) -> tuple[int, ...]:
    """Years of (start, end] whose schedule is assumed."""
    first = (start + dt.timedelta(days=1)).year
    return tuple(y for y in range(first, end.year + 1) if is_assumed(y, overrides))


def add_working_days(start: dt.date, n: int, overrides: Overrides = NO_OVERRIDES) -> Deadline:
    """The Nth working day after `start` (start itself not counted)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return Deadline(start, ())
    # Every year has well over 100 working days: the answer lies within n * 3 + 30 days.
    low = start
    high = dt.date.fromordinal(min(MAX_DAY.toordinal(), start.toordinal() + n * 3 + 30))
    if _count(start, high, overrides) < n:
        raise ValueError("working days beyond the calendar's range")
    while (high - low).days > 1:  # invariant: count(low) < n <= count(high)
        middle = low + dt.timedelta(days=(high - low).days // 2)
        if _count(start, middle, overrides) >= n:
            high = middle
        else:
            low = middle
    return Deadline(high, _assumed_years(start, high, overrides))


def period_end_on_working_day(day: dt.date, overrides: Overrides = NO_OVERRIDES) -> Deadline:
    """A period counted in calendar days, months or years whose last day is a rest day
    ends on the first working day after it (期间届满的最后一日是法定节假日的，以节假日后
    的第一日为期间届满的日期)."""
    end = day
    for _ in range(60):  # the longest run of rest days is well under 60
        if is_workday(end, overrides):
            break
        end += dt.timedelta(days=1)
    assumed = tuple(sorted({y for y in (day.year, end.year) if is_assumed(y, overrides)}))
    return Deadline(end, assumed)


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides = NO_OVERRIDES) -> int:
    """Working days after `start` up to and including `end`; negative when end < start."""
    if end >= start:
        return _count(start, end, overrides)
    return -_count(end, start, overrides)


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
