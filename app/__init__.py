"""Application factory."""

from __future__ import annotations

from flask import Flask

from app.config import INSTANCE, Defaults, from_environment


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(INSTANCE), instance_relative_config=True)
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if config:
        app.config.update(config)

    import datetime as dt

    from app.extensions import csrf, db, login_manager
    from app.security import headers, hygiene, secret_key
    from app.security.throttle import limiter

    secret_key.apply(app)
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=app.config["SESSION_IDLE_HOURS"])
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    headers.register(app)
    hygiene.register(app)  # before the blueprints: their <int:…> rules use its converter
    from app.web import uploads

    uploads.register(app)  # its request class extends hygiene's

    from app.ops import logs, metrics

    logs.register(app)
    metrics.register(app)  # after logs: its after_request runs first (Flask runs them in reverse)

    from app.setup import wiring

    wiring.connect(app)

    from app.web import register_blueprints

    register_blueprints(app)

    from app import cli

    cli.register(app)

    if app.config.get("SCHEDULER_ENABLED") and app.config.get("START_SCHEDULER_IN_WEB"):
        from app import scheduler

        scheduler.start_in_background(app)
    return app
