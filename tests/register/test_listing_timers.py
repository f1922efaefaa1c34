"""Deadlines and the management period of the listing procedure, with time moved."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from app.calendar import workdays as cal
from app.clock import today
from app.models import AuditEvent, Document, EntryStatus, Notification, TaskItem

MINUTE = dt.timedelta(minutes=1)


def test_statement_window_closes_by_itself(flow):
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    cutoff = flow.pending_timer(cid, "statement_window_cutoff")
    served = today()
    assert cal.local_date(cutoff.due_at) == cal.add_working_days(served, 5).date
    assert flow.fire(cutoff.due_at - MINUTE) == 1  # the warning (a working day earlier), not the cutoff
    flow.task("officer", cid, "statement_window")
    assert flow.fire(cutoff.due_at + MINUTE) == 1  # the cutoff
    assert flow.task("leader", cid, "decision")
    assert not [t for t in flow.detail(cid)["tasks"] if t["step"] == "statement_window"]


def _to_publication(flow):
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    flow.complete("officer", cid, "statement_window", {"waived": True})
    flow.complete("leader", cid, "decision", {"outcome": "list", "reasons": "事实清楚"})
    flow.complete(
        "officer",
        cid,
        "service",
        {"served_on": today().isoformat(), "method": "direct", "recipient": "李某"},
    )
    return cid


def test_publication_on_time_is_not_escalated(flow, session):
    cid = _to_publication(flow)
    task = flow.task("publisher", cid, "publication")
    due = dt.datetime.fromisoformat(task["due_at"])
    assert cal.local_date(due) == cal.add_working_days(today(), 7).date
    flow.complete("publisher", cid, "publication", {})
    assert flow.fire(due + MINUTE) == 0  # completing the task cancelled its timers
    assert not session.scalar(
        select(TaskItem).where(TaskItem.case_id == cid, TaskItem.escalated_at.is_not(None))
    )
    register = flow.api("officer")("GET", "/api/register").get_json()["entries"]
    assert {"北辰化工有限公司", "王某"} <= {e["subject_name"] for e in register}


def test_late_publication_escalates_to_supervisor(flow, session):
    cid = _to_publication(flow)
    warning = flow.pending_timer(cid, "publication_warning")
    deadline = flow.pending_timer(cid, "publication_deadline")
    assert warning.due_at < deadline.due_at
    flow.fire(deadline.due_at + MINUTE)
    item = session.scalar(select(TaskItem).where(TaskItem.case_id == cid, TaskItem.step == "publication"))
    session.refresh(item)
    assert item.escalated_at is not None and item.completed_at is None
    notes = session.scalars(select(Notification).where(Notification.case_id == cid)).all()
    assert {"overdue", "due_soon"} <= {n.kind for n in notes}
    assert any(n.role == "supervisor" for n in notes)
    # still not public until the publisher acts
    assert not any(e.published for e in flow.entries(cid))
    with time_machine.travel(deadline.due_at + 2 * MINUTE, tick=False):
        flow.complete("publisher", cid, "publication", {})
    assert all(e.published for e in flow.entries(cid))


def test_management_period_inspections_eligibility_and_expiry(flow, session):
    cid = flow.until_published()
    unit = flow.entries(cid)[0]
    assert unit.expires_on == cal.add_months(unit.listed_on, 36)
    assert unit.eligible_on == cal.add_months(unit.listed_on, 12)
    inspections = 0
    moment = dt.datetime.now(dt.timezone.utc)
    while True:
        task = session.scalar(
            select(TaskItem).where(
                TaskItem.case_id == cid, TaskItem.step == "inspection", TaskItem.completed_at.is_(None)
            )
        )
        if task is not None:
            assert task.role == "verifier"
            with time_machine.travel(moment, tick=False):
                flow.complete(
                    "verifier",
                    cid,
                    "inspection",
                    {"inspected_on": cal.local_date(moment).isoformat(), "findings": "未发现新的隐患"},
                )
            inspections += 1
        timer = flow.pending_timer(cid, "wait_inspection")
        end = flow.pending_timer(cid, "period_end_timer")
        assert end is not None
        if timer is None or timer.due_at >= end.due_at:
            break
        moment = timer.due_at + MINUTE
        flow.fire(moment)
    assert inspections == 6  # 2 a year over 3 years
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == cid, AuditEvent.action == "repair_eligible")
    )
    assert flow.detail(cid)["status"] == "active"
    flow.fire(end.due_at + MINUTE)
    assert flow.detail(cid)["status"] == "expired"
    for entry in flow.entries(cid):
        assert entry.status == EntryStatus.EXPIRED and not entry.published and not entry.measures_active
        assert entry.removed_on == entry.expires_on + dt.timedelta(days=1)
    assert session.scalar(select(Document).where(Document.case_id == cid, Document.kind == "expiry"))
    register = flow.api("officer")("GET", "/api/register").get_json()["entries"]
    assert "北辰化工有限公司" not in {e["subject_name"] for e in register}
    assert not session.scalar(
        select(TaskItem).where(TaskItem.case_id == cid, TaskItem.completed_at.is_(None))
    )
