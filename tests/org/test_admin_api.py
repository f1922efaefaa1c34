"""Administration by API: roles, users, bureaus; scope, refusals, audit."""

from __future__ import annotations

from sqlalchemy import select

from app.models import AuditEvent, Bureau, Role, User
from tests.conftest import PASSWORD

STRONG = "Qiangmima2026x"


def new_user(**overrides) -> dict:
    data = {"username": "zhang_wei", "name": "张伟", "password": STRONG, "roles": ["clerk"]}
    data.update(overrides)
    return data


def last_audit(session, action: str) -> AuditEvent:
    return session.scalar(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    )


def test_roles_list_create_and_duplicate(api, session):
    call = api("admin")
    listed = call("GET", "/api/admin/roles").get_json()["roles"]
    assert {"code": "clerk", "name": "受理窗口"} in listed
    response = call("POST", "/api/admin/roles", {"code": "expert", "name": "专家组"})
    assert response.status_code == 201 and response.get_json() == {"code": "expert", "name": "专家组"}
    assert session.scalar(select(Role.name).where(Role.code == "expert")) == "专家组"
    assert "专家组" in last_audit(session, "role_created").summary
    again = call("POST", "/api/admin/roles", {"code": "expert", "name": "另一个"})
    assert again.status_code == 409 and "code" in again.get_json()["errors"]
    same_name = call("POST", "/api/admin/roles", {"code": "expert2", "name": "专家组"})
    assert same_name.status_code == 409 and "name" in same_name.get_json()["errors"]
    bad = call("POST", "/api/admin/roles", {"code": "Expert Group", "name": ""})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"code", "name"}


def test_only_administrators(api):
    for path in ("/api/admin/roles", "/api/admin/users", "/api/admin/bureaus"):
        assert api("clerk")("GET", path).status_code == 403
    response = api("designer")("POST", "/api/admin/roles", {"code": "expert", "name": "专家组"})
    assert response.status_code == 403
    assert api("clerk")("POST", "/api/admin/users", new_user()).status_code == 403


