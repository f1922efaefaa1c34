"""No known secret: the key comes from the configuration or instance/secret_key."""

from __future__ import annotations

import stat

import pytest

from app import create_app
from app.security.secret_key import PLACEHOLDERS, InsecureSecretKey


def settings(tmp_path, **extra):
    base = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}",
        "SECRET_KEY": None,
        "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "SCHEDULER_ENABLED": False,
        "TESTING": False,
    }
    base.update(extra)
    return base


def test_the_code_carries_no_key(monkeypatch):
    from app.config import Defaults

    assert Defaults.SECRET_KEY is None


def test_a_server_without_a_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureSecretKey, match="flask init-db"):
        create_app(settings(tmp_path))


@pytest.mark.parametrize("placeholder", ["dev-only-change-me", "change-me"])
def test_the_placeholder_is_refused_unless_testing_or_debug(tmp_path, placeholder):
    assert placeholder in PLACEHOLDERS
    with pytest.raises(InsecureSecretKey, match="placeholder"):
        create_app(settings(tmp_path, SECRET_KEY=placeholder))
    assert create_app(settings(tmp_path, SECRET_KEY=placeholder, TESTING=True)).secret_key == placeholder
    assert create_app(settings(tmp_path, SECRET_KEY=placeholder, DEBUG=True)).secret_key == placeholder


def test_init_db_writes_a_random_key_that_the_server_then_uses(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(settings(tmp_path, TESTING=True))  # as the CLI loads it, before the file exists
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    key_file = tmp_path / "secret_key"
    assert "wrote a new random SECRET_KEY" in result.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) == 64 and key not in PLACEHOLDERS
    app.extensions["database_engine"].dispose()
    served = create_app(settings(tmp_path))
    assert served.secret_key == key
    again = served.test_cli_runner().invoke(args=["init-db"])
    assert again.exit_code == 0 and "wrote" not in again.output  # kept, never replaced
    assert key_file.read_text().strip() == key
    served.extensions["database_engine"].dispose()


def test_init_db_creates_demo_accounts_only_when_asked(tmp_path):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import User

    app = create_app(settings(tmp_path, SECRET_KEY="k" * 32, TESTING=True, DEMO_MANAGEMENT_CASES=False))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
        db.session.remove()
    result = runner.invoke(args=["init-db", "--demo"])
    assert "demo data created" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) > 0
        db.session.remove()
    app.extensions["database_engine"].dispose()


def test_cookie_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.setenv("SESSION_IDLE_HOURS", "2")
    app = create_app(settings(tmp_path, SECRET_KEY="k" * 32))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 2 * 3600
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
