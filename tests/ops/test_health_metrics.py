"""/health, /metrics and the JSON logs."""

from __future__ import annotations

import datetime as dt
import json
import logging

import time_machine
from sqlalchemy import update

from app.clock import now
from app.models import Timer
from app.ops.logs import JsonFormatter


def test_health_reports_database_and_scheduler(client, runner, session):
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert set(body["scheduler"]) == {"last_run_at", "due_now"}
    session.execute(
        update(Timer).where(Timer.fired_at.is_(None)).values(due_at=now() - dt.timedelta(days=400))
    )
    session.commit()
    due = client.get("/health").get_json()["scheduler"]["due_now"]
    assert due >= 0
    result = runner.invoke(args=["timers", "fire-due"])
    assert result.exit_code == 0, result.output
    after = client.get("/health").get_json()["scheduler"]
    assert after["last_run_at"] is not None


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    from tests.conftest import build_app

    app = build_app(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")  # the folder does not exist
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error", "scheduler": None}
    app.extensions["database_engine"].dispose()


def test_metrics_in_prometheus_text(client, login):
    login("clerk").get("/")
    client.get("/no-such-page")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'credit_http_requests_total{method="GET",route="/",status="200"}' in text
    assert 'route="unmatched",status="404"' in text
    assert "credit_http_request_duration_seconds_bucket" in text
    for name in (
        "credit_timers_fired_total",
        "credit_timers_failed",
        "credit_timers_due",
        "credit_open_tasks",
    ):
        assert name in text, name
    assert 'credit_open_tasks{claim="unclaimed",state="overdue"}' in text


def test_metrics_are_for_loopback_or_the_token(app, client):
    outside = app.test_client()
    outside.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert outside.get("/metrics").status_code == 403
    app.config["METRICS_TOKEN"] = "scrape-secret"
    try:
        assert client.get("/metrics").status_code == 403  # with a token set, loopback needs it too
        ok = outside.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert ok.status_code == 200
    finally:
        app.config["METRICS_TOKEN"] = None


def test_json_log_lines_carry_the_request_fields(client, caplog):
    with caplog.at_level(logging.INFO, logger="app.requests"):
        client.get("/health")
    [record] = [r for r in caplog.records if r.name == "app.requests"]
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "request" and line["path"] == "/health" and line["status"] == 200
    assert line["route"] == "/health" and isinstance(line["duration_ms"], float) and line["level"] == "info"


def test_each_timer_firing_is_one_log_line(app, api, session, caplog):
    from app.scheduler import fire_due_timers
    from tests.helpers import entry_named, repair_data

    entry = entry_named(session, "示范化工有限公司")
    started = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert started.status_code == 201
    with time_machine.travel(now() + dt.timedelta(days=90), tick=False):
        with caplog.at_level(logging.INFO, logger="app.scheduler"):
            fired = fire_due_timers(session)
    lines = [
        json.loads(JsonFormatter().format(r))
        for r in caplog.records
        if getattr(r, "event", "") == "timer_fired"
    ]
    assert fired > 0 and len(lines) == fired
    assert all(line["case_id"] and line["timer_id"] and line["element"] for line in lines)
