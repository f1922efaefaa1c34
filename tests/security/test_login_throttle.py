"""Failed sign-ins are throttled per account and per client address (Flask-Limiter),
over /login and /api/token together; unknown users cost a hash check too."""

from __future__ import annotations

import datetime as dt

import time_machine

from app.clock import now
from tests.conftest import PASSWORD


def fail_login(client, username):
    return client.post("/login", data={"username": username, "password": "wrong-password"})


def test_ten_failures_for_one_account_lock_it_for_fifteen_minutes(client):
    with time_machine.travel(now(), tick=False) as traveller:
        for _ in range(6):
            assert fail_login(client, "clerk").status_code == 200
        for _ in range(4):
            failed = client.post("/api/token", json={"username": "clerk", "password": "wrong"})
            assert failed.status_code == 401
        locked = client.post("/login", data={"username": "clerk", "password": PASSWORD})
        assert locked.status_code == 429
        assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
        assert "尝试次数过多" in locked.get_data(as_text=True)
        api = client.post("/api/token", json={"username": "Clerk ", "password": PASSWORD})
        assert api.status_code == 429 and "Retry-After" in api.headers
        assert api.get_json()["message"] == "尝试次数过多，请稍后再试"
        # another account from the same address is not locked
        assert client.post("/login", data={"username": "verifier", "password": PASSWORD}).status_code == 302
        client.post("/logout")
        traveller.shift(dt.timedelta(minutes=16))
        assert client.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 302


def test_successful_sign_ins_are_not_counted(client):
    for _ in range(12):
        assert client.post("/api/token", json={"username": "clerk", "password": PASSWORD}).status_code == 200


def test_failures_from_one_address_are_limited_across_accounts(app, client):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "5 per 15 minutes"
    try:
        for k in range(5):
            assert fail_login(client, f"nobody{k}").status_code == 200
        assert fail_login(client, "nobody-else").status_code == 429
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
        assert other.post("/login", data={"username": "clerk", "password": PASSWORD}).status_code == 302
    finally:
        app.config["LOGIN_FAILURES_PER_ADDRESS"] = "50 per 15 minutes"


def test_unknown_users_cost_a_password_hash_too(client, monkeypatch):
    from app.security import passwords

    checked = []
    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    fail_login(client, "no-such-user")
    client.post("/api/token", json={"username": "nobody", "password": "x"})
    assert len(checked) == 2 and checked[0].startswith(("scrypt:", "pbkdf2:"))
