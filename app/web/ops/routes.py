"""/health for load balancers and monitors, /metrics for Prometheus."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from app.clock import now
from app.extensions import db
from app.ops import status

bp = Blueprint("ops", __name__)


@bp.route("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
        at = now()
        last = status.last_run_at(db.session)
        body = {
            "status": "ok",
            "database": "ok",
            "scheduler": {
                "last_run_at": last.isoformat() if last else None,
                "due_now": status.due_now(db.session, at),
            },
        }
        db.session.rollback()
        return jsonify(body)
    except Exception:  # the database does not answer: say so, do not raise
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        return jsonify({"status": "error", "database": "error", "scheduler": None}), 503


def _may_scrape() -> bool:
    """With METRICS_TOKEN set, `Authorization: Bearer <METRICS_TOKEN>`; without it, only
    loopback clients (a reverse proxy on the same host must not pass /metrics on)."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.route("/metrics")
def metrics():
    if not _may_scrape():
        abort(403)
    body = current_app.extensions["metrics"].exposition()
    db.session.rollback()
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
