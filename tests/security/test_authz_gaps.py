"""Authorization gaps: the processes API, the holiday table, the CSV confirmation."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.models import HolidayOverride, ImportUpload


@pytest.mark.parametrize("username", ["clerk", "supervisor", "county_officer"])
def test_processes_api_is_for_designers_and_admins(api, username):
    for path in ("/api/processes/repair", "/api/processes/repair/versions/1.bpmn"):
        response = api(username)("GET", path)
        assert response.status_code == 403 and "流程设计" in response.get_json()["message"]


@pytest.mark.parametrize("username", ["designer", "admin"])
def test_designers_and_admins_read_processes(api, username):
    assert api(username)("GET", "/api/processes/repair").status_code == 200
    assert api(username)("GET", "/api/processes/repair/versions/1.bpmn").status_code == 200


def test_only_the_owning_bureaus_admins_edit_the_holiday_table(login, session):
    client = login("county_admin")
    page = client.get("/admin/holidays")
    assert page.status_code == 200 and "示范市应急管理局的系统管理员维护" in page.get_data(as_text=True)
    assert 'action="/admin/holidays"' not in page.get_data(as_text=True)
    before = session.scalar(select(func.count(HolidayOverride.day)))
    assert client.post("/admin/holidays", data={"day": "2031-02-03", "kind": "holiday"}).status_code == 403
    assert client.post("/admin/holidays/years/2031/confirm").status_code == 403
    assert session.scalar(select(func.count(HolidayOverride.day))) == before
    city = login("admin")
    assert city.post("/admin/holidays", data={"day": "2031-02-03", "kind": "holiday"}).status_code == 302
    assert session.scalar(select(func.count(HolidayOverride.day))) == before + 1
    assert login("county_admin").post("/admin/holidays/2031-02-03/delete").status_code == 403


def test_the_owning_bureau_is_a_setting(app, login):
    app.config["CALENDAR_BUREAU_CODE"] = "COUNTY"
    try:
        assert (
            login("admin").post("/admin/holidays", data={"day": "2031-02-04", "kind": "holiday"}).status_code
            == 403
        )
        assert (
            login("county_admin")
            .post("/admin/holidays", data={"day": "2031-02-04", "kind": "holiday"})
            .status_code
            == 302
        )
    finally:
        app.config["CALENDAR_BUREAU_CODE"] = "CITY"


def test_an_upload_is_kept_for_its_own_uploader_only(login, session):
    from tests.register.test_listing_import import GOOD, csv_text

    client = login("admin")
    page = client.post(
        "/admin/import",
        data={"action": "check", "file": (io.BytesIO(csv_text(*GOOD).encode()), "a.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    assert "11010519491231002X" not in page and "<textarea" not in page
    assert session.scalar(select(func.count(ImportUpload.id))) == 1
    other = login("county_admin")
    refused = other.post(
        "/admin/import", data={"action": "import_all", "upload": token}, follow_redirects=True
    )
    assert "已过期或不存在" in refused.get_data(as_text=True)
    forged = other.post(
        "/admin/import", data={"action": "import_all", "text": csv_text(*GOOD)}, follow_redirects=True
    )
    assert "已过期或不存在" in forged.get_data(as_text=True)  # the browser's text is never imported
