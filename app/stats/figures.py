"""Figures of the work, for the supervisors' charts, tables and /api/stats.

Read from the indexes only (task_item, timer, case rows, audit events, register
entries); nothing deserializes a workflow.  Every figure is limited to the bureaus
the reader sees, and flows (per month, finished tasks) to a period of local dates.

Which steps count as a supplement request, a follow-up or an inspection is what
the diagrams say of them (the step_kind property), whatever their ids.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.calendar.urgency import WorkdayCounter
from app.domain.situations import situation_label
from app.models import AuditEvent, Bureau, Case, EntryStatus, RegisterEntry, TaskItem
from app.partners.feedback import feedback_by_organisation
from app.stats.sql import date_month, local_day, local_month
from app.supervision.scope import process_names, steps_of_kind
from app.tips.figures import tip_figures

REPAIR = "repair"
REPAIR_OUTCOMES = ("rejected", "refused", "lapsed")
LISTED_STATUSES = ("listed", "expired", "removed_early", "restored")
STATUS_LABELS = {s.value: s.label for s in EntryStatus}


@dataclass(frozen=True)
class Period:
    since: dt.date
    until: dt.date

    @classmethod
    def last_months(cls, today: dt.date, months: int = 12) -> "Period":
        return cls(cal.add_months(today.replace(day=1), -(months - 1)), today)

    @property
    def start_utc(self) -> dt.datetime:
        return dt.datetime.combine(self.since, dt.time(0), cal.SHANGHAI).astimezone(cal.UTC)

    @property
    def end_utc(self) -> dt.datetime:
        return cal.end_of_day_utc(self.until)

    def months(self) -> list[str]:
        result, day = [], self.since.replace(day=1)
        while day <= self.until:
            result.append(f"{day:%Y-%m}")
            day = cal.add_months(day, 1)
        return result


def _rate(on_time: int, counted: int) -> float | None:
    return round(on_time / counted, 4) if counted else None


def _truthy(value) -> bool:
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


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
        first = min(dt.date.fromisoformat(r[3]) for r in by_days)
        counter = WorkdayCounter(min(first, period.since), max(period.until, cal.local_date(at)), overrides)
        for r in by_days:
            taken = counter.between(dt.date.fromisoformat(r[3]), dt.date.fromisoformat(r[4]))
            days.setdefault((r.process_key, r.step), []).append((taken, r.finished))
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


# --- repair applications ------------------------------------------------------


def repair_by_month(session: Session, bureau_ids: set[int], period: Period) -> list[dict]:
    """Received, returned for supplement, not accepted, refused, granted, lapsed."""
    months = {
        m: {
            "month": m,
            "received": 0,
            "supplement": 0,
            "rejected": 0,
            "refused": 0,
            "granted": 0,
            "lapsed": 0,
        }
        for m in period.months()
    }
    repair = (Case.process_key == REPAIR, Case.bureau_id.in_(bureau_ids))

    def add(field: str, column, stmt) -> None:
        month = local_month(column)
        for month_value, count in session.execute(
            stmt.add_columns(month, func.count())
            .where(column.between(period.start_utc, period.end_utc))
            .group_by(month)
        ):
            if month_value in months:
                months[month_value][field] += count

    add("received", Case.created_at, select().select_from(Case).where(*repair))
    add(
        "supplement",
        TaskItem.created_at,
        select()
        .select_from(TaskItem)
        .join(Case, Case.id == TaskItem.case_id)
        .where(*repair, TaskItem.step.in_(steps_of_kind(session, "supplement"))),
    )
    for outcome in REPAIR_OUTCOMES:
        add(outcome, Case.ended_at, select().select_from(Case).where(*repair, Case.status == outcome))
    # A grant ends the case only after the follow-up: count the removal itself.
    add(
        "granted",
        AuditEvent.at,
        select()
        .select_from(AuditEvent)
        .join(Case, Case.id == AuditEvent.case_id)
        .where(*repair, AuditEvent.action == "register_removed_early"),
    )
    return list(months.values())


# --- the register ---------------------------------------------------------------


def listings(session: Session, bureau_ids: set[int], period: Period) -> dict:
    """The register as it stands (by status, situation, sector) and its flows per month."""
    in_scope = RegisterEntry.bureau_id.in_(bureau_ids)
    statuses = Counter({s: 0 for s in LISTED_STATUSES})
    for status, count in session.execute(
        select(RegisterEntry.status, func.count()).where(in_scope).group_by(RegisterEntry.status)
    ):
        statuses[str(getattr(status, "value", status))] += count
    ever_listed = (in_scope, RegisterEntry.status.in_(LISTED_STATUSES))
    by_situation = [
        {"situation": s, "label": situation_label(s), "count": c}
        for s, c in session.execute(
            select(RegisterEntry.situation, func.count())
            .where(*ever_listed)
            .group_by(RegisterEntry.situation)
            .order_by(func.count().desc(), RegisterEntry.situation)
        )
    ]
    by_sector = [
        {"sector": s or "未填写", "count": c}
        for s, c in session.execute(
            select(RegisterEntry.sector, func.count())
            .where(*ever_listed)
            .group_by(RegisterEntry.sector)
            .order_by(func.count().desc(), RegisterEntry.sector)
        )
    ]
    months = {m: {"month": m, "listed": 0, "expired": 0, "removed_early": 0} for m in period.months()}
    flows = [
        ("listed", RegisterEntry.listed_on, LISTED_STATUSES),
        ("expired", RegisterEntry.removed_on, ("expired",)),
        ("removed_early", RegisterEntry.removed_on, ("removed_early",)),
    ]
    for field, column, statuses_in in flows:
        month = date_month(column)
        for month_value, count in session.execute(
            select(month, func.count())
            .where(
                in_scope, RegisterEntry.status.in_(statuses_in), column.between(period.since, period.until)
            )
            .group_by(month)
        ):
            if month_value in months:
                months[month_value][field] += count
    return {
        "status": [{"status": s, "label": STATUS_LABELS.get(s, s), "count": c} for s, c in statuses.items()],
        "by_situation": by_situation,
        "by_sector": by_sector,
        "by_month": list(months.values()),
    }


# --- follow-ups and inspections -----------------------------------------------


def follow_ups(session: Session, bureau_ids: set[int], period: Period, at: dt.datetime) -> dict:
    follow_up_steps = steps_of_kind(session, "follow_up")
    scope = (TaskItem.bureau_id.in_(bureau_ids), TaskItem.step.in_(follow_up_steps))
    done = (
        session.scalar(
            select(func.count())
            .select_from(TaskItem)
            .where(
                *scope,
                TaskItem.outcome == "completed",
                TaskItem.completed_at.between(period.start_utc, period.end_utc),
            )
        )
        or 0
    )
    open_rows = session.execute(
        select(func.count(), func.coalesce(func.sum(case((TaskItem.due_at < at, 1), else_=0)), 0)).where(
            *scope, TaskItem.completed_at.is_(None)
        )
    ).one()
    rebounds = sum(
        1
        for data in session.scalars(
            select(AuditEvent.data)
            .join(Case, Case.id == AuditEvent.case_id)
            .where(
                Case.bureau_id.in_(bureau_ids),
                AuditEvent.action == "complete",
                AuditEvent.step.in_(follow_up_steps),
                AuditEvent.at.between(period.start_utc, period.end_utc),
            )
        )
        if _truthy((data or {}).get("rebound"))
    )
    return {"done": done, "rebounds": rebounds, "open": int(open_rows[0]), "overdue": int(open_rows[1])}


def inspections(session: Session, bureau_ids: set[int], period: Period, at: dt.datetime) -> dict:
    """Inspections of listed subjects that fell due in the period (up to now): done, on time."""
    end = min(period.end_utc, at)
    done = TaskItem.outcome == "completed"
    due, finished, timely, overdue = session.execute(
        select(
            func.count(),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((and_(done, TaskItem.completed_at <= TaskItem.due_at), 1), else_=0)),
            func.sum(case((and_(TaskItem.completed_at.is_(None), TaskItem.due_at < at), 1), else_=0)),
        ).where(
            TaskItem.bureau_id.in_(bureau_ids),
            TaskItem.step.in_(steps_of_kind(session, "inspection")),
            TaskItem.due_at.between(period.start_utc, end),
        )
    ).one()
    return {
        "due": due or 0,
        "done": int(finished or 0),
        "done_on_time": int(timely or 0),
        "overdue_open": int(overdue or 0),
    }


def figures(
    session: Session, bureau_ids: set[int], period: Period, at: dt.datetime, overrides: cal.Overrides
) -> dict:
    by_step, by_bureau = on_time(session, bureau_ids, period, at, overrides)
    return {
        "period": {"since": period.since.isoformat(), "until": period.until.isoformat()},
        "on_time_by_step": by_step,
        "on_time_by_bureau": by_bureau,
        "repair_by_month": repair_by_month(session, bureau_ids, period),
        "listings": listings(session, bureau_ids, period),
        "follow_ups": follow_ups(session, bureau_ids, period, at),
        "inspections": inspections(session, bureau_ids, period, at),
        "joint_punishment": feedback_by_organisation(session, bureau_ids, period.since, period.until),
        "tips": tip_figures(session, bureau_ids, period.start_utc, period.end_utc),
    }


def parse_period(args, today: dt.date) -> tuple[Period, dict[str, str]]:
    """since/until (ISO dates) from query arguments; the last 12 months by default."""
    default = Period.last_months(today)
    errors: dict[str, str] = {}
    values = {}
    for name in ("since", "until"):
        raw = (args.get(name) or "").strip()
        try:
            values[name] = dt.date.fromisoformat(raw) if raw else getattr(default, name)
        except ValueError:
            errors[name] = "日期格式应为 YYYY-MM-DD"
            values[name] = getattr(default, name)
    if values["since"] > values["until"]:
        errors["since"] = "开始日期不能晚于结束日期"
        return default, errors
    if (values["until"] - values["since"]).days > 366 * 5:
        errors["since"] = "统计区间不能超过 5 年"
        return default, errors
    return Period(values["since"], values["until"]), errors
