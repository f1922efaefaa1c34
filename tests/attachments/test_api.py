"""POST /api/cases/<id>/attachments, GET /api/attachments/<id>, attachments in GET /api/cases/<id>."""

from __future__ import annotations

import hashlib

from app.storage import storage
from tests.attachments.files import PDF, PNG, docx, upload
from tests.helpers import entry_named, repair_data
from tests.web.test_access import county_case


def token(client, username):
    response = client.post("/api/token", json={"username": username, "password": "test-pass"})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def city_case(api, session):
    entry = entry_named(session, "示范化工有限公司")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def post_file(client, username, case_id, content, name, **form):
    return client.post(
        f"/api/cases/{case_id}/attachments",
        data={"file": upload(content, name), **form},
        headers=token(client, username),
        content_type="multipart/form-data",
    )


def test_upload_answers_201_with_its_fields_and_the_case_lists_it(api, session, client):
    case_id = city_case(api, session)
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    response = post_file(
        client, "clerk", case_id, PDF, "申请书.pdf", label="提前移出申请书", task_id=str(task_id)
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "name", "size", "sha256", "content_type"}
    assert body["name"] == "申请书.pdf" and body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["content_type"] == "application/pdf"
    assert storage().exists(body["sha256"])

    case = api("clerk")("GET", f"/api/cases/{case_id}").get_json()
    listed = case["attachments"]
    assert [a["id"] for a in listed] == [body["id"]]
    assert listed[0]["label"] == "提前移出申请书" and listed[0]["task_id"] == task_id
    assert any(
        h["action"] == "attach" and h["summary"] == "申请书.pdf（提前移出申请书）" for h in case["history"]
    )

    download = client.get(f"/api/attachments/{body['id']}", headers=token(client, "verifier"))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E7%94%B3" in download.headers["Content-Disposition"]
    download.close()


def test_same_bytes_are_stored_once(api, session, client):
    case_id = city_case(api, session)
    first = post_file(client, "clerk", case_id, PNG, "现场照片.png").get_json()
    second = post_file(client, "clerk", case_id, PNG, "again.png").get_json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert post_file(client, "clerk", case_id, docx(), "整改报告.docx").status_code == 201


def test_over_the_size_limit_is_413_and_nothing_is_kept(api, session, client, app, monkeypatch):
    case_id = city_case(api, session)
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    response = post_file(client, "clerk", case_id, PDF + b"0" * 2048, "big.pdf")
    assert response.status_code == 413
    assert "上限" in response.get_json()["message"]
    assert api("clerk")("GET", f"/api/cases/{case_id}").get_json()["attachments"] == []


def test_refused_kind_is_422(api, session, client):
    case_id = city_case(api, session)
    renamed = post_file(client, "clerk", case_id, b"MZ\x90\x00 not a pdf", "申请书.pdf")
    assert renamed.status_code == 422
    assert "file" in renamed.get_json()["errors"]
    script = post_file(client, "clerk", case_id, b"<script>alert(1)</script>", "a.html")
    assert script.status_code == 422
    zip_as_docx = post_file(client, "clerk", case_id, docx(), "table.xlsx")  # a Word file named .xlsx
    assert zip_as_docx.status_code == 422
    missing = client.post(
        f"/api/cases/{case_id}/attachments",
        data={},
        headers=token(client, "clerk"),
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    wrong_task = post_file(client, "clerk", case_id, PDF, "a.pdf", task_id="999999")
    assert wrong_task.status_code == 422 and "task_id" in wrong_task.get_json()["errors"]
    assert api("clerk")("GET", f"/api/cases/{case_id}").get_json()["attachments"] == []


def test_another_bureau_gets_404(api, session, client):
    case_id = city_case(api, session)
    attachment = post_file(client, "clerk", case_id, PDF, "a.pdf").get_json()
    assert post_file(client, "county_clerk", case_id, PDF, "b.pdf").status_code == 404
    assert (
        client.get(f"/api/attachments/{attachment['id']}", headers=token(client, "county_clerk")).status_code
        == 404
    )
    assert client.get("/api/attachments/99999999", headers=token(client, "clerk")).status_code == 404


def test_upper_bureau_downloads_but_does_not_upload(api, session, client):
    case_id = county_case(api, session)
    attachment = post_file(client, "county_clerk", case_id, PDF, "县.pdf")
    assert attachment.status_code == 201
    download = client.get(f"/api/attachments/{attachment.get_json()['id']}", headers=token(client, "clerk"))
    assert download.status_code == 200
    download.close()
    assert post_file(client, "clerk", case_id, PDF, "市.pdf").status_code == 403
