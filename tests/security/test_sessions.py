"""Sessions end on logout, on password change and after the idle lifetime; tokens
can be revoked; new accounts choose their own password at first login."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import func, select

from app.clock import now
from app.models import ApiToken, User, UserRole
from tests.conftest import PASSWORD

NEW_PASSWORD = "Qiang2026mima"


def signed_in(client, username, password=PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def inbox_status(client) -> int:
    return client.get("/").status_code


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client):
    signed_in(client, "clerk")
    cookie = client.get_cookie("session").value
    assert inbox_status(client) == 200
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_ends_after_the_idle_lifetime(app, client):
    from app.config import Defaults

    assert Defaults.SESSION_IDLE_HOURS == 8
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=Defaults.SESSION_IDLE_HOURS)
    try:
        _idle_session_expires(client)
    finally:
        app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=app.config["SESSION_IDLE_HOURS"])


def _idle_session_expires(client):
    with time_machine.travel(now(), tick=False) as traveller:
        signed_in(client, "clerk")
        traveller.shift(dt.timedelta(hours=7))
        assert inbox_status(client) == 200  # each request renews the idle period
        traveller.shift(dt.timedelta(hours=7, minutes=59))
        assert inbox_status(client) == 200
        traveller.shift(dt.timedelta(hours=8, minutes=1))
        assert inbox_status(client) == 302


def test_delete_token_revokes_it(client):
    token = client.post("/api/token", json={"username": "clerk", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/tasks", headers=headers).status_code == 200
    assert client.delete("/api/token", headers=headers).status_code == 204
    assert client.get("/api/tasks", headers=headers).status_code == 401
    assert client.delete("/api/token", headers=headers).status_code == 401


def change(client, current, new, confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_password_change_follows_the_policy(client):
    signed_in(client, "clerk")
    for current, new, message in [
        ("wrong", NEW_PASSWORD, "当前密码不正确"),
        (PASSWORD, "short1", "至少 10 位"),
        (PASSWORD, "onlyletterslong", "字母和数字"),
        (PASSWORD, "clerk123456789", "用户名"),
        (PASSWORD, "password123", "常见"),
        (PASSWORD, "1111111111a", "重复字符"),
    ]:
        response = change(client, current, new)
        assert response.status_code == 200 and message in response.get_data(as_text=True), message
    response = change(client, PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert "两次输入的新密码不一致" in response.get_data(as_text=True)


def test_password_change_ends_other_sessions_and_tokens(app, client, session, user):
    token = client.post("/api/token", json={"username": "clerk", "password": PASSWORD}).get_json()["token"]
    other_device = app.test_client()
    signed_in(other_device, "clerk")
    signed_in(client, "clerk")
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert inbox_status(client) == 200  # this session goes on
    assert inbox_status(other_device) == 302
    assert client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    clerk = user("clerk")
    assert session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == clerk.id)) == 0
    assert clerk.password_changed_at is not None
    client.post("/logout")
    assert client.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 200
    signed_in(client, "clerk", NEW_PASSWORD)


def test_every_user_reaches_the_password_page(login):
    for username in ("clerk", "supervisor", "county_admin", "province_supervisor"):
        page = login(username).get("/account/password")
        assert page.status_code == 200 and "修改密码" in page.get_data(as_text=True)


def test_a_new_account_changes_its_initial_password_first(client, session, user):
    clerk = user("clerk")
    newcomer = User(
        username="newcomer",
        display_name="新同事",
        bureau_id=clerk.bureau_id,
        password_hash=clerk.password_hash,  # the initial password an administrator chose
        role_rows=[UserRole(role="clerk")],
    )
    session.add(newcomer)
    session.commit()
    assert newcomer.must_change_password is True  # the default for every new account
    response = signed_in(client, "newcomer")
    assert response.headers["Location"].endswith("/account/password")
    assert client.get("/cases/").headers["Location"].endswith("/account/password")
    token = client.post("/api/token", json={"username": "newcomer", "password": PASSWORD})
    assert token.status_code == 403 and "修改初始密码" in token.get_json()["message"]
    assert change(client, PASSWORD, NEW_PASSWORD).status_code == 302
    assert inbox_status(client) == 200
    assert (
        client.post("/api/token", json={"username": "newcomer", "password": NEW_PASSWORD}).status_code == 200
    )


def test_demo_accounts_keep_their_password(user):
    assert user("clerk").must_change_password is False
