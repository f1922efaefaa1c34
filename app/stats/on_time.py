"""On-time rates and working days taken, per step and per bureau: tasks finished in the
period, how many by their due time, tasks still open past it (counted as late)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.calendar.urgency import WorkdayCounter
from app.models import Bureau, Case, TaskItem
from app.stats.period import Period
from app.stats.sql import local_day
from app.supervision.scope import process_names


def _rate(on_time: int, counted: int) -> float | None:
    return round(on_time / counted, 4) if counted else None


# --- on-time rates and durations ---------------------------------------------


def weighted_median(pairs: list[tuple[int, int]]) -> float | None:
    """statistics.median of values given as (value, how many times)."""
    total = sum(n for _v, n in pairs)
    if not total:
        return None
    ordered = sorted(pairs)

    def nth(k: int) -> int:
        for value, n in ordered:
            if k < n:
                return value
            k -= n
        raise AssertionError("unreachable")

    middle = total // 2
    return nth(middle) if total % 2 else (nth(middle - 1) + nth(middle)) / 2


def _tally(rows, key, init) -> dict:
    """Sum finished / with_due / on_time / late_open per key."""
    table: dict = {}
    for row in rows:
        entry = table.setdefault(
            key(row), {**init(row), "finished": 0, "with_due": 0, "on_time": 0, "late_open": 0}
        )
        for field in ("finished", "with_due", "on_time", "late_open"):
            entry[field] += int(getattr(row, field, 0) or 0)
    return table


def on_time(
    session: Session, bureau_ids: set[int], period: Period, at: dt.datetime, overrides: cal.Overrides
) -> tuple[list[dict], list[dict]]:
    """Per step and per bureau: tasks finished in the period, how many by their due
    time, tasks still open past it (they count as late), median working days taken.

    Counted in SQL; the median works on (start day, end day) pairs, few per step."""
    in_period = (
        TaskItem.bureau_id.in_(bureau_ids),
        TaskItem.outcome == "completed",
        TaskItem.completed_at.between(period.start_utc, period.end_utc),
    )
    counts = (
        func.count().label("finished"),
        func.sum(case((TaskItem.due_at.is_not(None), 1), else_=0)).label("with_due"),
        func.sum(case((TaskItem.completed_at <= TaskItem.due_at, 1), else_=0)).label("on_time"),
    )
    late = (TaskItem.bureau_id.in_(bureau_ids), TaskItem.completed_at.is_(None), TaskItem.due_at < at)
    started, ended = local_day(TaskItem.created_at), local_day(TaskItem.completed_at)
    by_days = session.execute(
        select(
            Case.process_key, TaskItem.step, func.max(TaskItem.name).label("name"), started, ended, *counts
        )
        .join(Case, Case.id == TaskItem.case_id)
        .where(*in_period)
        .group_by(Case.process_key, TaskItem.step, started, ended)
    ).all()
    late_steps = session.execute(
        select(
            Case.process_key,
            TaskItem.step,
            func.max(TaskItem.name).label("name"),
            func.count().label("late_open"),
        )
        .join(Case, Case.id == TaskItem.case_id)
        .where(*late)
        .group_by(Case.process_key, TaskItem.step)
    ).all()
    steps = _tally(
        [*by_days, *late_steps],
        key=lambda r: (r.process_key, r.step),
        init=lambda r: {"process": r.process_key, "step": r.step, "name": r.name},
    )
    days: dict[tuple[str, str], list[tuple[int, int]]] = {}
    if by_days:
        first = min(r[3] for r in by_days)
        counter = WorkdayCounter(min(first, period.since), max(period.until, cal.local_date(at)), overrides)
        taken: dict[tuple[dt.date, dt.date], int] = {}  # the same pairs of days recur in every step
        for r in by_days:
            pair = (r[3], r[4])
            if pair not in taken:
                taken[pair] = counter.between(*pair)
            days.setdefault((r.process_key, r.step), []).append((taken[pair], r.finished))
    bureau_rows = [
        *session.execute(select(TaskItem.bureau_id, *counts).where(*in_period).group_by(TaskItem.bureau_id)),
        *session.execute(
            select(TaskItem.bureau_id, func.count().label("late_open"))
            .where(*late)
            .group_by(TaskItem.bureau_id)
        ),
    ]
    bureaus = _tally(bureau_rows, key=lambda r: r.bureau_id, init=lambda r: {"bureau_id": r.bureau_id})
    names = process_names(session)
    bureau_names = (
        dict(session.execute(select(Bureau.id, Bureau.name).where(Bureau.id.in_(bureaus))).all())
        if bureaus
        else {}
    )
    by_step = [
        {
            **row,
            "process_name": names.get(row["process"], row["process"]),
            "rate": _rate(row["on_time"], row["with_due"] + row["late_open"]),
            "median_working_days": weighted_median(days.get(key, [])),
        }
        for key, row in sorted(steps.items())
    ]
    by_bureau = [
        {
            **row,
            "bureau": bureau_names.get(row["bureau_id"], ""),
            "rate": _rate(row["on_time"], row["with_due"] + row["late_open"]),
        }
        for _key, row in sorted(bureaus.items())
    ]
    return by_step, by_bureau
