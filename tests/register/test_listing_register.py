"""The public register page and feeds show exactly the published entries; documents
print and download; the officers' pages work."""

from __future__ import annotations

import csv
import io
import re

from docx import Document as WordDocument
from sqlalchemy import select

from app.models import Document, EntryStatus, RegisterEntry
from app.register.queries import published_entries
from tests.register.conftest import UNIT_CODE


def published_names(session):
    return {e.subject_name for e in published_entries(session)}


def test_public_page_and_feeds_show_exactly_the_published_entries(flow, client, session):
    cid = flow.start()["id"]  # proposed: not public
    expired = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "明远矿业有限公司"))
    expired.status, expired.published = EntryStatus.EXPIRED, False
    session.flush()
    expected = published_names(session)
    assert "北辰化工有限公司" not in expected and "明远矿业有限公司" not in expected and len(expected) >= 5

    page = client.get("/public/register").get_data(as_text=True)
    rows = re.findall(r"<tr><td><a href=\"[^\"]*\">([^<]+)</a></td>", page)
    assert set(rows) == expected
    assert "示范市应急管理局" in page and "第五条" in page

    feed = client.get("/api/register.json")
    assert feed.status_code == 200 and "attachment" in feed.headers["Content-Disposition"]
    assert {e["subject_name"] for e in feed.get_json()["entries"]} == expected
    listed = client.get("/api/register").get_json()["entries"]
    assert {e["subject_name"] for e in listed} == expected

    text = client.get("/api/register.csv").get_data(as_text=True)
    assert text.startswith("\ufeff")
    records = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["主体名称"] for r in records} == expected
    assert all(r["作出决定机关"] and r["列入情形"] and r["管理措施"] for r in records)

    search = client.get("/public/register?q=东港").get_data(as_text=True)
    assert set(re.findall(r"<tr><td><a href=\"[^\"]*\">([^<]+)</a></td>", search)) == {"东港建筑工程有限公司"}
    assert cid


def test_check_one_subject_for_joint_punishment(client, session):
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "东港建筑工程有限公司"))
    body = client.get(f"/api/register/{entry.credit_code.lower()}").get_json()
    assert body["listed"] is True and body["entries"][0]["subject_name"] == "东港建筑工程有限公司"
    assert {"code": "no_honours", "label": "不得参加评先评优，不授予荣誉"} in body["entries"][0]["measures"]
    body = client.get(f"/api/register/{UNIT_CODE}").get_json()
    assert body == {**body, "listed": False, "entries": []}
    response = client.get("/api/register/91330100MA2A00011")
    assert response.status_code == 422 and "credit_code" in response.get_json()["errors"]
    entry.status, entry.published = EntryStatus.REMOVED_EARLY, False
    session.flush()
    assert client.get(f"/api/register/{entry.credit_code}").get_json()["listed"] is False


def test_documents_are_numbered_printable_and_downloadable(flow, session, login):
    cid = flow.until_published()
    docs = session.scalars(select(Document).where(Document.case_id == cid).order_by(Document.id)).all()
    numbers = [d.number for d in docs]
    assert len(numbers) == len(set(numbers))
    decisions = [d for d in docs if d.kind == "decision"]
    assert all(re.fullmatch(r"示市应急失信决〔\d{4}〕\d+号", d.number) for d in decisions)
    assert decisions[1].sequence == decisions[0].sequence + 1
    decision = decisions[0]
    for key in (
        "subject_name",
        "subject_code",
        "penalty_number",
        "facts",
        "situation",
        "legal_ground",
        "measures",
        "period",
        "removal",
        "remedies",
    ):
        assert decision.fields.get(key), key
    assert "六十日" in decision.fields["remedies"] and "十二个月" in decision.fields["removal"]
    repair_notice = next(d for d in docs if d.kind == "repair_notice" and d.entry_id == decision.entry_id)
    assert repair_notice.fields["decision_number"] == decision.number  # 两书同达

    client = login("officer")
    page = client.get(f"/documents/{decision.id}").get_data(as_text=True)
    assert (
        decision.number in page and "列入安全生产严重失信主体名单决定书" in page and "documents.css" in page
    )
    response = client.get(f"/documents/{decision.id}.docx")
    assert response.status_code == 200 and "wordprocessingml" in response.mimetype
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(response.data)).paragraphs)
    assert decision.number in text and "管理期限" in text
    assert client.get(f"/cases/{cid}/documents").status_code == 200
    entry = session.get(RegisterEntry, decision.entry_id)
    page = client.get(f"/register/{entry.id}").get_data(as_text=True)
    assert decision.number in page and "撤销列入" in page
    # the county cannot read the city's documents
    assert login("county_officer").get(f"/documents/{decision.id}").status_code == 404


def test_new_listing_page(login, session):
    client = login("officer")
    assert "发起列入" in client.get("/").get_data(as_text=True)
    page = client.get("/listing/new").get_data(as_text=True)
    assert "瞒报、谎报生产安全事故（第11号令第五条第（四）项）" in page
    form = {
        "penalty_number": "示市应急罚〔2026〕300号",
        "penalty_date": "2026-02-01",
        "penalty_amount": "200000",
        "situation": "VIO_NO_LICENCE",
        "measures": ["key_inspection", "permit_review"],
        "facts": "无证生产",
        "sector": "机械",
        "subject_kind_0": "unit",
        "subject_name_0": "无证加工厂",
        "subject_code_0": UNIT_CODE[:17] + ("0" if UNIT_CODE[17] != "0" else "1"),
        "subject_role_0": "unit",
    }
    page = client.post("/listing/new", data=form).get_data(as_text=True)
    assert "校验位不正确" in page and "无证加工厂" in page
    form["subject_code_0"] = UNIT_CODE
    response = client.post("/listing/new", data=form)
    assert response.status_code == 302 and "/cases/" in response.headers["Location"]
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "无证加工厂"))
    assert entry.status == EntryStatus.PROPOSED and entry.measures == ["key_inspection", "permit_review"]
    assert login("clerk").get("/listing/new").status_code == 403
    assert "无证加工厂" in login("officer").get("/register?status=proposed").get_data(as_text=True)


def test_withdrawal_page_from_an_entry(login, session):
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "新城烟花爆竹经营部"))
    client = login("officer")
    page = client.get(f"/register/{entry.id}/withdrawal").get_data(as_text=True)
    assert "复议决定书" in page
    response = client.post(
        f"/register/{entry.id}/withdrawal",
        data={
            "revoked_by": "litigation",
            "revocation_number": "（2026）示行初12号",
            "revoked_on": "2026-03-01",
            "revocation_summary": "法院判决撤销处罚",
        },
    )
    assert response.status_code == 302
    assert (
        login("leader").get("/").get_data(as_text=True).count(">决定是否撤销列入</a>") == 1
    )  # one row (the step filter names it too)
