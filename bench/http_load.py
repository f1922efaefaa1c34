"""Benchmark: concurrent clients completing tasks through gunicorn on PostgreSQL.

A scratch database with N repair cases waiting at their first step (one started
through the engine, the rest copies: bench/clones.py) is served by gunicorn with W
workers (deploy/gunicorn.conf.py) in a subprocess.  C client threads complete the
tasks over HTTP (POST /api/tasks/<id>/complete, token auth); a quarter of the calls
go for a task another client is also completing, so some 409s are expected.
Printed: completions per second, p50/p95 latency, and every status other than 200
and 409 (there must be none).

Usage: python bench/http_load.py [N=400] [CLIENTS=16] [WORKERS=4]
"""

from __future__ import annotations

import collections
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app.cases.repair import start_repair  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import TaskItem, User  # noqa: E402
from app.org.tokens import issue_token  # noqa: E402
from app.setup.database import prepare_database  # noqa: E402
from bench.clones import clone_case  # noqa: E402
from bench.scratch import bench_app, pct, pg_database  # noqa: E402
from tests.helpers import entry_named, repair_data  # noqa: E402
from tests.served import complete_over_http  # noqa: E402
from tests.served import serve as serve_app  # noqa: E402


def prepare(url: str, n: int) -> tuple[list[int], str]:
    app = bench_app(url)
    with app.app_context():
        session = db.session
        prepare_database(app, demo=True)
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        case = start_repair(session, clerk, repair_data(entry_named(session, "明远矿业有限公司").id))
        session.flush()
        clone_case(session, case.id, n - 1)
        token = issue_token(session, clerk, 2)
        session.commit()
        items = session.scalars(
            select(TaskItem.id).where(TaskItem.completed_at.is_(None), TaskItem.step == "acceptance_review")
        ).all()
        db.session.remove()
    app.extensions["database_engine"].dispose()
    return list(items), token


def serve(url: str, workers: int) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "http-load-bench-key-0123456789",
            "SCHEDULER_ENABLED": "0",
        }
    )
    return serve_app(env, port, workers), port


def complete(port: int, token: str, item_id: int) -> int:
    return complete_over_http(port, token, item_id, {"outcome": "accept"})


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    print(f"HTTP load on PostgreSQL: {n} tasks, {clients} clients, gunicorn {workers} workers x 4 threads")
    with pg_database("http_bench") as url:
        items, token = prepare(url, n)
        rng = random.Random(3)
        calls = items + rng.sample(items, len(items) // 4)  # some tasks twice: 409s
        rng.shuffle(calls)
        served, port = serve(url, workers)
        try:
            latencies: list[float] = []
            statuses: collections.Counter = collections.Counter()
            queue = iter(calls)
            lock = threading.Lock()

            def client() -> None:
                while True:
                    with lock:
                        item_id = next(queue, None)
                    if item_id is None:
                        return
                    began = time.perf_counter()
                    status = complete(port, token, item_id)
                    took = time.perf_counter() - began
                    with lock:
                        latencies.append(took * 1000)
                        statuses[status] += 1

            began = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - began
        finally:
            os.killpg(served.pid, signal.SIGTERM)
            served.wait(30)
    print(
        f"  {statuses[200]} completed, {statuses[409]} x 409 in {wall:.1f} s: {statuses[200] / wall:.1f} completions/s,"
        f" {len(latencies) / wall:.1f} requests/s"
    )
    print(f"  latency median {statistics.median(latencies):.0f} ms  p95 {pct(latencies, 0.95):.0f} ms")
    others = {k: v for k, v in statuses.items() if k not in (200, 409)}
    print(f"  other statuses: {others or 'none'}")
    assert statuses[200] == n and not others


if __name__ == "__main__":
    main()
