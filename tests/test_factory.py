from app import create_app


def test_test_settings_take_effect(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"})
    assert app.testing and app.config["SECRET_KEY"] == "k"
    assert app.config["DATABASE_URL"].endswith("x.db")


def test_defaults_without_overrides(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-random-key-from-the-environment")  # else it refuses to start
    app = create_app()
    assert not app.testing
    assert app.config["DATABASE_URL"].startswith("sqlite:///") and app.config["DATABASE_URL"].endswith(
        "instance/app.db"
    )


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("START_SCHEDULER_IN_WEB", "0")
    monkeypatch.setenv("SCHEDULER_INTERVAL_SECONDS", "30")
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"].endswith("env.db")
    assert app.config["START_SCHEDULER_IN_WEB"] is False and app.config["SCHEDULER_INTERVAL_SECONDS"] == 30


def test_demo_listings_run_their_management_period(tmp_path):
    """`make run` seeds listings whose listing cases carry the inspections and expiry."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Case, RegisterEntry, Timer
    from app.setup.database import prepare_database
    from tests.conftest import build_app

    app = build_app(f"sqlite:///{tmp_path / 'demo.db'}", DEMO_MANAGEMENT_CASES=True)
    try:
        with app.app_context():
            assert prepare_database(app, demo=True) is True
            db.session.commit()
            entries = db.session.scalars(select(RegisterEntry)).all()
            assert entries and all(e.listing_case_id for e in entries)
            for entry in entries:
                case = db.session.get(Case, entry.listing_case_id)
                assert case.process_key == "listing" and case.status == "active"
                ends = db.session.scalars(
                    select(Timer).where(
                        Timer.case_id == case.id,
                        Timer.element_id == "period_end_timer",
                        Timer.is_pending,
                    )
                ).all()
                assert len(ends) == 1
            assert prepare_database(app, demo=True) is False  # a second run adds nothing
            db.session.remove()
    finally:
        app.extensions["database_engine"].dispose()
