"""How urgent a step is, decided once for the inbox, the case page and the board; and the
working-day arithmetic the board and the figures count with.

The rule: a step is overdue once its due time has passed.  Before that it is due soon
when the diagram drew a warning timer for it and that timer's time has come; a step
without a warning timer is due soon within DUE_SOON_WORKING_DAYS working days of its due
date (the board may widen that window for steps without a warning timer).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_

from app.calendar import workdays as cal

# The one horizon for steps without a warning timer: as the diagrams draw their warnings,
# one working day before the deadline.
DUE_SOON_WORKING_DAYS = 1

OVERDUE, DUE_SOON, NORMAL, UNDATED = "overdue", "due_soon", "ok", "none"


def due_soon_horizon(at: dt.datetime, within: int, overrides: cal.Overrides) -> dt.datetime:
    """End (23:59:59 Shanghai) of the `within`-th working day after today."""
    return cal.add_working_days(cal.local_date(at), within, overrides).end_utc


def urgency(
    due_at: dt.datetime | None, warn_at: dt.datetime | None, at: dt.datetime, horizon: dt.datetime
) -> str:
    """overdue | due_soon | ok | none (no due time), at `at` with the due-soon `horizon`."""
    if due_at is None:
        return UNDATED
    if due_at < at:
        return OVERDUE
    if warn_at is not None:
        return DUE_SOON if warn_at <= at else NORMAL
    return DUE_SOON if due_at <= horizon else NORMAL


def due_soon_condition(due, warn, at: dt.datetime, horizon: dt.datetime):
    """The same rule as urgency() == due_soon, as SQL over a due and a warning column
    (warn None: rows that never have a warning timer)."""
    if warn is None:
        return and_(due >= at, due <= horizon)
    return and_(due >= at, or_(warn <= at, and_(warn.is_(None), due <= horizon)))


class WorkdayCounter:
    """cal.working_days_between for many pairs of dates.  Counting is arithmetic
    (app.calendar.workdays), so any pair, even years apart, costs about the same."""

    def __init__(self, first: dt.date, last: dt.date, overrides: cal.Overrides):
        self.first, self.last, self.overrides = first, last, overrides

    def between(self, start: dt.date, end: dt.date) -> int:
        return cal.working_days_between(start, end, self.overrides)


def working_days_late(due_at: dt.datetime, at: dt.datetime, counter: WorkdayCounter) -> int:
    """Working days overdue (> 0), 0 when due later today, or minus the working days left.

    Overdue counts at least 1, as the inbox does: a deadline passed is a day lost."""
    n = counter.between(cal.local_date(due_at), cal.local_date(at))
    return max(n, 1) if due_at < at else n
