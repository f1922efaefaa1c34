"""On-time rates and working days taken, per step and per bureau: tasks finished in the
period, how many by their due time, tasks still open past it (counted as late)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, Integer, bindparam, case, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.models import Bureau, Case, TaskItem
from app.stats.period import Period
from app.stats.sql import local_day, workday_ordinal
from app.supervision.scope import process_names

# On PostgreSQL, durations of tasks begun up to this long before the period are
# grouped by the database; earlier ones (rare) by their own pair of days.
DAYS_BEFORE_PERIOD = 730


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


@dataclass(frozen=True)
class _Finished:
    """Tasks of a step finished in the period that took the same working days."""

    process_key: str
    step: str
    name: str
    days: int
    finished: int
    with_due: int
    on_time: int


def _by_days_taken(session: Session, in_period, counts, period: Period, overrides) -> list[_Finished]:
    """PostgreSQL groups by working days taken: each day's place in a count of working
    days from `first` is read from an array bound to the statement, so a few hundred
    rows come back instead of one per (start day, end day) pair.  A task begun before
    the array (rare) comes back with its own pair of days and is counted here."""
    first = period.since - dt.timedelta(days=DAYS_BEFORE_PERIOD)
    ordinals = [
        cal.working_days_between(first, first + dt.timedelta(days=i), overrides)
        for i in range((period.until - first).days + 1)
    ]
    ordinals_at = (
        bindparam("first_day", first, type_=Date()),
        bindparam("ordinals", ordinals, type_=ARRAY(Integer)),
    )
    started, ended = local_day(TaskItem.created_at), local_day(TaskItem.completed_at)
    began = workday_ordinal(started, *ordinals_at)
    taken = (workday_ordinal(ended, *ordinals_at) - began).label("taken")
    unlisted_start = case((began.is_(None), started)).label("unlisted_start")
    unlisted_end = case((began.is_(None), ended)).label("unlisted_end")
    rows = session.execute(
        select(
            Case.process_key,
            TaskItem.step,
            func.max(TaskItem.name).label("name"),
            taken,
            unlisted_start,
            unlisted_end,
            *counts,
        )
        .join(Case, Case.id == TaskItem.case_id)
        .where(*in_period)
        .group_by(Case.process_key, TaskItem.step, taken, unlisted_start, unlisted_end)
    ).all()
    return [
        _Finished(
            r.process_key,
            r.step,
            r.name,
            r.taken
            if r.unlisted_start is None
            else cal.working_days_between(r.unlisted_start, r.unlisted_end, overrides),
            r.finished,
            r.with_due,
            r.on_time,
        )
        for r in rows
    ]


def _by_pairs_of_days(session: Session, in_period, counts, period: Period, overrides) -> list[_Finished]:
    """SQLite groups by (start day, end day) and the pairs are counted here: reading a
    day's place from a bound list costs SQLite a JSON parse per row, more than the pairs."""
    started, ended = local_day(TaskItem.created_at), local_day(TaskItem.completed_at)
    rows = session.execute(
        select(
            Case.process_key, TaskItem.step, func.max(TaskItem.name).label("name"), started, ended, *counts
        )
        .join(Case, Case.id == TaskItem.case_id)
        .where(*in_period)
        .group_by(Case.process_key, TaskItem.step, started, ended)
    ).all()
    taken: dict[tuple[dt.date, dt.date], int] = {}  # the same pairs of days recur in every step
    result = []
    for r in rows:
        pair = (r[3], r[4])
        if pair not in taken:
            taken[pair] = cal.working_days_between(*pair, overrides)
        result.append(
            _Finished(r.process_key, r.step, r.name, taken[pair], r.finished, r.with_due, r.on_time)
        )
    return result


def on_time(
    session: Session, bureau_ids: set[int], period: Period, at: dt.datetime, overrides: cal.Overrides
) -> tuple[list[dict], list[dict]]:
    """Per step and per bureau: tasks finished in the period, how many by their due
    time, tasks still open past it (they count as late), median working days taken.

    Counted in SQL; the median works on (working days, tasks) pairs, few per step."""
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
    group = _by_days_taken if session.get_bind().dialect.name == "postgresql" else _by_pairs_of_days
    by_days = group(session, in_period, counts, period, overrides)
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
    for r in by_days:
        days.setdefault((r.process_key, r.step), []).append((r.days, r.finished))
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
