"""A local webhook receiver and an organisation with a key, for the partner tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.models import EntryStatus, RegisterEntry


class Receiver:
    """Records every POST; answers with the next status in `statuses` (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def organisation(api):
    """organisation(admin="admin") -> (organisation json with api_key)."""

    def make(admin: str = "admin", name: str = "示范银行股份有限公司示范市分行", kind: str = "bank") -> dict:
        response = api(admin)("POST", "/api/admin/organisations", {"name": name, "kind": kind})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


@pytest.fixture()
def listed_entry(session):
    def find(bureau_code: str | None = None) -> RegisterEntry:
        stmt = select(RegisterEntry).where(
            RegisterEntry.status == EntryStatus.LISTED,
            RegisterEntry.published.is_(True),
            RegisterEntry.credit_code.is_not(None),
        )
        entries = session.scalars(stmt.order_by(RegisterEntry.id)).all()
        if bureau_code:
            entries = [e for e in entries if e.bureau.code == bureau_code]
        return entries[0]

    return find
