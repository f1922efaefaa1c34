"""gunicorn serving the app in a process group of its own, and a task completion over
real HTTP: shared by the kill -9 reliability test and bench/http_load.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(
    env: dict, port: int, workers: int, threads: int = 4, wait_seconds: float = 120
) -> subprocess.Popen:
    """Start gunicorn (deploy/gunicorn.conf.py) and wait for /health; killed if it never answers."""
    served = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:create_app()"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers), "WEB_THREADS": str(threads)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill -9 hits master and workers
    )
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return served
        except OSError:
            time.sleep(0.3)
    os.killpg(served.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not come up")


def complete_over_http(port: int, token: str, item_id: int, data: dict, timeout: float = 60) -> int:
    """POST /api/tasks/<id>/complete; the HTTP status."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/tasks/{item_id}/complete",
        data=json.dumps({"data": data}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