def test_create_user_defaults_to_own_bureau_and_must_change_password(api, session, user, client):
    response = api("admin")("POST", "/api/admin/users", new_user(roles=["clerk", "verifier"]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "username"} and body["username"] == "zhang_wei"
    created = session.get(User, body["id"])
    assert created.bureau_id == user("admin").bureau_id
    assert created.roles == {"clerk", "verifier"} and created.must_change_password
    assert "张伟" in last_audit(session, "user_created").summary
    token = client.post("/api/token", json={"username": "zhang_wei", "password": STRONG})
    assert token.status_code == 403  # the initial password must be changed first
    login = client.post("/login", data={"username": "zhang_wei", "password": STRONG})
    assert login.status_code == 302 and "/account/password" in login.headers["Location"]


def test_create_user_in_a_county_and_not_above(api, session, user):
    county = user("county_admin").bureau
    response = api("admin")("POST", "/api/admin/users", new_user(bureau_id=county.id))
    assert response.status_code == 201
    province_id = user("province_supervisor").bureau_id
    refused = api("admin")("POST", "/api/admin/users", new_user(username="li_si", bureau_id=province_id))
    assert refused.status_code == 422 and "bureau_id" in refused.get_json()["errors"]
    from_county = api("county_admin")(
        "POST", "/api/admin/users", new_user(username="wang_wu", bureau_id=user("admin").bureau_id)
    )
    assert from_county.status_code == 422


def test_field_errors_and_duplicates(api, session):
    before = session.query(User).count()
    response = api("admin")(
        "POST",
        "/api/admin/users",
        {"username": "a b", "name": "", "password": "short", "roles": ["nobody"], "bureau_id": "x"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"username", "name", "password", "roles", "bureau_id"}
    assert "nobody" in errors["roles"] and "10" in errors["password"]
    weak = api("admin")("POST", "/api/admin/users", new_user(password="password123"))
    assert weak.status_code == 422 and "password" in weak.get_json()["errors"]
    with_name = api("admin")("POST", "/api/admin/users", new_user(password="zhang_wei2026"))
    assert with_name.get_json()["errors"]["password"] == "密码不能包含用户名"
    no_roles = api("admin")("POST", "/api/admin/users", new_user(roles=[]))
    assert no_roles.status_code == 422 and "roles" in no_roles.get_json()["errors"]
    duplicate = api("admin")("POST", "/api/admin/users", new_user(username="Clerk"))
    assert duplicate.status_code == 409 and "username" in duplicate.get_json()["errors"]
    assert session.query(User).count() == before
    assert api("admin")("POST", "/api/admin/users", None).status_code == 400


def test_list_users_of_own_bureau_and_below(api, user):
    listed = {u["username"] for u in api("admin")("GET", "/api/admin/users").get_json()["users"]}
    assert {"clerk", "county_clerk"} <= listed and "province_supervisor" not in listed
    county = {u["username"] for u in api("county_admin")("GET", "/api/admin/users").get_json()["users"]}
    assert "county_clerk" in county and "clerk" not in county


def test_patch_roles_name_and_deactivate(api, session, user, client):
    clerk = user("clerk")
    call = api("admin")
    response = call(
        "PATCH", f"/api/admin/users/{clerk.id}", {"roles": ["clerk", "officer"], "name": "孙窗口"}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["roles"] == ["clerk", "officer"] and response.get_json()["name"] == "孙窗口"
    assert "officer" in user("clerk").roles
    off = call("PATCH", f"/api/admin/users/{clerk.id}", {"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert last_audit(session, "user_deactivated").data["user_id"] == clerk.id
    assert client.post("/api/token", json={"username": "clerk", "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 200
    back = call("PATCH", f"/api/admin/users/{clerk.id}", {"active": True})
    assert back.status_code == 200 and last_audit(session, "user_reactivated") is not None


def test_deactivation_ends_existing_tokens_and_sessions(api, user, client, login):
    token = client.post("/api/token", json={"username": "clerk", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/tasks", headers=headers).status_code == 200
    api("admin")("PATCH", f"/api/admin/users/{user('clerk').id}", {"active": False})
    assert client.get("/api/tasks", headers=headers).status_code == 401
    assert not user("clerk").active


def test_patch_refusals(api, user):
    call = api("admin")
    clerk = user("clerk")
    assert call("PATCH", f"/api/admin/users/{clerk.id}", {"roles": ["ghost"]}).status_code == 422
    assert call("PATCH", f"/api/admin/users/{clerk.id}", {"active": "no"}).status_code == 422
    unknown = call("PATCH", f"/api/admin/users/{clerk.id}", {"password_hash": "x"})
    assert unknown.status_code == 422 and "password_hash" in unknown.get_json()["errors"]
    me = user("admin")
    assert call("PATCH", f"/api/admin/users/{me.id}", {"active": False}).status_code == 422
    assert call("PATCH", f"/api/admin/users/{me.id}", {"roles": ["clerk"]}).status_code == 422
    assert call("PATCH", "/api/admin/users/999999", {"name": "某"}).status_code == 404


def test_another_bureaus_user_is_not_found(api, user):
    city_clerk = user("clerk")
    county_call = api("county_admin")
    assert county_call("PATCH", f"/api/admin/users/{city_clerk.id}", {"active": False}).status_code == 404
    assert county_call("GET", f"/api/admin/users/{city_clerk.id}").status_code == 404
    assert (
        county_call("POST", f"/api/admin/users/{city_clerk.id}/password", {"password": STRONG}).status_code
        == 404
    )
    province = user("province_supervisor")
    assert api("admin")("PATCH", f"/api/admin/users/{province.id}", {"name": "某"}).status_code == 404
    assert user("clerk").active


def test_reset_password_requires_a_change_at_next_login(api, user, client):
    clerk = user("clerk")
    weak = api("admin")("POST", f"/api/admin/users/{clerk.id}/password", {"password": "123"})
    assert weak.status_code == 422 and "password" in weak.get_json()["errors"]
    response = api("admin")("POST", f"/api/admin/users/{clerk.id}/password", {"password": STRONG})
    assert response.status_code == 200 and response.get_json()["must_change_password"] is True
    assert user("clerk").must_change_password
    login = client.post("/login", data={"username": "clerk", "password": STRONG})
    assert "/account/password" in login.headers["Location"]


def test_bureaus_list_and_add_a_county(api, session, user):
    city = user("admin").bureau
    listed = api("admin")("GET", "/api/admin/bureaus").get_json()["bureaus"]
    assert {b["name"] for b in listed} >= {"示范市应急管理局", "示范县应急管理局"}
    assert "示范省应急管理厅" not in {b["name"] for b in listed}
    response = api("admin")(
        "POST", "/api/admin/bureaus", {"name": "示范二县应急管理局", "code": "county2", "parent_id": city.id}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["level"] == "county" and body["code"] == "COUNTY2" and body["doc_prefix"] == "示范二县应急"
    assert "示范二县应急管理局" in last_audit(session, "bureau_created").summary
    duplicate = api("admin")(
        "POST", "/api/admin/bureaus", {"name": "示范三县应急管理局", "code": "COUNTY2", "parent_id": city.id}
    )
    assert duplicate.status_code == 409
    county = session.get(Bureau, body["id"])
    below_county = api("admin")(
        "POST", "/api/admin/bureaus", {"name": "某乡", "code": "TOWN1", "parent_id": county.id}
    )
    assert below_county.status_code == 422 and "parent_id" in below_county.get_json()["errors"]
    province_id = user("province_supervisor").bureau_id
    above = api("admin")(
        "POST", "/api/admin/bureaus", {"name": "某市", "code": "CITY9", "parent_id": province_id}
    )
    assert above.status_code == 422 and "parent_id" in above.get_json()["errors"]
    assert api("clerk")("POST", "/api/admin/bureaus", {"name": "x", "code": "XX"}).status_code == 403
    new_user_there = api("admin")("POST", "/api/admin/users", new_user(bureau_id=county.id))
    assert new_user_there.status_code == 201
