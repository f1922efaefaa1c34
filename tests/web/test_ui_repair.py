"""The repair path through the HTML pages (test client), as the officers click it."""

from __future__ import annotations

import re

from sqlalchemy import select

from app import create_app
from app.models import Case, TaskItem
from tests.helpers import entry_named


def open_item(session, case_id):
    return session.scalar(
        select(TaskItem).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
    )


def test_pages_walk_the_whole_repair(client, login, session):
    entry = entry_named(session, "安泰安全评价中心")
    login("clerk")
    page = client.get(f"/cases/new/repair?listing_id={entry.id}").get_data(as_text=True)
    assert "列入满12个月" in page and "提前移出条件核对" in page
    response = client.post(
        "/cases/new/repair",
        data={
            "listing_id": entry.id,
            "applicant": "安泰法定代表人",
            "materials": "申请书\n承诺书",
            "commitment_given": "on",
            "penalty_carried_out": "on",
            "channel": "counter",
        },
    )
    assert response.status_code == 302
    case_id = int(re.search(r"/cases/(\d+)", response.headers["Location"]).group(1))
    inbox = client.get("/").get_data(as_text=True)
    assert "受理审核" in inbox and "安泰安全评价中心" in inbox

    item = open_item(session, case_id)
    assert client.post(f"/tasks/{item.id}/claim").status_code == 302
    page = client.post(f"/tasks/{item.id}", data={"outcome": "supplement"}).get_data(as_text=True)
    assert "请填写“需补正的全部材料（每行一项）”" in page
    client.post(
        f"/tasks/{item.id}", data={"outcome": "supplement", "missing_items": "营业执照复印件\n整改照片"}
    )
    item = open_item(session, case_id)
    assert item.step == "supplement"
    client.post(
        f"/tasks/{item.id}", data={"materials_received": "on", "materials": "营业执照复印件\n整改照片"}
    )
    item = open_item(session, case_id)
    client.post(f"/tasks/{item.id}", data={"outcome": "accept"})

    for username, data in [
        ("verifier", {"findings": "材料属实"}),
        ("leader", {"outcome": "grant"}),
        ("publisher", {"served": "on"}),
    ]:
        login(username)
        item = open_item(session, case_id)
        assert item.name in client.get("/").get_data(as_text=True)
        assert client.post(f"/tasks/{item.id}", data=data).status_code == 302
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已提前移出" in case_page and "一次性告知补正" in case_page
    assert "安泰安全评价中心" not in client.get("/public/register").get_data(as_text=True)


def test_stale_page_is_told_someone_else_handled_it(client, login, session, api):
    entry = entry_named(session, "示范化工有限公司")
    login("clerk")
    client.post("/cases/new/repair", data={"listing_id": entry.id, "applicant": "甲", "materials": "申请书"})
    case = session.scalar(select(Case).order_by(Case.id.desc()))
    item = open_item(session, case.id)
    stale_version = case.version
    api("clerk")("POST", f"/api/tasks/{item.id}/complete", {"data": {"outcome": "accept"}})
    page = client.post(
        f"/tasks/{item.id}", data={"outcome": "refuse", "reasons": "x", "expected_version": stale_version}
    ).get_data(as_text=True)
    assert "王受理" in page and "办理完毕" in page


def test_forms_require_csrf_token(_prepared_app):
    app = create_app({**_prepared_app.config, "WTF_CSRF_ENABLED": True, "TESTING": True})
    client = app.test_client()
    try:
        assert client.post("/login", data={"username": "clerk", "password": "test-pass"}).status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"username": "clerk", "password": "test-pass", "csrf_token": token}
        )
        assert response.status_code == 302
    finally:
        app.extensions["database_engine"].dispose()


def test_login_next_stays_on_site(client):
    response = client.post(
        "/login?next=https://evil.example/x", data={"username": "clerk", "password": "test-pass"}
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/cases", data={"username": "clerk", "password": "test-pass"})
    assert response.headers["Location"] == "/cases"
    assert client.get("/logout").status_code == 405
