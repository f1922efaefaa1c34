from app import create_app


def test_test_settings_take_effect(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"})
    assert app.testing and app.config["SECRET_KEY"] == "k"
    assert app.config["DATABASE_URL"].endswith("x.db")


def test_defaults_without_overrides(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert not app.testing
    assert app.config["DATABASE_URL"].startswith("sqlite:///") and app.config["DATABASE_URL"].endswith("instance/app.db")


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("START_SCHEDULER_IN_WEB", "0")
    monkeypatch.setenv("SCHEDULER_INTERVAL_SECONDS", "30")
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"].endswith("env.db")
    assert app.config["START_SCHEDULER_IN_WEB"] is False and app.config["SCHEDULER_INTERVAL_SECONDS"] == 30
