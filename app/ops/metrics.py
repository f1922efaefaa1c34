"""Prometheus metrics (prometheus_client): requests by route and status, latencies,
and figures read from the database at each scrape (timers fired and failed, the due
backlog, open tasks by state).

Each app has its own registry.  With several gunicorn workers set
PROMETHEUS_MULTIPROC_DIR (an empty directory) so that the request counters of all
workers are added up (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import time

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from app.clock import now
from app.ops import status


class DatabaseCollector:
    """Figures every process reads alike from the database."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        from app.extensions import db

        with self.app.app_context():
            session = db.session
            at = now()
            fired = CounterMetricFamily("credit_timers_fired", "Timers fired by the schedulers")
            fired.add_metric([], status.timers_fired(session))
            failed = GaugeMetricFamily("credit_timers_failed", "Timers that could not fire (incidents)")
            failed.add_metric([], status.timers_failed(session))
            due = GaugeMetricFamily("credit_timers_due", "Timers due now and not yet fired (backlog)")
            due.add_metric([], status.due_now(session, at))
            tasks = GaugeMetricFamily("credit_open_tasks", "Open tasks by state", labels=["state", "claim"])
            for key, count in status.open_tasks_by_state(session, at).items():
                tasks.add_metric(key.split(":"), count)
            last = status.last_run_at(session)
            beat = GaugeMetricFamily("credit_scheduler_last_run_timestamp_seconds", "Last timer sweep")
            beat.add_metric([], last.timestamp() if last else 0)
            db.session.remove()
        yield from (fired, failed, due, tasks, beat)


class Metrics:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "credit_http_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "credit_http_request_duration_seconds",
            "HTTP request latency by route",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )

    def observe(self, route: str, method: str, status_code: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status_code)).inc()
        self.latency.labels(route).observe(seconds)

    def exposition(self) -> bytes:
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            multiprocess.MultiProcessCollector(registry)
        else:
            registry = self.registry
        body = generate_latest(registry)
        extra = CollectorRegistry()
        extra.register(DatabaseCollector(self.app))
        return body + generate_latest(extra)


def route_of() -> str:
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def register(app: Flask) -> None:
    app.extensions["metrics"] = Metrics(app)

    @app.before_request
    def start_timing() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def count_request(response):
        started = g.pop("request_started", None)
        if started is not None:
            elapsed = time.perf_counter() - started
            current_app.extensions["metrics"].observe(
                route_of(), request.method, response.status_code, elapsed
            )
            g.request_seconds = elapsed
        return response
