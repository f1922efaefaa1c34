"""`make run` serves through gunicorn with the scheduler inside its one worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "FLASK_"))}
    env.update(
        {
            "FLASK_APP": "app:create_app",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
            "SECRET_KEY": "a-random-key-for-this-test-only-0123456789",
            "SCHEDULER_INTERVAL_SECONDS": "1",
        }
    )
    env.update(extra)
    return env


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def test_gunicorn_serves_with_one_scheduler(tmp_path):
    env = environment(tmp_path)
    subprocess.run([str(BIN / "flask"), "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    served = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:create_app()"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "WEB_CONCURRENCY": "1", "START_SCHEDULER_IN_WEB": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline:
            try:
                status, headers, raw = get(base + "/health")
                body = json.loads(raw)
                if body["scheduler"]["last_run_at"]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert body is not None and body["status"] == "ok", body
        assert body["scheduler"]["last_run_at"], "the scheduler inside the worker never swept"
        status, headers, _ = get(base + "/login")
        assert status == 200 and headers["Server"] == "gunicorn"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
    finally:
        served.terminate()
        output = served.communicate(timeout=30)[0].decode(errors="replace")
    assert "Werkzeug" not in output


def test_the_config_refuses_a_scheduler_in_each_of_several_workers(tmp_path):
    result = subprocess.run(
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--check-config", "app:create_app()"],
        cwd=ROOT,
        env=environment(tmp_path, WEB_CONCURRENCY="2", START_SCHEDULER_IN_WEB="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "flask scheduler run" in (result.stdout + result.stderr)
