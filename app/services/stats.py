"""Figures of the work, for the supervisors' charts, tables and /api/stats.

Read from the indexes only (task_item, timer, case rows, audit events, register
entries); nothing deserializes a workflow.  Every figure is limited to the bureaus
the reader sees, and flows (per month, finished tasks) to a period of local dates.

Which steps of the diagrams count as a supplement request, a follow-up or an
inspection is named once, in STEP_PREFIXES (matched as a prefix of the BPMN id).
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app import calendar as cal
from app.domain.situations import situation_label
from app.models import AuditEvent, Bureau, Case, EntryStatus, RegisterEntry, TaskItem
from app.services.supervision_calendar import WorkdayCounter
from app.services.supervision_scope import process_names

STEP_PREFIXES = {"supplement": "supplement", "follow_up": "follow_up", "inspection": "inspection"}
REPAIR = "repair"
REPAIR_OUTCOMES = ("rejected", "refused", "lapsed")
LISTED_STATUSES = ("listed", "expired", "removed_early", "restored")
STATUS_LABELS = {"restored": "已恢复列入", **{s.value: s.label for s in EntryStatus}}


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


def _month(moment: dt.datetime | dt.date) -> str:
    day = cal.local_date(moment) if isinstance(moment, dt.datetime) else moment
    return f"{day:%Y-%m}"


def _rate(on_time: int, counted: int) -> float | None:
    return round(on_time / counted, 4) if counted else None


def _truthy(value) -> bool:
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


# --- on-time rates and durations ---------------------------------------------

def on_time(session: Session, bureau_ids: set[int], period: Period, at: dt.datetime,
            overrides: cal.Overrides) -> tuple[list[dict], list[dict]]:
    """Per step and per bureau: tasks finished in the period, how many by their due
    time, tasks still open past it (they count as late), median working days taken."""
    finished = session.execute(
        select(Case.process_key, TaskItem.step, TaskItem.name, TaskItem.bureau_id, TaskItem.created_at,
               TaskItem.completed_at, TaskItem.due_at)
        .join(Case, Case.id == TaskItem.case_id)
        .where(TaskItem.bureau_id.in_(bureau_ids), TaskItem.outcome == "completed",
               TaskItem.completed_at >= period.start_utc, TaskItem.completed_at <= period.end_utc)).all()
    late_open = session.execute(
        select(Case.process_key, TaskItem.step, TaskItem.name, TaskItem.bureau_id, func.count())
        .join(Case, Case.id == TaskItem.case_id)
        .where(TaskItem.bureau_id.in_(bureau_ids), TaskItem.completed_at.is_(None), TaskItem.due_at < at)
        .group_by(Case.process_key, TaskItem.step, TaskItem.name, TaskItem.bureau_id)).all()
    first = min([cal.local_date(r.created_at) for r in finished], default=period.since)
    counter = WorkdayCounter(min(first, period.since), max(period.until, cal.local_date(at)), overrides)
    steps: dict[tuple[str, str], dict] = {}
    bureaus: dict[int, dict] = {}

    def bucket(table: dict, key, **init) -> dict:
        return table.setdefault(key, {**init, "finished": 0, "with_due": 0, "on_time": 0, "late_open": 0,
                                      "days": []})
    for r in finished:
        for row in (bucket(steps, (r.process_key, r.step), process=r.process_key, step=r.step, name=r.name),
                    bucket(bureaus, r.bureau_id, bureau_id=r.bureau_id)):
            row["finished"] += 1
            if r.due_at is not None:
                row["with_due"] += 1
                row["on_time"] += r.completed_at <= r.due_at
        steps[(r.process_key, r.step)]["days"].append(
            counter.between(cal.local_date(r.created_at), cal.local_date(r.completed_at)))
    for process, step, name, bureau_id, count in late_open:
        bucket(steps, (process, step), process=process, step=step, name=name)["late_open"] += count
        bucket(bureaus, bureau_id, bureau_id=bureau_id)["late_open"] += count
    names = process_names(session)
    bureau_names = dict(session.execute(select(Bureau.id, Bureau.name).where(Bureau.id.in_(bureaus))).all()) \
        if bureaus else {}
    by_step = []
    for row in sorted(steps.values(), key=lambda r: (r["process"], r["step"])):
        days = row.pop("days")
        row.update(process_name=names.get(row["process"], row["process"]),
                   rate=_rate(row["on_time"], row["with_due"] + row["late_open"]),
                   median_working_days=statistics.median(days) if days else None)
        by_step.append(row)
    by_bureau = []
    for row in sorted(bureaus.values(), key=lambda r: r["bureau_id"]):
        row.pop("days")
        row.update(bureau=bureau_names.get(row["bureau_id"], ""),
                   rate=_rate(row["on_time"], row["with_due"] + row["late_open"]))
        by_bureau.append(row)
    return by_step, by_bureau


# --- repair applications ------------------------------------------------------

def repair_by_month(session: Session, bureau_ids: set[int], period: Period) -> list[dict]:
    """Received, returned for supplement, not accepted, refused, granted, lapsed."""
    months = {m: {"month": m, "received": 0, "supplement": 0, "rejected": 0, "refused": 0,
                  "granted": 0, "lapsed": 0} for m in period.months()}
    repair = (Case.process_key == REPAIR, Case.bureau_id.in_(bureau_ids))

    def add(field: str, moments) -> None:
        for moment in moments:
            row = months.get(_month(moment))
            if row is not None:
                row[field] += 1
    add("received", session.scalars(select(Case.created_at).where(
        *repair, Case.created_at.between(period.start_utc, period.end_utc))))
    add("supplement", session.scalars(select(TaskItem.created_at).join(Case, Case.id == TaskItem.case_id).where(
        *repair, TaskItem.step.startswith(STEP_PREFIXES["supplement"]),
        TaskItem.created_at.between(period.start_utc, period.end_utc))))
    for status, ended_at in session.execute(select(Case.status, Case.ended_at).where(
            *repair, Case.status.in_(REPAIR_OUTCOMES), Case.ended_at.between(period.start_utc, period.end_utc))):
        add(status, [ended_at])
    # A grant ends the case only after the follow-up: count the removal itself.
    add("granted", session.scalars(select(AuditEvent.at).join(Case, Case.id == AuditEvent.case_id).where(
        *repair, AuditEvent.action == "register_removed_early",
        AuditEvent.at.between(period.start_utc, period.end_utc))))
    return list(months.values())


# --- the register ---------------------------------------------------------------

def listings(session: Session, bureau_ids: set[int], period: Period) -> dict:
    """The register as it stands (by status, situation, sector) and its flows per month."""
    in_scope = RegisterEntry.bureau_id.in_(bureau_ids)
    statuses = Counter({s: 0 for s in LISTED_STATUSES})
    for status, count in session.execute(select(RegisterEntry.status, func.count())
                                         .where(in_scope).group_by(RegisterEntry.status)):
        statuses[str(getattr(status, "value", status))] += count
    ever_listed = (in_scope, RegisterEntry.status.in_(LISTED_STATUSES))
    by_situation = [{"situation": s, "label": situation_label(s), "count": c} for s, c in session.execute(
        select(RegisterEntry.situation, func.count()).where(*ever_listed)
        .group_by(RegisterEntry.situation).order_by(func.count().desc(), RegisterEntry.situation))]
    by_sector = [{"sector": s or "未填写", "count": c} for s, c in session.execute(
        select(RegisterEntry.sector, func.count()).where(*ever_listed)
        .group_by(RegisterEntry.sector).order_by(func.count().desc(), RegisterEntry.sector))]
    months = {m: {"month": m, "listed": 0, "expired": 0, "removed_early": 0} for m in period.months()}
    for listed_on, removed_on, status in session.execute(
            select(RegisterEntry.listed_on, RegisterEntry.removed_on, RegisterEntry.status).where(
                in_scope, RegisterEntry.listed_on.is_not(None))):
        status = str(getattr(status, "value", status))
        if status in LISTED_STATUSES and period.since <= listed_on <= period.until:
            months[_month(listed_on)]["listed"] += 1
        if removed_on and status in ("expired", "removed_early") and period.since <= removed_on <= period.until:
            months[_month(removed_on)][status] += 1
    return {"status": [{"status": s, "label": STATUS_LABELS.get(s, s), "count": c} for s, c in statuses.items()],
            "by_situation": by_situation, "by_sector": by_sector, "by_month": list(months.values())}


# --- follow-ups and inspections -----------------------------------------------

def follow_ups(session: Session, bureau_ids: set[int], period: Period, at: dt.datetime) -> dict:
    prefix = STEP_PREFIXES["follow_up"]
    scope = (TaskItem.bureau_id.in_(bureau_ids), TaskItem.step.startswith(prefix))
    done = session.scalar(select(func.count()).select_from(TaskItem).where(
        *scope, TaskItem.outcome == "completed",
        TaskItem.completed_at.between(period.start_utc, period.end_utc))) or 0
    open_rows = session.execute(select(func.count(), func.coalesce(func.sum(
        case((TaskItem.due_at < at, 1), else_=0)), 0)).where(*scope, TaskItem.completed_at.is_(None))).one()
    rebounds = sum(1 for data in session.scalars(
        select(AuditEvent.data).join(Case, Case.id == AuditEvent.case_id).where(
            Case.bureau_id.in_(bureau_ids), AuditEvent.action == "complete", AuditEvent.step.startswith(prefix),
            AuditEvent.at.between(period.start_utc, period.end_utc)))
        if _truthy((data or {}).get("rebound")))
    return {"done": done, "rebounds": rebounds, "open": int(open_rows[0]), "overdue": int(open_rows[1])}


def inspections(session: Session, bureau_ids: set[int], period: Period, at: dt.datetime) -> dict:
    """Inspections of listed subjects that fell due in the period (up to now): done, on time."""
    end = min(period.end_utc, at)
    rows = session.execute(select(TaskItem.completed_at, TaskItem.due_at, TaskItem.outcome).where(
        TaskItem.bureau_id.in_(bureau_ids), TaskItem.step.startswith(STEP_PREFIXES["inspection"]),
        TaskItem.due_at.between(period.start_utc, end))).all()
    done = [r for r in rows if r.outcome == "completed"]
    return {"due": len(rows), "done": len(done),
            "done_on_time": sum(1 for r in done if r.completed_at <= r.due_at),
            "overdue_open": sum(1 for r in rows if r.completed_at is None and r.due_at < at)}


def figures(session: Session, bureau_ids: set[int], period: Period, at: dt.datetime,
            overrides: cal.Overrides) -> dict:
    by_step, by_bureau = on_time(session, bureau_ids, period, at, overrides)
    return {"period": {"since": period.since.isoformat(), "until": period.until.isoformat()},
            "on_time_by_step": by_step, "on_time_by_bureau": by_bureau,
            "repair_by_month": repair_by_month(session, bureau_ids, period),
            "listings": listings(session, bureau_ids, period),
            "follow_ups": follow_ups(session, bureau_ids, period, at),
            "inspections": inspections(session, bureau_ids, period, at)}



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
