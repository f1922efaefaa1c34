"""Messages between the register's cases: a withdrawal, an early removal or a
restoration reaches the listing case the moment the register entry changes."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from app.clock import today
from app.models import Case, EntryStatus, MessageEvent, MessageSubscription, Notification, TaskItem, Timer
from tests.helpers import entry_named
from tests.register.test_listing_exceptions import grant_repair, start

MINUTE = dt.timedelta(minutes=1)


def withdraw(flow, entry_id):
    wid = start(
        flow,
        "withdrawal",
        {
            "listing_id": entry_id,
            "revoked_by": "reconsideration",
            "revocation_number": "示市政复决〔2026〕9号",
            "revoked_on": today().isoformat(),
            "revocation_summary": "复议机关撤销原处罚决定",
        },
    )["id"]
    flow.complete("leader", wid, "decision", {"outcome": "withdraw", "reasons": "处罚已被撤销"})
    return wid


def test_withdrawal_ends_the_listing_case_at_once(flow, session, api):
    cid = flow.until_published()
    unit, _ = flow.entries(cid)
    assert flow.task("verifier", cid, "inspection")
    deadline = flow.pending_timer(cid, "inspection_deadline")
    assert session.scalar(select(MessageSubscription).where(MessageSubscription.case_id == cid))

    wid = withdraw(flow, unit.id)

    case = session.get(Case, cid)
    session.refresh(case)
    assert case.status == "withdrawn" and case.ended_at is not None
    open_tasks = session.scalars(
        select(TaskItem).where(TaskItem.case_id == cid, TaskItem.completed_at.is_(None))
    )
    assert list(open_tasks) == []
    pending = session.scalars(
        select(Timer).where(Timer.case_id == cid, Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))
    )
    assert list(pending) == []
    assert session.scalar(select(MessageSubscription).where(MessageSubscription.case_id == cid)) is None
    sent = session.scalars(select(MessageEvent).where(MessageEvent.sender_case_id == wid)).all()
    assert [(m.message, m.delivered, m.receiver_case_ids) for m in sent] == [("名单记录已变更", True, [cid])]
    assert sent[0].correlation == {"register_entry_id": str(unit.id)}
    history = [e["action"] for e in flow.detail(cid)["history"]]
    assert "message_received" in history and history[-1] == "end"

    # the old inspection deadline passes: nothing fires, nobody is told of an overdue task
    flow.fire(deadline.due_at + MINUTE)
    assert session.scalar(select(Timer).where(Timer.case_id == cid, Timer.fired_at.is_not(None))) is None
    overdue = session.scalars(
        select(Notification).where(Notification.case_id == cid, Notification.kind == "overdue")
    )
    assert list(overdue) == []

    cases = api("officer")("GET", f"/api/cases?register_entry={unit.id}").get_json()["cases"]
    assert {(c["id"], c["process"], c["status"]) for c in cases} == {
        (cid, "listing", "withdrawn"),
        (wid, "withdrawal", "active"),
    }


def test_early_removal_adjusts_the_listing_case(flow, session):
    cid = flow.until_published()
    unit, person = flow.entries(cid)
    assert flow.task("verifier", cid, "inspection")
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400), tick=False):
        grant_repair(flow, unit)
    session.refresh(unit)
    assert unit.status == EntryStatus.REMOVED_EARLY
    # the management period restarted at once for the subject still listed
    case = session.get(Case, cid)
    session.refresh(case)
    assert case.status == "active"
    steps = session.scalars(
        select(TaskItem.outcome).where(TaskItem.case_id == cid, TaskItem.step == "inspection")
    )
    assert "cancelled" in list(steps)
    assert flow.task("verifier", cid, "inspection")  # a new round for 王某


def test_restoration_starts_the_management_period_by_message(flow, session):
    entry = entry_named(session, "示范化工有限公司")  # no listing case of its own
    grant_repair(flow, entry)
    vid = start(
        flow,
        "revocation",
        {
            "listing_id": entry.id,
            "grounds": "false_materials",
            "findings": "材料伪造",
            "evidence": ["鉴定意见"],
        },
    )["id"]
    flow.complete("legal", vid, "legal_review", {"outcome": "approve"})
    flow.complete("leader", vid, "decision", {"outcome": "revoke", "reasons": "提供虚假材料"})
    session.refresh(entry)
    managing = session.get(Case, entry.listing_case_id)
    assert managing.process_key == "listing" and managing.status == "active"
    assert managing.facts["started_by_message"] == "恢复列入" and managing.facts["origin"] == "restore"
    assert managing.register_entry_id == entry.id
    record = session.scalar(select(MessageEvent).where(MessageEvent.sender_case_id == vid))
    assert record.delivered and record.started_case_id == managing.id and record.receiver_case_ids == []
    assert flow.task("verifier", managing.id, "inspection")
    assert flow.pending_timer(managing.id, "period_end_timer") is not None


def test_a_message_nobody_waits_for_is_recorded(flow, session):
    entry = entry_named(session, "示范化工有限公司")  # listed, but no listing case waits for it
    rid = grant_repair(flow, entry)
    record = session.scalar(select(MessageEvent).where(MessageEvent.sender_case_id == rid))
    assert record.message == "名单记录已变更" and not record.delivered
    assert record.receiver_case_ids == [] and record.started_case_id is None
    assert record.correlation == {"register_entry_id": str(entry.id)} and "没有等待" in record.note
    history = [e["action"] for e in flow.detail(rid)["history"]]
    assert "message_undelivered" in history


def test_cases_about_an_entry_need_a_valid_visible_id(api):
    call = api("officer")
    assert call("GET", "/api/cases?register_entry=abc").status_code == 422
    assert call("GET", "/api/cases").status_code == 422
    assert call("GET", "/api/cases?register_entry=999999").status_code == 404
