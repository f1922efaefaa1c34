"""A live server for browser tests: a fresh seeded SQLite database on a random port."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.setup.database import prepare_database

PASSWORD = "test-pass"


@contextmanager
def serve_fresh_site(folder: Path, name: str):
    """A seeded SQLite database in `folder` served on a random port; yields its URL."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / f'{name}.db'}",
            "DEMO_PASSWORD": PASSWORD,
            "SECRET_KEY": name,
            "SCHEDULER_ENABLED": False,
            "TESTING": False,
            "ATTACHMENT_DIR": str(folder / "attachments"),
        }
    )
    with app.app_context():
        prepare_database(app, demo=True)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["database_engine"].dispose()


@contextmanager
def open_page(browser, base_url: str, width: int = 1400, height: int = 900):
    """A fresh browser context and page; script errors collect in `page.js_errors`."""
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    try:
        yield page
    finally:
        context.close()


def sign_in(page, username: str, password: str = PASSWORD):
    page.wait_for_load_state("networkidle")  # a late response of the last page would set its cookie again
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return page
