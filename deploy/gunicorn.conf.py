"""gunicorn settings for `make run` and for deployments (`gunicorn -c deploy/gunicorn.conf.py`).

`make run`: one worker with threads, the scheduler inside it (START_SCHEDULER_IN_WEB=1),
so exactly one scheduler runs.  Deployments: WEB_CONCURRENCY workers and
`flask scheduler run` as its own process; the web workers then never start one.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 20
accesslog = None  # the app logs one line per request itself (LOG_FORMAT=json for JSON lines)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

if workers > 1 and os.environ.get("START_SCHEDULER_IN_WEB", "").lower() in ("1", "true", "yes"):
    raise SystemExit(
        "START_SCHEDULER_IN_WEB with several workers would start one scheduler per worker: "
        "run `flask scheduler run` as its own process instead"
    )
