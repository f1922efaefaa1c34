"""The register's exceptional paths: withdrawal after a revoked penalty, restoration
after a revoked early removal (with the repair flow), and a suspended repair result."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from app.calendar import workdays as cal
from app.clock import today
from app.models import Case, Document, EntryStatus
from tests.helpers import entry_named, repair_data

MINUTE = dt.timedelta(minutes=1)


def public_names(flow):
    return {e["subject_name"] for e in flow.api("officer")("GET", "/api/register").get_json()["entries"]}


def start(flow, process, data, user="officer", expect=201):
    response = flow.api(user)("POST", "/api/cases", {"process": process, "data": data})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def grant_repair(flow, entry):
    case = start(flow, "repair", repair_data(entry.id), user="clerk")
    cid = case["id"]
    flow.complete("clerk", cid, "acceptance_review", {"outcome": "accept"})
    flow.complete("verifier", cid, "verification", {"findings": "整改到位"})
    flow.complete("leader", cid, "decision", {"outcome": "grant"})
    flow.complete("publisher", cid, "publication", {"served": True})
    return cid


def test_withdrawal_after_revoked_penalty(flow, session):
    cid = flow.until_published()
    unit, person = flow.entries(cid)
    assert {"北辰化工有限公司", "王某"} <= public_names(flow)
    body = start(
        flow,
        "withdrawal",
        {
            "listing_id": unit.id,
            "revoked_by": "reconsideration",
            "revocation_number": "示市政复决〔2026〕8号",
            "revoked_on": "2099-01-01",
            "revocation_summary": "撤销原处罚决定",
        },
        expect=422,
    )
    assert "revoked_on" in body["errors"]
    wid = start(
        flow,
        "withdrawal",
        {
            "listing_id": unit.id,
            "revoked_by": "reconsideration",
            "revocation_number": "示市政复决〔2026〕8号",
            "revoked_on": today().isoformat(),
            "revocation_summary": "复议机关撤销原处罚决定",
        },
    )["id"]
    assert wid != cid
    flow.complete(
        "leader", wid, "decision", {"outcome": "withdraw", "reasons": "列入所依据的行政处罚已被撤销"}
    )
    for entry in flow.entries(cid):
        assert entry.status == EntryStatus.WITHDRAWN and not entry.published and entry.penalty_revoked
    assert not {"北辰化工有限公司", "王某"} & public_names(flow)
    docs = session.scalars(
        select(Document).where(Document.case_id == wid, Document.kind == "withdrawal")
    ).all()
    assert len(docs) == 2 and all(d.number.startswith("示市应急撤列〔") for d in docs)
    early = (today() - dt.timedelta(days=3)).isoformat()  # before the decision it serves
    refused = flow.complete(
        "officer",
        wid,
        "service",
        {"served_on": early, "method": "mail", "recipient": "北辰化工有限公司"},
        expect=422,
    )
    assert "不能早于" in refused["errors"]["served_on"]
    flow.complete(
        "officer",
        wid,
        "service",
        {"served_on": today().isoformat(), "method": "mail", "recipient": "北辰化工有限公司"},
    )
    assert flow.detail(wid)["status"] == "withdrawn"
    # a withdrawn listing cannot be withdrawn twice
    body = start(
        flow,
        "withdrawal",
        {
            "listing_id": unit.id,
            "revoked_by": "litigation",
            "revocation_number": "x",
            "revoked_on": today().isoformat(),
            "revocation_summary": "x",
        },
        expect=422,
    )
    assert "listing_id" in body["errors"]
    # the withdrawal's message ended the listing case at once: no inspection, no timer left
    assert flow.detail(cid)["status"] == "withdrawn"
    assert flow.pending_timer(cid, "period_end_timer") is None


def test_restoration_after_revoked_early_removal(flow, session, app):
    entry = entry_named(session, "示范化工有限公司")  # listed 30 months ago, no listing case (pre-existing)
    original_end = entry.expires_on
    rid = grant_repair(flow, entry)
    session.refresh(entry)
    assert entry.status == EntryStatus.REMOVED_EARLY and "示范化工有限公司" not in public_names(flow)
    removed_on = entry.removed_on
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        vid = start(
            flow,
            "revocation",
            {
                "listing_id": entry.id,
                "grounds": "false_materials",
                "findings": "整改报告系伪造",
                "evidence": ["鉴定意见"],
            },
        )["id"]
        flow.complete("legal", vid, "legal_review", {"outcome": "approve"})
        flow.complete("leader", vid, "decision", {"outcome": "revoke", "reasons": "提供虚假材料"})
        session.refresh(entry)
        restored_on = cal.local_date(later)
        assert entry.status == EntryStatus.RESTORED and entry.published and entry.measures_active
        assert entry.expires_on == restored_on + (original_end - removed_on)  # time served is kept
        assert "示范化工有限公司" in public_names(flow)
        doc = session.scalar(select(Document).where(Document.case_id == vid, Document.kind == "revocation"))
        assert doc.number.startswith("示市应急撤移〔") and "提供虚假材料" in doc.fields["grounds"]
        before = (restored_on - dt.timedelta(days=1)).isoformat()
        refused = flow.complete(
            "officer",
            vid,
            "service",
            {"served_on": before, "method": "direct", "recipient": "示范化工有限公司"},
            expect=422,
        )
        assert "撤销提前移出决定作出日期" in refused["errors"]["served_on"]
        flow.complete(
            "officer",
            vid,
            "service",
            {"served_on": restored_on.isoformat(), "method": "direct", "recipient": "示范化工有限公司"},
        )
    assert flow.detail(vid)["status"] == "revoked"
    # a listing case now runs the remaining management period: inspections, then expiry
    managing = session.get(Case, entry.listing_case_id)
    assert managing.process_key == "listing" and managing.facts["origin"] == "restore"
    assert flow.task("verifier", managing.id, "inspection")
    end = flow.pending_timer(managing.id, "period_end_timer")
    assert cal.local_date(end.due_at) == entry.expires_on
    flow.fire(end.due_at + MINUTE)
    session.refresh(entry)
    assert entry.status == EntryStatus.EXPIRED and "示范化工有限公司" not in public_names(flow)
    assert flow.detail(rid)["status"] == "active"  # the repair case still waits for its follow-up


def test_restoration_can_restart_the_full_period(flow, session, app):
    app.config["REVOKED_REMOVAL_KEEPS_SERVED_TIME"] = False
    try:
        entry = entry_named(session, "东港建筑工程有限公司")
        grant_repair(flow, entry)
        vid = start(
            flow,
            "revocation",
            {
                "listing_id": entry.id,
                "grounds": "hidden_facts",
                "findings": "隐瞒新发生的事故",
                "evidence": ["事故报告"],
            },
        )["id"]
        flow.complete("legal", vid, "legal_review", {"outcome": "approve"})
        flow.complete("leader", vid, "decision", {"outcome": "revoke", "reasons": "隐瞒有关情况"})
        session.refresh(entry)
        assert entry.expires_on == cal.add_months(entry.restored_on, 36)
    finally:
        app.config["REVOKED_REMOVAL_KEEPS_SERVED_TIME"] = True


def test_rebound_suspends_repair_result_until_rectified(flow, session):
    entry = entry_named(session, "安泰安全评价中心")
    rid = grant_repair(flow, entry)
    wait = flow.pending_timer(rid, "wait_follow_up")
    at = wait.due_at + MINUTE
    flow.fire(at)
    with time_machine.travel(at, tick=False):
        flow.complete("verifier", rid, "follow_up", {"rebound": True, "notes": "回访发现重大隐患反弹"})
        body = flow.complete(
            "officer", rid, "rebound_measures", {"suspend": True, "decision_note": "中止"}, expect=422
        )
        assert "order" in body["errors"]
        flow.complete(
            "officer",
            rid,
            "rebound_measures",
            {
                "suspend": True,
                "order": "立即停产整改",
                "rectify_days": 15,
                "decision_note": "中止修复结果并责令整改",
            },
        )
        session.refresh(entry)
        assert entry.status == EntryStatus.SUSPENDED and entry.published and entry.measures_active
        assert "安泰安全评价中心" in public_names(flow)
        assert session.scalar(select(Document).where(Document.case_id == rid, Document.kind == "suspension"))
        task = flow.task("verifier", rid, "rectification_check")
        assert (
            cal.local_date(dt.datetime.fromisoformat(task["due_at"]))
            == cal.add_working_days(cal.local_date(at), 20).date
        )
        flow.complete("verifier", rid, "rectification_check", {"rectified": True, "check_notes": "整改到位"})
    session.refresh(entry)
    assert entry.status == EntryStatus.REMOVED_EARLY and not entry.published
    assert flow.detail(rid)["status"] == "granted"


def test_rebound_not_rectified_keeps_the_subject_listed(flow, session):
    entry = entry_named(session, "明远矿业有限公司")
    entry.listed_on = cal.add_months(entry.listed_on, -12)  # make it eligible
    rid = grant_repair(flow, entry)
    at = flow.pending_timer(rid, "wait_follow_up").due_at + MINUTE
    flow.fire(at)
    with time_machine.travel(at, tick=False):
        flow.complete("verifier", rid, "follow_up", {"rebound": True, "notes": "隐患反弹"})
        flow.complete(
            "officer",
            rid,
            "rebound_measures",
            {"suspend": True, "order": "整改", "rectify_days": 10, "decision_note": "中止"},
        )
        flow.complete("verifier", rid, "rectification_check", {"rectified": False, "check_notes": "未整改"})
    assert flow.detail(rid)["status"] == "suspended"
    session.refresh(entry)
    assert entry.status == EntryStatus.SUSPENDED and entry.published
    assert session.get(Case, entry.listing_case_id).status == "active"  # managed until it expires
    assert "明远矿业有限公司" in public_names(flow)  # still on the public register
