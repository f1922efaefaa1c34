"""Bringing a database to a usable state: schema (Alembic), workflows, demo data."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

from app.config import ROOT
from app.engine import deploy_bundled
from app.extensions import db
from app.setup import demo as demo_seed


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(app: Flask) -> None:
    # "heads": features add migrations on their own branches from 0001.
    command.upgrade(alembic_config(app.config["DATABASE_URL"]), "heads")


def prepare_database(app: Flask, demo: bool = True) -> bool:
    migrate(app)
    if app.config.get("DEPLOY_BUNDLED_WORKFLOWS", True):
        deploy_bundled(db.session, Path(app.config["WORKFLOWS_DIR"]))
    created = False
    if demo:  # after the deployment: demo listings run their management period
        created = demo_seed.seed(db.session, app.config["DEMO_PASSWORD"],
                                 management_cases=app.config.get("DEMO_MANAGEMENT_CASES", True))
    db.session.flush()
    return created
