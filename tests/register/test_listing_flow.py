"""The listing procedure end to end through the JSON API."""

from __future__ import annotations

from sqlalchemy import select

from app.clock import today
from app.models import Document, EntryStatus

TODAY = today().isoformat()


def test_full_path_without_statement(flow, session):
    cid = flow.until_published()
    unit, person = flow.entries(cid)
    assert unit.status == EntryStatus.LISTED and unit.published
    assert person.id_number_masked == "110105********002X"
    kinds = [
        d.kind for d in session.scalars(select(Document).where(Document.case_id == cid).order_by(Document.id))
    ]
    assert kinds.count("notice") == 2 and kinds.count("decision") == 2 and kinds.count("repair_notice") == 2
    assert "statement_review" not in kinds and kinds.count("service_receipt") == 2
    detail = flow.detail(cid)
    assert detail["status"] == "active"
    assert [t for t in detail["timers"] if t["element_id"] == "period_end_timer" and not t["fired_at"]]
    assert flow.task("verifier", cid, "inspection")  # the first inspection right after listing


def test_full_path_with_statement_reviewed_point_by_point(flow, session):
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "return"}, expect=422)
    flow.complete("legal", cid, "legal_review", {"outcome": "return", "comments": "请补充事故调查报告认定"})
    flow.complete(
        "officer",
        cid,
        "revise",
        {"revised_facts": "经事故调查报告认定，企业谎报死亡人数。", "revision_note": "已补充调查报告认定"},
    )
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": "2099-01-01", "method": "direct"}, expect=422)
    flow.complete("officer", cid, "notice", {"served_on": TODAY, "method": "mail"})
    # before the window closes, the officer cannot skip it without a statement or a waiver
    body = flow.complete("officer", cid, "statement_window", {}, expect=422)
    assert "statement_received" in body["errors"]
    flow.complete(
        "officer",
        cid,
        "statement_window",
        {"statement_received": True, "statement": "不存在谎报", "statement_points": ["不存在谎报", "已整改"]},
    )
    body = flow.complete(
        "officer", cid, "statement_review", {"point_findings": ["不采纳"], "review_opinion": "x"}, expect=422
    )
    assert "point_findings" in body["errors"]
    body = flow.complete(
        "officer",
        cid,
        "statement_review",
        {
            "point_findings": ["不采纳", "采纳"],
            "review_opinion": "部分采纳",
            "measures_after_review": ["key_inspection", "occupational_ban"],
        },
        expect=422,
    )
    assert body["errors"]["measures_after_review"] == "复核后只能减少管理措施，不能因陈述申辩加重"
    flow.complete(
        "officer",
        cid,
        "statement_review",
        {
            "point_findings": ["不采纳：调查报告认定", "采纳：整改属实"],
            "adopted": True,
            "review_opinion": "部分采纳",
            "measures_after_review": ["key_inspection"],
        },
    )
    flow.complete("leader", cid, "decision", {"outcome": "list", "reasons": "事实清楚"})
    unit = flow.entries(cid)[0]
    assert unit.status == EntryStatus.LISTED and not unit.published
    assert unit.measures == ["key_inspection"] and "调查报告" in unit.facts
    review = session.scalar(
        select(Document).where(Document.case_id == cid, Document.kind == "statement_review")
    )
    assert "不采纳：调查报告认定" in review.fields["findings"]


def test_decision_to_drop_ends_the_case(flow):
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": TODAY, "method": "direct"})
    flow.complete("officer", cid, "statement_window", {"waived": True})
    flow.complete("leader", cid, "decision", {"outcome": "drop", "reasons": "情节不属严重"})
    assert flow.detail(cid)["status"] == "dropped"
    assert {e.status for e in flow.entries(cid)} == {EntryStatus.DROPPED}
