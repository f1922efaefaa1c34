"""Files from outside the bureau: the applicant portal (application, 补正, statement) and
the public tip form.  Applicants read back only what they submitted on their own cases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.clock import today
from app.models import Attachment, AuditEvent, Tip
from tests.attachments.files import JPG, PDF, PNG, upload
from tests.helpers import listed_city_entries
from tests.register.conftest import UNIT_CODE, Flow

PASSWORD = "Portal-pass-2026"


@pytest.fixture()
def listed(session):
    return listed_city_entries(session)


@pytest.fixture()
def applicant(client, api):
    """applicant(username, credit_code) -> call(method, path, json=None, data=None), approved."""

    def make(username: str, credit_code: str, name: str = "申请单位"):
        created = client.post(
            "/api/portal/accounts",
            json={"username": username, "password": PASSWORD, "name": name, "credit_code": credit_code},
        )
        assert created.status_code == 201, created.get_json()
        assert (
            api("clerk")("POST", f"/api/portal/accounts/{created.get_json()['id']}/approve").status_code
            == 200
        )
        token = client.post("/api/token", json={"username": username, "password": PASSWORD}).get_json()[
            "token"
        ]

        def call(method, path, json=None, data=None):
            kwargs = {"content_type": "multipart/form-data"} if data is not None else {}
            return client.open(
                path,
                method=method,
                json=json,
                data=data,
                headers={"Authorization": f"Bearer {token}"},
                **kwargs,
            )

        return call

    return make


def test_online_application_supplement_and_isolation(api, applicant, listed, session, open_task, client):
    first, second = listed[0], listed[1]
    one = applicant("files_one", first.credit_code, first.subject_name)
    two = applicant("files_two", second.credit_code)
    created = one(
        "POST",
        "/api/portal/applications",
        {"register_entry_id": first.id, "materials": ["申请书"], "commitment_given": True},
    )
    case_id = created.get_json()["case_id"]
    sent = one("POST", f"/api/portal/cases/{case_id}/attachments", data={"file": upload(PDF, "申请书.pdf")})
    assert sent.status_code == 201 and sent.get_json()["name"] == "申请书.pdf"
    attachment_id = sent.get_json()["id"]
    stored = session.get(Attachment, attachment_id)
    assert stored.channel == "portal" and stored.uploaded_by_name == first.subject_name

    review = open_task(case_id, "acceptance_review")
    api("clerk")(
        "POST",
        f"/api/tasks/{review.id}/complete",
        {"data": {"outcome": "supplement", "missing_items": ["整改照片"]}},
    )
    answered = one(
        "POST",
        f"/api/portal/cases/{case_id}/supplement",
        data={
            "materials_received": "true",
            "materials": "整改照片",
            "supplement_files": upload(JPG, "整改.jpg"),
        },
    )
    assert answered.status_code == 200, answered.get_json()
    done = session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "complete", AuditEvent.step == "supplement"
        )
    )
    assert [f["name"] for f in done.data["supplement_files"]] == ["整改.jpg"]
    detail = one("GET", f"/api/portal/cases/{case_id}").get_json()
    assert sorted(a["name"] for a in detail["attachments"]) == ["整改.jpg", "申请书.pdf"]

    download = one("GET", f"/api/portal/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert two("GET", f"/api/portal/attachments/{attachment_id}").status_code == 404
    assert (
        two(
            "POST", f"/api/portal/cases/{case_id}/attachments", data={"file": upload(PDF, "x.pdf")}
        ).status_code
        == 404
    )
    assert (
        one("GET", f"/api/attachments/{attachment_id}").status_code == 403
    )  # the officers' API is not theirs
    # the bureau's own working files are not handed out through the portal
    officer_file = client.post(
        f"/api/cases/{case_id}/attachments",
        data={"file": upload(PNG, "核查照片.png")},
        headers={
            "Authorization": "Bearer "
            + client.post("/api/token", json={"username": "verifier", "password": "test-pass"}).get_json()[
                "token"
            ]
        },
        content_type="multipart/form-data",
    ).get_json()
    assert one("GET", f"/api/portal/attachments/{officer_file['id']}").status_code == 404
    # and the officers see what came online
    case = api("clerk")("GET", f"/api/cases/{case_id}").get_json()
    assert {a["name"] for a in case["attachments"]} == {"申请书.pdf", "整改.jpg", "核查照片.png"}


def test_portal_pages_apply_with_files_and_state_a_case_with_them(api, applicant, listed, session, client):
    entry = listed[0]
    applicant("pages_one", entry.credit_code, entry.subject_name)
    client.post("/login", data={"username": "pages_one", "password": PASSWORD})
    page = client.get("/portal/apply").get_data(as_text=True)
    assert 'type="file" name="application_files"' in page
    refused = client.post(
        "/portal/apply",
        data={
            "register_entry_id": str(entry.id),
            "materials": "申请书\n承诺书",
            "application_files": upload(b"MZ", "a.pdf"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "提交未成功" in refused and "申请书\n承诺书</textarea>" in refused
    response = client.post(
        "/portal/apply",
        data={
            "register_entry_id": str(entry.id),
            "materials": "申请书",
            "application_files": upload(PDF, "申请书.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    case_page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/portal/attachments/\d+)">申请书.pdf', case_page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    download.close()

    flow = Flow(api, session)
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    client.post("/logout")
    applicant("beichen_files", UNIT_CODE, "北辰化工有限公司")
    client.post("/login", data={"username": "beichen_files", "password": PASSWORD})
    page = client.get(f"/portal/cases/{cid}").get_data(as_text=True)
    assert 'type="file" name="statement_files"' in page and 'enctype="multipart/form-data"' in page
    stated = client.post(
        f"/portal/cases/{cid}",
        data={
            "kind": "statement",
            "statement_received": "on",
            "statement": "事故已如实上报。",
            "statement_files": upload(PDF, "陈述申辩书.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert stated.status_code == 302, stated.get_data(as_text=True)[:2000]
    assert flow.task("officer", cid, "statement_review")
    stored = session.scalar(select(Attachment).where(Attachment.case_id == cid))
    assert stored.original_name == "陈述申辩书.pdf" and stored.channel == "portal"
    assert client.get(link).status_code == 404  # another subject's file


TIP = {"subject_name": "北辰化工有限公司", "description": "夜间违规动火作业", "location": "示范市北辰路8号"}


def test_tip_form_takes_a_few_small_files(client, session, app, monkeypatch):
    page = client.get("/public/tips/new").get_data(as_text=True)
    assert 'type="file" name="evidence"' in page and 'accept=".pdf,.jpg,.jpeg,.png"' in page
    done = client.post(
        "/public/tips/new",
        data={**TIP, "evidence": [upload(JPG, "现场.jpg"), upload(PDF, "书证.pdf")]},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "198.51.100.40"},
    )
    assert done.status_code == 200 and "查询码" in done.get_data(as_text=True)
    tip = session.scalar(select(Tip).order_by(Tip.id.desc()))
    files = session.scalars(select(Attachment).where(Attachment.case_id == tip.case_id)).all()
    assert sorted(a.original_name for a in files) == ["书证.pdf", "现场.jpg"]
    assert {a.uploaded_by_name for a in files} == {"举报人"} and {a.channel for a in files} == {"tip"}

    count = session.query(Tip).count()
    too_many = client.post(
        "/public/tips/new",
        data={**TIP, "evidence": [upload(JPG, f"{i}.jpg") for i in range(4)]},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "198.51.100.41"},
    ).get_data(as_text=True)
    assert "最多上传 3 个文件" in too_many and "夜间违规动火作业" in too_many
    word = client.post(
        "/public/tips/new",
        data={**TIP, "evidence": upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, "a.doc")},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "198.51.100.42"},
    ).get_data(as_text=True)
    assert "不是可接受的文件" in word
    monkeypatch.setitem(app.config, "TIP_ATTACHMENT_MAX_BYTES", 100)
    big = client.post(
        "/public/tips/new",
        data={**TIP, "evidence": upload(PDF + b"0" * 200, "big.pdf")},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "198.51.100.43"},
    ).get_data(as_text=True)
    assert "上限" in big
    assert session.query(Tip).count() == count  # a refused file keeps the whole tip back
