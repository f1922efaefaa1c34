"""Dates a listing's forms take are checked against the case's own earlier dates, and a
period that closes at once still leaves its record (issue 12, lawful dates)."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from app.clock import today
from app.models import AuditEvent


def _to_notice(flow):
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    return cid


def _history(session, cid):
    return session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == cid).order_by(AuditEvent.at, AuditEvent.id)
    ).all()


def test_back_dated_notice_service_is_refused_naming_the_earlier_date(flow):
    """2026-10-01 lies before the penalty decision's case could even reach the notice:
    refused, naming the nearest earlier date of the case, and the window stays closed."""
    cid = _to_notice(flow)
    body = flow.complete(
        "officer", cid, "notice", {"served_on": "2025-10-01", "method": "direct"}, expect=422
    )
    made = today()
    assert body["errors"]["served_on"] == (
        f"“送达日期”不能早于拟列入告知书制作日期（{made.year}年{made.month}月{made.day}日）"
    )
    assert flow.task("officer", cid, "notice")  # nothing changed
    assert flow.pending_timer(cid, "statement_window_cutoff") is None


def test_decision_served_before_the_decision_is_refused(flow):
    cid = _to_notice(flow)
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    flow.complete("officer", cid, "statement_window", {"waived": True})
    flow.complete("leader", cid, "decision", {"outcome": "list", "reasons": "事实清楚"})
    before = (today() - dt.timedelta(days=3)).isoformat()
    body = flow.complete(
        "officer", cid, "service", {"served_on": before, "method": "direct", "recipient": "李某"}, expect=422
    )
    assert "不能早于列入决定日期" in body["errors"]["served_on"]


def test_inspection_date_must_lie_in_the_management_period(flow, session):
    cid = flow.until_published()
    facts = flow.task("verifier", cid, "inspection")
    before = (today() - dt.timedelta(days=1)).isoformat()
    body = flow.complete(
        "verifier", cid, "inspection", {"inspected_on": before, "findings": "正常"}, expect=422
    )
    assert "不能早于列入决定日期" in body["errors"]["inspected_on"]
    flow.complete("verifier", cid, "inspection", {"inspected_on": today().isoformat(), "findings": "正常"})
    assert facts


def test_statement_window_closing_at_once_is_recorded(flow, session):
    """Served days ago (after the penalty and the notice, entered late): the window is
    already over when it opens; the history still says when it began and that it ended."""
    month_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    with time_machine.travel(month_ago, tick=False):
        cid = _to_notice(flow)
    served = today() - dt.timedelta(days=20)
    flow.complete("officer", cid, "notice", {"served_on": served.isoformat(), "method": "direct"})
    assert flow.task("leader", cid, "decision")
    events = _history(session, cid)
    began = [e for e in events if e.action == "period_began" and e.step == "statement_window"]
    ended = [e for e in events if e.action == "timer_cutoff" and e.step == "statement_window"]
    assert len(began) == 1 and "陈述申辩期" in began[0].summary and "即时届满" in began[0].summary
    assert len(ended) == 1 and ended[0].summary == "陈述申辩期届满" and ended[0].data["at_once"]
    assert events.index(began[0]) < events.index(ended[0])


def test_statement_window_records_its_period_when_it_opens(flow, session):
    cid = _to_notice(flow)
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    began = [e for e in _history(session, cid) if e.action == "period_began"]
    assert len(began) == 1 and began[0].step == "statement_window"
    assert "届满" in began[0].summary and "即时" not in began[0].summary


def test_received_and_waived_together_are_refused(flow):
    cid = _to_notice(flow)
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    body = flow.complete(
        "officer",
        cid,
        "statement_window",
        {"statement_received": True, "waived": True, "statement": "不服"},
        expect=422,
    )
    assert body["errors"]["waived"] == "“已收到陈述、申辩”与“当事人书面放弃陈述、申辩”不能同时勾选"
    assert flow.task("officer", cid, "statement_window")
