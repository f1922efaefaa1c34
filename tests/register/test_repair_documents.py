"""Every document of the credit-repair procedure, produced at the step its diagram
names (camunda:property `document`), numbered in its kind's one series, printed as
an official document and served from the step that serves it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from sqlalchemy import select

from app.clock import today
from app.domain.documents import KINDS, cn_date, number_pattern
from app.models import Document, RegisterEntry
from tests.helpers import entry_named, repair_data

PREFIX = "示市应急"
REMEDY_BODY, REMEDY_COURT = "示范市人民政府", "示范市城南区人民法院"


def start_repair(flow, name):
    entry = entry_named(flow.session, name)
    response = flow.api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"], entry


def documents(session, case_id) -> dict[str, Document]:
    rows = session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)).all()
    return {d.kind: d for d in rows}


def assert_numbered(document: Document):
    assert number_pattern(PREFIX, KINDS[document.kind]).fullmatch(document.number), document.number
    assert document.title == KINDS[document.kind].title


def assert_remedies(document: Document):
    remedies = document.fields["remedies"]
    assert f"六十日内向{REMEDY_BODY}申请行政复议" in remedies
    assert f"六个月内向{REMEDY_COURT}提起行政诉讼" in remedies


def printed(client, document: Document) -> str:
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_supplement_then_accepted_verified_and_granted(flow, session, login):
    cid, entry = start_repair(flow, "示范化工有限公司")
    flow.complete(
        "clerk",
        cid,
        "acceptance_review",
        {"outcome": "supplement", "missing_items": ["营业执照副本复印件", "罚款缴纳凭证"]},
    )
    notice = documents(session, cid)["supplement_notice"]
    assert_numbered(notice)
    assert notice.fields["missing_items"] == "1. 营业执照副本复印件\n2. 罚款缴纳凭证"
    assert (
        notice.fields["applicant"] == "张三（委托代理人）"
        and notice.fields["supplement_days"] == "10个工作日"
    )
    assert notice.entry_id == entry.id and notice.issued_on == today()

    # the supplement step serves the notice: its page links to it, to print first
    client = login("clerk")
    task = flow.task("clerk", cid, "supplement")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert (
        'id="served-documents"' in page and notice.number in page and f"/documents/{notice.id}.docx" in page
    )
    text = printed(client, notice)
    assert "一次性告知需要补正的全部材料" in text and "1. 营业执照副本复印件" in text
    assert "受送达人（签名或盖章）" in text  # the receipt box of a served document
    assert "联系人：法规科 陈明；联系电话：0571-87001234；地址：示范市人民路88号" in text

    flow.complete("clerk", cid, "supplement", {"materials_received": True, "materials": ["罚款缴纳凭证"]})
    flow.complete("clerk", cid, "acceptance_review", {"outcome": "accept"})
    acceptance = documents(session, cid)["acceptance_notice"]
    assert_numbered(acceptance)
    assert acceptance.fields["materials"] == "提前移出申请书；信用承诺书；整改报告；罚款缴纳凭证"
    assert "决定予以受理" in printed(client, acceptance)

    flow.complete("verifier", cid, "verification", {"extend": True, "extension_reason": "需现场核查整改情况"})
    assert "verification_record" not in documents(session, cid)  # an extension is not the record
    flow.complete("verifier", cid, "verification", {"findings": "现场核查，整改到位", "onsite": True})
    record = documents(session, cid)["verification_record"]
    assert_numbered(record)
    assert (
        record.fields["method"] == "书面审查、现场核查" and record.fields["findings"] == "现场核查，整改到位"
    )
    assert "延期理由：需现场核查整改情况" in record.fields["extension"]
    assert record.fields["verifier"] and record.fields["verified_on"] == cn_date(today())

    flow.complete("leader", cid, "decision", {"outcome": "grant"})
    decision = documents(session, cid)["removal_decision"]
    assert_numbered(decision)
    assert_remedies(decision)
    assert decision.fields["decision_number"] == entry.decision_number
    assert decision.fields["listed_on"] == cn_date(entry.listed_on)
    text = printed(login("leader"), decision)
    assert "提前移出安全生产严重失信主体名单决定书" in text and "本机关决定将你（单位）提前移出" in text
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text) and not re.search(r"\d{4}-\d{2}-\d{2}", text)

    # publication serves the decision
    task = flow.task("publisher", cid, "publication")
    page = login("publisher").get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert decision.number in page and 'id="served-documents"' in page
    flow.complete("publisher", cid, "publication", {"served": True})

    detail = flow.detail(cid, user="clerk")
    listed = {d["kind"]: d for d in detail["documents"]}
    assert list(listed) == [
        "supplement_notice",
        "acceptance_notice",
        "verification_record",
        "removal_decision",
    ]
    assert listed["removal_decision"] == {
        "id": decision.id,
        "kind": "removal_decision",
        "number": decision.number,
        "title": decision.title,
    }
    assert any(h["action"] == "documents" and decision.number in h["summary"] for h in detail["history"])
    case_page = login("clerk").get(f"/cases/{cid}").get_data(as_text=True)
    assert all(d["number"] in case_page for d in detail["documents"])
    assert f"/documents/{decision.id}.docx" in case_page


def test_not_accepted(flow, session, login):
    cid, _ = start_repair(flow, "东港建筑工程有限公司")
    flow.complete("clerk", cid, "acceptance_review", {"outcome": "refuse", "reasons": "列入未满十二个月"})
    docs = documents(session, cid)
    assert list(docs) == ["rejection_notice"]
    refusal = docs["rejection_notice"]
    assert_numbered(refusal)
    assert_remedies(refusal)
    assert "自收到本通知之日起六十日内" in refusal.fields["remedies"]
    text = printed(login("clerk"), refusal)
    assert "经审查，列入未满十二个月。" in text and "本机关决定不予受理" in text


def test_verified_then_refused(flow, session, login):
    cid, _ = start_repair(flow, "安泰安全评价中心")
    flow.complete("clerk", cid, "acceptance_review", {"outcome": "accept"})
    flow.complete("verifier", cid, "verification", {"findings": "隐患尚未整改"})
    flow.complete("leader", cid, "decision", {"outcome": "refuse", "reasons": "整改未完成"})
    docs = documents(session, cid)
    assert list(docs) == ["acceptance_notice", "verification_record", "removal_refusal"]
    refusal = docs["removal_refusal"]
    assert_numbered(refusal)
    assert_remedies(refusal)
    assert refusal.fields["reasons"] == "整改未完成"
    assert refusal.fields["findings"] == "隐患尚未整改"
    text = printed(login("leader"), refusal)
    assert "本机关认为：整改未完成。" in text and "决定不予提前移出" in text
    assert docs["verification_record"].fields["method"] == "书面审查"


def test_word_file_is_set_in_official_fonts(flow, session, login):
    cid, _ = start_repair(flow, "东港建筑工程有限公司")
    flow.complete("clerk", cid, "acceptance_review", {"outcome": "refuse", "reasons": "材料不符合要求"})
    refusal = documents(session, cid)["rejection_notice"]
    response = login("clerk").get(f"/documents/{refusal.id}.docx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    word = WordDocument(io.BytesIO(response.data))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)

    def east_asian(run) -> str:
        return run.element.rPr.rFonts.get(qn("w:eastAsia"))

    paragraphs = [p for p in word.paragraphs if p.runs]
    issuer, title, number = paragraphs[:3]
    assert (
        issuer.text == "示范市应急管理局" and title.text == "不予受理通知书" and number.text == refusal.number
    )
    assert east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    body = next(p for p in paragraphs if "本机关决定不予受理" in p.text)
    assert east_asian(body.runs[0]) == "仿宋" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    normal = word.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    texts = [p.text for p in word.paragraphs]
    assert cn_date(refusal.issued_on) in texts and "示范市应急管理局（印章）" in texts
    assert any(REMEDY_BODY in t and REMEDY_COURT in t for t in texts)
    assert word.tables and "受送达人（签名或盖章）" in word.tables[0].cell(0, 0).text


def test_another_bureau_cannot_read_a_document(flow, session, login, api):
    cid, _ = start_repair(flow, "东港建筑工程有限公司")
    flow.complete("clerk", cid, "acceptance_review", {"outcome": "refuse", "reasons": "材料不符合要求"})
    refusal = documents(session, cid)["rejection_notice"]
    county = login("county_clerk")
    assert county.get(f"/documents/{refusal.id}").status_code == 404
    assert county.get(f"/documents/{refusal.id}.docx").status_code == 404
    assert api("county_clerk")("GET", f"/api/documents/{refusal.id}").status_code == 404
    own = api("clerk")("GET", f"/api/documents/{refusal.id}").get_json()
    assert own["number"] == refusal.number and own["fields"]["reasons"] == "材料不符合要求"
    assert own["word_url"].endswith(".docx")


def test_numbers_are_unique_and_each_kind_keeps_its_series(flow, session):
    for name in ("示范化工有限公司", "东港建筑工程有限公司", "安泰安全评价中心"):
        cid, _ = start_repair(flow, name)
        flow.complete("clerk", cid, "acceptance_review", {"outcome": "accept"})
    rows = session.scalars(select(Document).where(Document.kind == "acceptance_notice")).all()
    numbers = [d.number for d in rows]
    assert len(numbers) == len(set(numbers)) == 3
    sequences = sorted(
        number_pattern(PREFIX, KINDS["acceptance_notice"]).fullmatch(n).group(2) for n in numbers
    )
    assert [int(s) for s in sequences] == [int(sequences[0]) + i for i in range(3)]
    assert all(d.year == today().year for d in rows)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_wording_and_a_distinct_series(kind):
    from app.domain.document_texts import TEXTS

    assert kind in TEXTS
    infixes = [k.infix for k in KINDS.values()]
    assert infixes.count(KINDS[kind].infix) == 1
    others = [k for k in KINDS.values() if k.code != kind]
    number = f"{PREFIX}{KINDS[kind].infix}〔2026〕7号"
    assert number_pattern(PREFIX, KINDS[kind]).fullmatch(number)
    assert not any(number_pattern(PREFIX, other).fullmatch(number) for other in others)


def test_entries_listed_before_the_system_carry_the_decision_series(session):
    entry = entry_named(session, "示范化工有限公司")
    assert number_pattern(PREFIX, KINDS["decision"]).fullmatch(entry.decision_number)
    assert isinstance(entry, RegisterEntry)


def test_revocation_of_an_early_removal(flow, session, login):
    entry = entry_named(session, "安泰安全评价中心")
    rid, _ = start_repair(flow, "安泰安全评价中心")
    flow.complete("clerk", rid, "acceptance_review", {"outcome": "accept"})
    flow.complete("verifier", rid, "verification", {"findings": "整改到位"})
    flow.complete("leader", rid, "decision", {"outcome": "grant"})
    flow.complete("publisher", rid, "publication", {"served": True})
    response = flow.api("officer")(
        "POST",
        "/api/cases",
        {
            "process": "revocation",
            "data": {
                "listing_id": entry.id,
                "grounds": "false_materials",
                "findings": "整改报告系伪造",
                "evidence": ["鉴定意见"],
            },
        },
    )
    assert response.status_code == 201, response.get_json()
    vid = response.get_json()["id"]
    flow.complete("legal", vid, "legal_review", {"outcome": "approve"})
    flow.complete("leader", vid, "decision", {"outcome": "revoke", "reasons": "提供虚假材料骗取提前移出"})
    revocation = documents(session, vid)["revocation"]
    assert_numbered(revocation)
    assert_remedies(revocation)
    text = printed(login("officer"), revocation)
    assert (
        "撤销提前移出决定书" in text
        and "整改报告系伪造" in text
        and "恢复列入安全生产严重失信主体名单" in text
    )
    session.refresh(entry)
    assert cn_date(entry.expires_on) in revocation.fields["period"]
    # the service step links to the decision it serves
    task = flow.task("officer", vid, "service")
    page = login("officer").get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert revocation.number in page and 'id="served-documents"' in page


def test_expiry_removal_record(flow, session, login):
    cid = flow.until_published()
    end = flow.pending_timer(cid, "period_end_timer")
    flow.fire(end.due_at + dt.timedelta(minutes=1))
    records = [d for d in documents_all(session, cid) if d.kind == "expiry"]
    assert len(records) == 2  # one per subject
    record = records[0]
    assert_numbered(record)
    assert "remedies" not in record.fields and not KINDS["expiry"].served
    text = printed(login("officer"), record)
    assert "期满移出记录" in text and "管理期限已经届满" in text and "移出安全生产严重失信主体名单" in text
    assert "经办人（签名）" in text  # a record, not served: signed by who made it


def documents_all(session, case_id) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))
