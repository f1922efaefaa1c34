"""What documents print about a bureau is data its administrators keep: the page and
the API change it, with limits, within their own bureaus, and new documents use it."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, Bureau
from app.register.documents import issue_document


def city(session) -> Bureau:
    return session.scalar(select(Bureau).where(Bureau.code == "CITY"))


def test_admin_edits_the_contact_line_and_new_documents_print_it(login, session):
    client = login("admin")
    page = client.get("/admin/bureaus/details")
    assert page.status_code == 200 and "示范市人民政府" in page.get_data(as_text=True)
    response = client.post(
        "/admin/bureaus/details",
        data={
            "bureau_id": city(session).id,
            "reconsideration_body": "示范市人民政府",
            "court": "示范市铁路运输法院",
            "address": "示范市人民路90号",
            "phone": "0571-87009999",
            "contact_person": "法规科 李华",
        },
    )
    assert response.status_code == 302
    bureau = city(session)
    session.refresh(bureau)
    assert bureau.court == "示范市铁路运输法院"
    document = issue_document(session, bureau, "removal_refusal", {"subject_name": "某公司"})
    assert "示范市铁路运输法院提起行政诉讼" in document.fields["remedies"]
    assert (
        document.fields["contact"] == "联系人：法规科 李华；联系电话：0571-87009999；地址：示范市人民路90号"
    )
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "bureau_updated"))


def test_too_long_a_value_is_refused_and_nothing_changes(login, session):
    client = login("admin")
    response = client.post(
        "/admin/bureaus/details", data={"bureau_id": city(session).id, "court": "法" * 201}
    )
    assert response.status_code == 422 and "不能超过 200 个字" in response.get_data(as_text=True)
    bureau = city(session)
    session.refresh(bureau)
    assert bureau.court == "示范市城南区人民法院"


def test_api_patch_within_own_bureaus_only(api, session):
    county = session.scalar(select(Bureau).where(Bureau.code == "COUNTY"))
    response = api("admin")("PATCH", f"/api/admin/bureaus/{county.id}", {"phone": "0571-86001111"})
    assert response.status_code == 200 and response.get_json()["phone"] == "0571-86001111"
    assert api("admin")("PATCH", f"/api/admin/bureaus/{county.id}", {"doc_prefix": "x"}).status_code == 422
    assert api("admin")("PATCH", f"/api/admin/bureaus/{county.id}", {"court": 5}).status_code == 422
    # the county's administrator cannot change the city
    assert (
        api("county_admin")("PATCH", f"/api/admin/bureaus/{city(session).id}", {"phone": "1"}).status_code
        == 404
    )
    assert api("clerk")("PATCH", f"/api/admin/bureaus/{county.id}", {"phone": "1"}).status_code == 403


def test_other_roles_do_not_see_the_page(login):
    assert login("clerk").get("/admin/bureaus/details").status_code in (403, 302)
