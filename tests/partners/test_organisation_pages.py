"""The administrator's 外部单位 pages: the same rules as the API, on pages."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.models import Organisation, RegisterEntry, Subscription


def test_an_administrator_adds_a_bank_and_sees_its_key_once(login, session, client):
    admin = login("admin")
    page = admin.get("/admin/organisations")
    assert page.status_code == 200 and "添加外部单位" in page.get_data(as_text=True)
    created = admin.post("/admin/organisations", data={"name": "示范市农商银行", "kind": "bank"})
    text = created.get_data(as_text=True)
    assert created.status_code == 201 and "仅显示这一次" in text
    key = re.search(r'id="new-key".*?<code class="break">([^<]+)</code>', text, re.S).group(1)
    organisation = session.scalar(select(Organisation).where(Organisation.name == "示范市农商银行"))
    assert organisation.key_prefix == key[:10] and key not in admin.get("/admin/organisations").get_data(
        as_text=True
    )
    # the key works, then a suspension ends it at once
    code = session.scalar(select(RegisterEntry.credit_code).where(RegisterEntry.credit_code.is_not(None)))
    assert client.get(f"/api/register/{code}", headers={"X-Api-Key": key}).status_code == 200
    assert code in admin.get("/admin/organisations").get_data(as_text=True)  # 查询留痕
    admin.post(f"/admin/organisations/{organisation.id}/active", data={"active": "0"})
    assert client.get(f"/api/register/{code}", headers={"X-Api-Key": key}).status_code == 401
    assert "已暂停" in admin.get("/admin/organisations").get_data(as_text=True)


def test_bad_input_is_shown_with_what_was_typed(login, session):
    admin = login("admin")
    refused = admin.post("/admin/organisations", data={"name": "", "kind": "casino"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写单位名称" in text and "请选择单位类型" in text
    admin.post("/admin/organisations", data={"name": "示范市发展改革委", "kind": "ndrc"})
    organisation = session.scalar(select(Organisation).where(Organisation.name == "示范市发展改革委"))
    bad = admin.post(
        "/admin/subscriptions",
        data={"organisation_id": organisation.id, "url": "ftp://example.cn/hook", "events": []},
    )
    assert bad.status_code == 422 and 'value="ftp://example.cn/hook"' in bad.get_data(as_text=True)
    assert session.scalar(select(Subscription).where(Subscription.organisation_id == organisation.id)) is None
    ok = admin.post(
        "/admin/subscriptions",
        data={
            "organisation_id": organisation.id,
            "url": "https://fgw.example.cn/hook",
            "events": ["removed_early"],
        },
    )
    assert ok.status_code == 201 and "签名密钥" in ok.get_data(as_text=True)


def test_other_bureaus_and_other_roles_are_kept_out(login, session):
    login("admin").post("/admin/organisations", data={"name": "市级银行", "kind": "bank"})
    organisation = session.scalar(select(Organisation).where(Organisation.name == "市级银行"))
    county = login("county_admin")
    assert "市级银行" not in county.get("/admin/organisations").get_data(as_text=True)
    county.post(f"/admin/organisations/{organisation.id}/active", data={"active": "0"})
    session.refresh(organisation)
    assert organisation.active  # not found for the county: nothing changed
    county.post(
        "/admin/subscriptions", data={"organisation_id": organisation.id, "url": "https://x.example.cn/h"}
    )
    assert session.scalar(select(Subscription).where(Subscription.organisation_id == organisation.id)) is None
    assert login("clerk").get("/admin/organisations").status_code == 403
