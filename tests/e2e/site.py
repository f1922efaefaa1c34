"""A live server for browser tests: a fresh seeded SQLite database on a random port."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.services.setup import prepare_database

PASSWORD = "test-pass"


@contextmanager
def serve_fresh_site(folder: Path, name: str):
    """A seeded SQLite database in `folder` served on a random port; yields its URL."""
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / f'{name}.db'}", "DEMO_PASSWORD": PASSWORD,
                      "SECRET_KEY": name, "SCHEDULER_ENABLED": False, "TESTING": False})
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
