"""Bad input gets a clear error and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Case
from tests.helpers import entry_named, repair_data


def counts(session):
    return session.scalar(select(func.count(Case.id))), session.scalar(select(func.count(AuditEvent.id)))


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"process": "nope", "data": {}}, 422, "process"),
        ({"process": "repair"}, 422, "data"),
        ({"process": "repair", "data": []}, 422, "data"),
        ({"process": "repair", "data": {"listing_id": "abc"}}, 422, "listing_id"),
        ({"process": "repair", "data": {"listing_id": 99999}}, 422, "listing_id"),
    ],
)
def test_bad_case_creation(api, session, body, status, field):
    before = counts(session)
    response = api("clerk")("POST", "/api/cases", body)
    assert response.status_code == status
    assert field in response.get_json()["errors"]
    assert counts(session) == before


def test_missing_and_wrongly_typed_fields(api, session):
    entry = entry_named(session, "示范化工有限公司")
    before = counts(session)
    response = api("clerk")(
        "POST",
        "/api/cases",
        {
            "process": "repair",
            "data": {
                "listing_id": entry.id,
                "materials": "not-a-list-but-lines",
                "commitment_given": "maybe",
                "extra": 1,
            },
        },
    )
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert errors["applicant"] == "请填写“申请人（或代理人）”"
    assert "commitment_given" in errors and errors["extra"] == "表单中没有这个字段"
    assert counts(session) == before


def test_not_json_and_no_token(client, api):
    assert client.get("/api/tasks").status_code == 401
    assert client.get("/api/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401
    response = api("clerk")("POST", "/api/cases", None)
    assert response.status_code == 400 and response.get_json()["message"]
    assert client.post("/api/token", data="x", content_type="text/plain").status_code == 400
    assert client.post("/api/token", json={"username": "clerk", "password": "wrong"}).status_code == 401
    assert client.post("/api/token", json={"username": "clerk"}).status_code == 422


def test_complete_with_invalid_data_changes_nothing(api, session):
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    version_before = session.get(Case, case_id).version
    for data in ({"outcome": "maybe"}, {"outcome": "refuse"}, {}, {"outcome": "accept", "rogue": "x"}):
        response = api("clerk")("POST", f"/api/tasks/{task_id}/complete", {"data": data})
        assert response.status_code == 422, data
    assert api("clerk")("POST", f"/api/tasks/{task_id}/complete", {"data": "str"}).status_code == 422
    assert api("clerk")("POST", "/api/tasks/999999/complete", {"data": {}}).status_code == 404
    session.expire_all()
    assert session.get(Case, case_id).version == version_before
    assert len(api("clerk")("GET", f"/api/cases/{case_id}").get_json()["history"]) == 1


def test_unknown_pages_and_methods(client, login):
    assert client.get("/api/nowhere").get_json()["message"]
    login("clerk")
    assert client.get("/cases/999999").status_code == 404
    assert client.get("/tasks/999999").status_code == 404


def test_upload_too_large_is_refused(app, client, login, monkeypatch):
    login("clerk")
    monkeypatch.setitem(app.config, "FORM_FIELD_MAX_BYTES", 100_000)
    response = client.post("/cases/new/repair", data={"applicant": "x" * 200_010})
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)  # the form again, not a bare error page
    login("admin")  # other forms keep the plain limit
    assert (
        client.post("/admin/import", data={"x": "y" * (app.config["MAX_CONTENT_LENGTH"] + 10)}).status_code
        == 413
    )


def test_calendar_check_with_absurd_input_is_refused_clearly(client, login):
    login("admin")
    for query in ("start=9999-12-31&n=1", "start=2026-01-01&n=1000000000", "start=2026-01-01&n=-1"):
        response = client.get(f"/admin/holidays?{query}")
        assert response.status_code == 200
        assert "0 到 366" in response.get_data(as_text=True)


def test_claim_back_link_cannot_leave_the_site(api, session, client, login):
    entry = entry_named(session, "示范化工有限公司")
    case_id = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}
    ).get_json()["id"]
    task_id = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]["id"]
    login("clerk")
    response = client.post(f"/tasks/{task_id}/claim", data={"back": "/\\evil.example"})
    assert response.headers["Location"] == "/"


def test_a_notification_is_read_only_by_its_addressee(session, client, login, user):
    from app.models import Notification

    clerk = user("clerk")
    note = Notification(bureau_id=clerk.bureau_id, user_id=clerk.id, kind="reminder", message="请尽快办理")
    session.add(note)
    session.commit()
    login("verifier")
    client.post(f"/notifications/{note.id}/read")
    session.refresh(note)
    assert note.read_at is None
    login("clerk")
    client.post(f"/notifications/{note.id}/read")
    session.refresh(note)
    assert note.read_at is not None
