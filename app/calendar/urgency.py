"""Working-day arithmetic for the board and the figures, on top of app.calendar.workdays and
the administrators' overrides."""

from __future__ import annotations

import datetime as dt

from app.calendar import workdays as cal


class WorkdayCounter:
    """cal.working_days_between for many pairs of dates: one pass over the span's days,
    then each pair is a subtraction (pairs outside the span fall back to the calendar)."""

    def __init__(self, first: dt.date, last: dt.date, overrides: cal.Overrides):
        self.first, self.last, self.overrides = first, last, overrides
        self.prefix = [0]
        day = first
        while day < last:
            day += dt.timedelta(days=1)
            self.prefix.append(self.prefix[-1] + (1 if cal.is_workday(day, overrides) else 0))

    def between(self, start: dt.date, end: dt.date) -> int:
        if self.first <= start <= self.last and self.first <= end <= self.last:
            return self.prefix[(end - self.first).days] - self.prefix[(start - self.first).days]
        return cal.working_days_between(start, end, self.overrides)


def due_soon_horizon(at: dt.datetime, within: int, overrides: cal.Overrides) -> dt.datetime:
    """End (23:59:59 Shanghai) of the `within`-th working day after today."""
    return cal.add_working_days(cal.local_date(at), within, overrides).end_utc


def working_days_late(due_at: dt.datetime, at: dt.datetime, counter: WorkdayCounter) -> int:
    """Working days overdue (> 0), 0 when due later today, or minus the working days left.

    Overdue counts at least 1, as the inbox does: a deadline passed is a day lost."""
    n = counter.between(cal.local_date(due_at), cal.local_date(at))
    return max(n, 1) if due_at < at else n
