"""The listing procedure end to end through the JSON API."""
from __future__ import annotations

from app.models import Document, EntryStatus
from sqlalchemy import select


def test_full_path_without_statement(flow, session):
    cid = flow.until_published()
    unit, person = flow.entries(cid)
    assert unit.status == EntryStatus.LISTED and unit.published
    assert person.id_number_masked == "110105********002X"
    kinds = [d.kind for d in session.scalars(select(Document).where(Document.case_id == cid).order_by(Document.id))]
    assert kinds.count("notice") == 2 and kinds.count("decision") == 2 and kinds.count("repair_notice") == 2
    assert "statement_review" not in kinds and kinds.count("service_receipt") == 2
    detail = flow.detail(cid)
    assert detail["status"] == "active"
    assert [t for t in detail["timers"] if t["element_id"] == "wait_inspection" and not t["fired_at"]]
