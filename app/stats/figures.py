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

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.calendar import workdays as cal
from app.domain.situations import situation_label
from app.models import AuditEvent, Case, EntryStatus, RegisterEntry, TaskItem
from app.partners.feedback import feedback_by_organisation
from app.stats.on_time import on_time
from app.stats.period import Period
from app.stats.sql import date_month, local_month
from app.supervision.scope import steps_of_kind
from app.tips.figures import tip_figures

REPAIR = "repair"
REPAIR_OUTCOMES = ("rejected", "refused", "lapsed")
LISTED_STATUSES = ("listed", "expired", "removed_early", "restored")
STATUS_LABELS = {s.value: s.label for s in EntryStatus}


def _truthy(value) -> bool:
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


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
