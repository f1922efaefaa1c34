"""Logs: one line per request (and the scheduler's one line per timer firing), as
JSON objects when LOG_FORMAT=json, as plain text otherwise."""

from __future__ import annotations

import datetime as dt
import json
import logging

from flask import Flask, g, request
from flask_login import current_user

from app.ops.metrics import route_of

request_log = logging.getLogger("app.requests")
ENGINE_LOGGERS = ("spiff", "spiff.task", "spiff.workflow")
FIELDS = (
    "event",
    "method",
    "path",
    "route",
    "status",
    "duration_ms",
    "user",
    "remote",
    "case_id",
    "timer_id",
    "element",
    "error",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(app: Flask) -> None:
    """Install one handler on the root logger (once per process), unless testing."""
    root = logging.getLogger()
    if app.testing or any(getattr(h, "credit_register", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.credit_register = True
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # SpiffWorkflow logs every task state change at INFO: dozens of lines a step, and
    # formatting them costs more than the step.  What a case did is in its history.
    for name in ENGINE_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def register(app: Flask) -> None:
    configure(app)

    @app.after_request
    def log_request(response):
        if request.endpoint == "static":
            return response
        seconds = g.get("request_seconds")
        user = current_user.username if getattr(current_user, "is_authenticated", False) else None
        if user is None and g.get("api_user") is not None:
            user = g.api_user.username
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "event": "request",
                "method": request.method,
                "path": request.path,
                "route": route_of(),
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1) if seconds is not None else None,
                "user": user,
                "remote": request.remote_addr,
            },
        )
        return response
