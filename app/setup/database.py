"""Bringing a database to a usable state: schema (Alembic), workflows, demo data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import create_engine, inspect, text

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
    """Upgrade to the head of the one linear chain (tests/test_migrations.py keeps it
    linear).  Databases made while 0002 and 0003 were sibling branches record both;
    the older one is an ancestor of 0003 now and is dropped from the record first."""
    url = app.config["DATABASE_URL"]
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if inspect(conn).has_table("alembic_version"):
                rows = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
                if {"0002_listing", "0003_supervision"} <= rows:
                    conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0002_listing'"))
    finally:
        engine.dispose()
    command.upgrade(alembic_config(url), "head")


def prepare_database(app: Flask, demo: bool = True) -> bool:
    migrate(app)
    if app.config.get("DEPLOY_BUNDLED_WORKFLOWS", True):
        deploy_bundled(db.session, Path(app.config["WORKFLOWS_DIR"]))
    created = False
    if demo:  # after the deployment: demo listings run their management period
        created = demo_seed.seed(
            db.session,
            app.config["DEMO_PASSWORD"],
            management_cases=app.config.get("DEMO_MANAGEMENT_CASES", True),
        )
    db.session.flush()
    return created
