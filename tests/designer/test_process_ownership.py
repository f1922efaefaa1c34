"""Who may write and publish a process: its owning bureau and the bureaus above it.
The shipped processes belong to DEPLOYMENT_BUREAU (the demo's city bureau)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Bureau, ProcessVersion, User, UserRole
from tests.designer.conftest import probe_xml, repair_xml, with_timer

CITY = "示范市应急管理局"


def versions_of(session, key: str) -> int:
    return session.scalar(select(func.count(ProcessVersion.id)).where(ProcessVersion.key == key))


@pytest.fixture()
def province_designer(session):
    """A designer of the province bureau (above the city)."""
    designer = session.scalar(select(User).where(User.username == "designer"))
    province = session.scalar(select(Bureau).where(Bureau.code == "PROV"))
    session.add(
        User(
            username="province_designer",
            display_name="省流程设计",
            bureau_id=province.id,
            password_hash=designer.password_hash,
            must_change_password=False,
            role_rows=[UserRole(role="designer")],
        )
    )
    session.commit()
    return "province_designer"


def city_draft(upload) -> int:
    response = upload("designer", "repair", with_timer(repair_xml(), "decision_deadline", "working_days(7)"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def test_shipped_processes_belong_to_the_deployment_bureau(raw_api):
    body = raw_api("designer")("GET", "/api/processes/repair").get_json()
    assert body["owner"] == CITY


def test_county_designer_cannot_write_the_citys_process(upload, session):
    before = versions_of(session, "repair")
    response = upload("county_designer", "repair", repair_xml())
    assert response.status_code == 403
    assert CITY in response.get_json()["message"] and "上级机关" in response.get_json()["message"]
    assert versions_of(session, "repair") == before


def test_county_accounts_cannot_publish_the_citys_process_by_api(raw_api, upload, session):
    number = city_draft(upload)
    for username in ("county_admin", "county_designer"):
        response = raw_api(username)("POST", f"/api/processes/repair/versions/{number}/publish")
        assert response.status_code == 403, username
        assert CITY in response.get_json()["message"]
    version = session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == "repair", ProcessVersion.number == number)
    )
    session.refresh(version)
    assert version.state == "draft"
    assert raw_api("admin")("POST", f"/api/processes/repair/versions/{number}/publish").status_code == 200


def test_county_admin_publishing_on_the_page_is_a_403(login, upload, session):
    number = city_draft(upload)
    client = login("county_admin")
    response = client.post(f"/designer/processes/repair/versions/{number}/publish")
    assert response.status_code == 403
    assert CITY in response.get_data(as_text=True)
    page = client.get("/designer/processes/repair").get_data(as_text=True)
    assert "审核发布</button>" not in page and "本机关不能修改或发布此流程" in page
    version = session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == "repair", ProcessVersion.number == number)
    )
    session.refresh(version)
    assert version.state == "draft"


def test_county_designer_saving_in_the_editor_is_told_why(login, session):
    client = login("county_designer")
    response = client.post(
        "/designer/processes/repair/drafts",
        data=repair_xml().encode(),
        headers={"Accept": "application/json", "Content-Type": "application/xml", "X-Change-Note": "x"},
    )
    assert response.status_code == 403 and CITY in response.get_json()["message"]


def test_a_bureau_above_may_write_and_the_owner_publishes(province_designer, raw_api, upload):
    response = upload(
        province_designer, "repair", with_timer(repair_xml(), "decision_deadline", "working_days(6)")
    )
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    published = raw_api("designer")("POST", f"/api/processes/repair/versions/{number}/publish")
    assert published.status_code == 200 and published.get_json()["state"] == "published"


def test_a_new_process_belongs_to_its_authors_bureau(raw_api, upload):
    number = upload("county_designer", "probe", probe_xml()).get_json()["number"]
    assert raw_api("county_admin")("GET", "/api/processes/probe").get_json()["owner"] == "示范县应急管理局"
    # the city is above the county: it may write the county's process too
    assert upload("designer", "probe", probe_xml(timer="working_days(4)")).status_code == 201
    city_number = raw_api("designer")("GET", "/api/processes/probe").get_json()["versions"][0]["number"]
    assert city_number > number
    assert (
        raw_api("county_admin")("POST", f"/api/processes/probe/versions/{city_number}/publish").status_code
        == 200
    )


def test_the_deployment_bureau_is_a_setting(app, raw_api, upload):
    app.config["DEPLOYMENT_BUREAU"] = "示范县应急管理局"  # by name as well as by code
    try:
        assert (
            raw_api("county_designer")("GET", "/api/processes/repair").get_json()["owner"]
            == "示范县应急管理局"
        )
        assert (
            upload(
                "county_designer", "repair", with_timer(repair_xml(), "decision_deadline", "working_days(6)")
            ).status_code
            == 201
        )
    finally:
        app.config["DEPLOYMENT_BUREAU"] = "CITY"
