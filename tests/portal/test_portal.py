"""The applicant portal end to end: binding confirmed by the clerk, an application
online, a 补正 answered online, a statement within the notice's window, documents
read (电子送达), and each applicant kept to their own subject."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.clock import today
from app.models import AuditEvent, Case, DocumentReceipt, RegisterEntry
from tests.helpers import listed_city_entries
from tests.register.conftest import UNIT_CODE, Flow

PASSWORD = "Portal-pass-2026"


@pytest.fixture()
def listed(session):
    return listed_city_entries(session)


@pytest.fixture()
def applicant(client):
    """applicant(username, credit_code) -> (profile id, call) with call(method, path, json=None, data=None)."""

    def make(username: str, credit_code: str, name: str = "申请单位"):
        response = client.post(
            "/api/portal/accounts",
            json={"username": username, "password": PASSWORD, "name": name, "credit_code": credit_code},
        )
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["status"] == "pending"
        token = client.post("/api/token", json={"username": username, "password": PASSWORD}).get_json()[
            "token"
        ]

        def call(method, path, json=None, data=None):
            return client.open(
                path, method=method, json=json, data=data, headers={"Authorization": f"Bearer {token}"}
            )

        return response.get_json()["id"], call

    return make


def test_binding_application_and_supplement_online(api, applicant, listed, session, open_task, login):
    entry = listed[0]
    profile_id, call = applicant("bc_chem", entry.credit_code, entry.subject_name)
    assert call("GET", "/api/portal/entries").status_code == 403  # not confirmed yet
    assert api("county_clerk")("POST", f"/api/portal/accounts/{profile_id}/approve").status_code == 404
    assert api("verifier")("POST", f"/api/portal/accounts/{profile_id}/approve").status_code == 403
    approved = api("clerk")("POST", f"/api/portal/accounts/{profile_id}/approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert api("clerk")("POST", f"/api/portal/accounts/{profile_id}/approve").status_code == 422

    entries = call("GET", "/api/portal/entries").get_json()["entries"]
    assert [e["id"] for e in entries] == [entry.id]
    body = {
        "register_entry_id": entry.id,
        "materials": ["提前移出申请书", "信用承诺书"],
        "commitment_given": True,
        "penalty_carried_out": True,
    }
    created = call("POST", "/api/portal/applications", body)
    assert created.status_code == 201, created.get_json()
    case_id = created.get_json()["case_id"]
    case = session.get(Case, case_id)
    assert case.register_entry_id == entry.id and case.bureau_id == entry.bureau_id
    review = open_task(case_id, "acceptance_review")
    assert review is not None
    history = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id)).all()
    assert history[0].actor_name == entry.subject_name and history[0].data["channel"] == "online"
    # the officers see that it came in online: the inbox row, the task page, the case page
    clerk = login("clerk")
    assert "网上申请" in clerk.get("/").get_data(as_text=True)
    assert 'id="application-channel">网上申请' in clerk.get(f"/tasks/{review.id}").get_data(as_text=True)
    assert 'id="application-channel">网上申请' in clerk.get(f"/cases/{case_id}").get_data(as_text=True)

    asked = api("clerk")(
        "POST",
        f"/api/tasks/{review.id}/complete",
        {"data": {"outcome": "supplement", "missing_items": ["营业执照复印件"]}},
    )
    assert asked.status_code == 200, asked.get_json()
    awaiting = call("GET", f"/api/portal/cases/{case_id}").get_json()["awaiting_you"]
    assert [a["kind"] for a in awaiting] == ["supplement"]
    answered = call(
        "POST",
        f"/api/portal/cases/{case_id}/supplement",
        data={"materials_received": "true", "materials": ["营业执照复印件", "整改照片"]},
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["awaiting_you"] == []
    assert open_task(case_id, "acceptance_review") is not None  # back to the clerk
    online = session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == "portal_submit")
    ).all()
    assert len(online) == 1 and "网上提交" in online[0].summary
    again = call("POST", f"/api/portal/cases/{case_id}/supplement", data={"materials_received": "true"})
    assert again.status_code == 422


def test_applicants_see_only_their_own_subject(api, applicant, listed, client):
    first, second = listed[0], listed[1]
    one_id, one = applicant("first_co", first.credit_code)
    two_id, two = applicant("second_co", second.credit_code)
    for profile_id in (one_id, two_id):
        assert api("clerk")("POST", f"/api/portal/accounts/{profile_id}/approve").status_code == 200
    body = {"register_entry_id": first.id, "materials": ["申请书"]}
    case_id = one("POST", "/api/portal/applications", body).get_json()["case_id"]
    assert two("GET", f"/api/portal/cases/{case_id}").status_code == 404
    assert two("POST", f"/api/portal/cases/{case_id}/supplement", data={}).status_code == 404
    stolen = two("POST", "/api/portal/applications", {**body})
    assert stolen.status_code == 422 and "register_entry_id" in stolen.get_json()["errors"]
    assert [c["id"] for c in two("GET", "/api/portal/cases").get_json()["cases"]] == []
    assert one("GET", "/api/tasks").status_code == 403  # officers' API is closed to applicants
    client.post("/login", data={"username": "first_co", "password": PASSWORD})
    inbox = client.get("/")
    assert inbox.status_code == 302 and inbox.headers["Location"].endswith("/portal/")
    assert client.get("/cases").status_code == 302
    assert client.get(f"/portal/cases/{case_id}").status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "ab", "password": PASSWORD, "name": "某公司", "credit_code": UNIT_CODE}, "username"),
        (
            {"username": "okname", "password": "short1", "name": "某公司", "credit_code": UNIT_CODE},
            "password",
        ),
        ({"username": "okname", "password": PASSWORD, "name": "某公司"}, "credit_code"),
        (
            {
                "username": "okname",
                "password": PASSWORD,
                "name": "某公司",
                "credit_code": "91110000000000000X",
            },
            "credit_code",
        ),
        (
            {"username": "okname", "password": PASSWORD, "name": "某公司", "credit_code": UNIT_CODE},
            "credit_code",
        ),
        ({"username": "clerk", "password": PASSWORD, "name": "某公司", "credit_code": UNIT_CODE}, "username"),
    ],
)
def test_bad_sign_ups_are_refused(client, body, field):
    response = client.post("/api/portal/accounts", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_statement_within_the_notice_window_and_documents_served_online(api, applicant, session, client):
    flow = Flow(api, session)
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    flow.complete("officer", cid, "notice", {"served_on": today().isoformat(), "method": "direct"})
    profile_id, call = applicant("beichen", UNIT_CODE, "北辰化工有限公司")
    assert api("clerk")("POST", f"/api/portal/accounts/{profile_id}/approve").status_code == 200
    stated = call(
        "POST",
        f"/api/portal/cases/{cid}/statement",
        {
            "statement_received": True,
            "statement": "事故已如实上报，请求从轻处理。",
            "statement_points": ["已如实上报"],
        },
    )
    assert stated.status_code == 200, stated.get_json()
    assert flow.task("officer", cid, "statement_review")
    documents = call("GET", "/api/portal/documents").get_json()["documents"]
    notice = next(d for d in documents if "告知书" in d["title"])
    opened = call("GET", f"/api/portal/documents/{notice['id']}")
    assert opened.status_code == 200
    call("GET", f"/api/portal/documents/{notice['id']}")  # a second opening is not a second service
    receipts = session.scalars(
        select(DocumentReceipt).where(DocumentReceipt.document_id == notice["id"])
    ).all()
    assert len(receipts) == 1
    served = session.scalars(select(AuditEvent).where(AuditEvent.action == "served_online")).all()
    assert len(served) == 1 and "电子送达" in served[0].summary
    assert call("GET", "/api/portal/documents/999999").status_code == 404


def test_a_masked_id_number_alone_does_not_bring_a_stranger_to_review(client, session, user):
    """Masked numbers repeat: a person's account is reviewable only with the listed name too."""
    from app.models import ApplicantProfile
    from app.portal.accounts import reviewable

    person = session.scalars(
        select(RegisterEntry).where(RegisterEntry.id_number_masked.is_not(None)).order_by(RegisterEntry.id)
    ).first()
    if person is None:  # the demo lists no person: make one
        person = session.scalars(select(RegisterEntry).order_by(RegisterEntry.id)).first()
        person.id_number_masked = "370102********1234"
        session.commit()
    clerk = user("clerk") if person.bureau.code == "CITY" else user("county_clerk")
    for username, name in (("stranger1", "另一个人"), ("sameperson", person.subject_name)):
        session.add(
            ApplicantProfile(
                user_id=_portal_user(session, username, person.bureau_id).id,
                subject_kind="person",
                subject_name=name,
                id_number_masked=person.id_number_masked,
                status="pending",
            )
        )
    session.commit()
    names = {p.subject_name for p in reviewable(session, clerk)}
    assert person.subject_name in names and "另一个人" not in names


def _portal_user(session, username, bureau_id):
    from app.models import User

    account = User(username=username, display_name=username, password_hash="x", bureau_id=bureau_id)
    session.add(account)
    session.flush()
    return account


def test_applicant_reads_a_document_as_the_printed_sheet(api, applicant, session, login):
    flow = Flow(api, session)
    cid = flow.start()["id"]
    flow.complete("legal", cid, "legal_review", {"outcome": "approve"})
    profile_id, call = applicant("beichen2", UNIT_CODE, "北辰化工有限公司")
    assert api("clerk")("POST", f"/api/portal/accounts/{profile_id}/approve").status_code == 200
    notice = next(
        d for d in call("GET", "/api/portal/documents").get_json()["documents"] if "告知书" in d["title"]
    )
    page = login("beichen2", PASSWORD).get(f"/portal/documents/{notice['id']}").get_data(as_text=True)
    assert 'class="paper"' in page and "北辰化工有限公司：" in page and "陈述、申辩" in page
    assert "subject_name" not in page  # no raw field names
