"""Defaults. instance/config.py, then environment variables, then the settings
passed to create_app() override them (in that order)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class Defaults:
    # None: read instance/secret_key, written by `flask init-db` (app/security/secret_key.py).
    SECRET_KEY = None
    DATABASE_URL = f"sqlite:///{INSTANCE / 'app.db'}"
    WORKFLOWS_DIR = str(ROOT / "workflows")
    SCHEDULER_ENABLED = True
    # `make run` sets this so the single web process also fires timers; deployments
    # with several web processes leave it off and run `flask scheduler run` once.
    START_SCHEDULER_IN_WEB = False
    SCHEDULER_INTERVAL_SECONDS = 15
    SCHEDULER_WORKERS = 4  # threads that fire a sweep's timers (PostgreSQL; SQLite uses one)
    DEMO_PASSWORD = "demo1234"
    API_TOKEN_HOURS = 12
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # uploads (BPMN, CSV) larger than this get 413
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False  # set it (SESSION_COOKIE_SECURE=1) when served over HTTPS
    SESSION_IDLE_HOURS = 8  # a session unused this long is over (the cookie's signed age)
    # Login throttling (Flask-Limiter).  "database://": counted in the application's own
    # database (app/security/throttle_store.py), so all gunicorn workers share the counts;
    # redis://... works too.
    RATELIMIT_STORAGE_URI = "database://"
    LOGIN_FAILURES_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "50 per 15 minutes"
    PASSWORD_MIN_LENGTH = 10
    LOG_FORMAT = "text"  # "json": one JSON line per request and per timer firing
    # /metrics: open to loopback addresses; elsewhere it needs `Authorization: Bearer <METRICS_TOKEN>`.
    METRICS_TOKEN = None
    DEPLOY_BUNDLED_WORKFLOWS = True
    # Demo listings start a listing case for their management period; the tests turn
    # this off so that boards and inboxes hold only what each test creates.
    DEMO_MANAGEMENT_CASES = True
    # Settings of the procedure that vary by province (PROCEDURE.md "config").
    # Deadlines live in the diagrams; these are the few that are not deadlines.
    REVOKED_REMOVAL_KEEPS_SERVED_TIME = True
    # Webhooks to departments and banks: a slow receiver holds one delivery at most this
    # long; after this many failed tries a delivery is marked failed (an incident).
    WEBHOOK_TIMEOUT_SECONDS = 5
    WEBHOOK_MAX_ATTEMPTS = 8
    # Deliveries to loopback and private addresses are refused (SSRF) unless allowed.
    WEBHOOK_ALLOW_PRIVATE = False
    # Public tips: the bureau whose hotline receives them (code; default: the first
    # city-level bureau) and how many one address may send per hour.
    TIPS_BUREAU_CODE = None
    TIPS_PER_HOUR = 5
    # National platforms (file adapters): files dropped by 信用中国 are imported, and
    # export files written, this often; folders default to instance/platforms/.
    PLATFORM_EXPORT_MINUTES = 60
    CREDITCHINA_DROP_DIR = None
    PLATFORM_EXPORT_DIR = None
    # Attachments: stored by SHA-256 in ATTACHMENT_STORAGE ("local": ATTACHMENT_DIR, default
    # instance/attachments); accepted kinds are checked by their first bytes (app/attachments/types.py).
    ATTACHMENT_STORAGE = "local"
    ATTACHMENT_DIR = None
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    ATTACHMENT_TYPES = ("pdf", "jpg", "png", "doc", "docx", "xls", "xlsx", "ofd")
    ATTACHMENTS_PER_FORM = 10  # files in one submitted form
    ATTACHMENTS_PER_CASE = 300
    # A form page that takes files reads at most this much text per field (a longer paste is
    # refused beside its field, with everything else kept, instead of a bare 413 page).
    FORM_FIELD_MAX_BYTES = 12 * 1024 * 1024
    # Public tips: few, small files of the plainest kinds.
    TIP_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    TIP_ATTACHMENTS_MAX = 3
    TIP_ATTACHMENT_TYPES = ("pdf", "jpg", "png")
    TIP_FORM_FIELD_MAX_BYTES = 256 * 1024
    # The bureau (code) whose administrators keep the holiday table; the demo's city bureau.
    CALENDAR_BUREAU_CODE = "CITY"
    # Notifications outside the system (app/notify).  A channel is offered to users only
    # when its settings are here.  E-mail: an SMTP server (MAIL_SECURITY starttls | ssl
    # | none).  SMS and 政务微信: the bureau's message gateway, a signed JSON POST.
    MAIL_SERVER = None
    MAIL_PORT = 587
    MAIL_SECURITY = "starttls"
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = None
    MAIL_FROM_NAME = "应急管理局"
    SMS_GATEWAY_URL = None
    SMS_GATEWAY_SECRET = None
    WECOM_GATEWAY_URL = None
    WECOM_GATEWAY_SECRET = None
    NOTIFY_TIMEOUT_SECONDS = 10
    NOTIFY_MAX_ATTEMPTS = 6
    DIGEST_HOUR = 8  # Shanghai hour after which each working day's digest goes out
    # The bureau (code or name) this deployment is set up for: it owns the shipped
    # workflows, so its designers and those of the bureaus above it edit and publish them.
    DEPLOYMENT_BUREAU = "CITY"
    # The supervisor board's counts (app/supervision/board_counts.py): a view with fewer
    # open rows than this is counted on every request; a larger one's counts are kept
    # in the database, taken again by the scheduler this often while the view is in use,
    # and by the request itself once they are older than the maximum age.
    BOARD_LIVE_COUNT_ROWS = 10_000
    BOARD_COUNTS_REFRESH_SECONDS = 60
    BOARD_COUNTS_MAX_AGE_SECONDS = 180
    BOARD_COUNTS_MAX_ENTRIES = 500
    # The supervisors' figures (统计分析, /api/stats) of a scope and period are computed at
    # most this often and kept in the database for every web process (app/stats/cache.py);
    # 0 computes them on every request.  At most this many scopes and periods are kept.
    # The scheduler computes again, before they go stale, those read within this many hours.
    FIGURES_MAX_AGE_SECONDS = 600
    FIGURES_MAX_ENTRIES = 500
    FIGURES_IN_USE_HOURS = 8


ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "DEMO_PASSWORD",
    "SCHEDULER_INTERVAL_SECONDS",
    "SCHEDULER_WORKERS",
    "SCHEDULER_ENABLED",
    "START_SCHEDULER_IN_WEB",
    "SESSION_COOKIE_SECURE",
    "SESSION_IDLE_HOURS",
    "RATELIMIT_STORAGE_URI",
    "LOG_FORMAT",
    "METRICS_TOKEN",
    "CALENDAR_BUREAU_CODE",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_SECURITY",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_FROM",
    "MAIL_FROM_NAME",
    "SMS_GATEWAY_URL",
    "SMS_GATEWAY_SECRET",
    "WECOM_GATEWAY_URL",
    "WECOM_GATEWAY_SECRET",
    "DIGEST_HOUR",
    "ATTACHMENT_STORAGE",
    "ATTACHMENT_DIR",
    "ATTACHMENT_MAX_BYTES",
    "DEPLOYMENT_BUREAU",
    "BOARD_LIVE_COUNT_ROWS",
    "BOARD_COUNTS_REFRESH_SECONDS",
    "BOARD_COUNTS_MAX_AGE_SECONDS",
    "FIGURES_MAX_AGE_SECONDS",
    "FIGURES_MAX_ENTRIES",
    "FIGURES_IN_USE_HOURS",
)
BOOLEAN_KEYS = {"SCHEDULER_ENABLED", "START_SCHEDULER_IN_WEB", "SESSION_COOKIE_SECURE"}
INTEGER_KEYS = {
    "SCHEDULER_INTERVAL_SECONDS",
    "SCHEDULER_WORKERS",
    "SESSION_IDLE_HOURS",
    "MAIL_PORT",
    "DIGEST_HOUR",
    "ATTACHMENT_MAX_BYTES",
    "BOARD_LIVE_COUNT_ROWS",
    "BOARD_COUNTS_REFRESH_SECONDS",
    "BOARD_COUNTS_MAX_AGE_SECONDS",
    "FIGURES_MAX_AGE_SECONDS",
    "FIGURES_MAX_ENTRIES",
    "FIGURES_IN_USE_HOURS",
}


def from_environment() -> dict:
    values: dict = {}
    for key in ENV_KEYS:
        if key in os.environ:
            value: object = os.environ[key]
            if key in INTEGER_KEYS:
                value = int(str(value))
            if key in BOOLEAN_KEYS:
                value = str(value).lower() in ("1", "true", "yes")
            values[key] = value
    return values
