"""Benchmark: the supervisor's board over 100,000 open cases.

Fills a scratch database (an SQLite file under /tmp, and a fresh PostgreSQL database
when one is reachable) with the demo bureaus plus nine more counties, 100,000 active
cases, their task rows (one open, one finished each) and timer rows (deadline,
warning, some waits), all by bulk inserts: the engine is not involved, this measures
the board's read path.  Then it times the board through the Flask test client, logged
in as the city supervisor (who sees the city and its ten counties), and as a county
supervisor, and prints median and p95 per request and backend.

Usage: python bench/board.py [CASES] [REPEATS]
PostgreSQL: BENCH_PG_URL or TEST_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres);
set BENCH_PG_URL=none to skip it.  Both databases are removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.clock import now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Bureau, Case, ProcessVersion, TaskItem, Timer, User, UserRole  # noqa: E402
from app.setup.database import prepare_database  # noqa: E402

PASSWORD = "bench-pass"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STEPS = [
    ("acceptance_review", "受理审核", "clerk"),
    ("verification", "检查核实", "verifier"),
    ("decision", "作出决定", "leader"),
    ("publication", "公示结果", "publisher"),
]
BATCH = 10_000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def add_bureaus_and_officers(session) -> tuple[list[int], dict[tuple[int, str], list[int]]]:
    """Nine more counties under the city; five officers per role and bureau."""
    city = session.scalar(select(Bureau).where(Bureau.code == "CITY"))
    for i in range(1, 10):
        session.add(
            Bureau(
                code=f"COUNTY{i}",
                name=f"基准县{i}应急管理局",
                level="county",
                doc_prefix=f"基{i}应急",
                parent_id=city.id,
            )
        )
    session.flush()
    bureaus = [b for b in session.scalars(select(Bureau.id).where(Bureau.level != "province"))]
    officers: dict[tuple[int, str], list[int]] = {}
    for bureau_id in bureaus:
        for _step, _name, role in STEPS:
            for k in range(5):
                user = User(
                    username=f"b{bureau_id}_{role}{k}",
                    display_name=f"{role}{k}",
                    password_hash="x",
                    bureau_id=bureau_id,
                )
                user.role_rows = [UserRole(role=role)]
                session.add(user)
                session.flush()
                officers.setdefault((bureau_id, role), []).append(user.id)
    return bureaus, officers


def fill(session, cases: int) -> None:
    rng = random.Random(42)
    at = now()
    bureaus, officers = add_bureaus_and_officers(session)
    version_id = session.scalar(
        select(ProcessVersion.id).where(ProcessVersion.key == "repair", ProcessVersion.state == "published")
    )
    first = (session.scalar(select(func.max(Case.id))) or 0) + 1
    case_rows, task_rows, timer_rows = [], [], []
    task_id = (session.scalar(select(func.max(TaskItem.id))) or 0) + 1
    for n in range(cases):
        case_id = first + n
        bureau_id = bureaus[0] if n % 3 == 0 else rng.choice(bureaus)  # a third in the city
        created = at - dt.timedelta(days=rng.uniform(5, 400))
        case_rows.append(
            {
                "id": case_id,
                "number": f"BENCH-{case_id:07d}",
                "process_key": "repair",
                "process_version_id": version_id,
                "bureau_id": bureau_id,
                "subject_name": f"基准测试企业{case_id}",
                "status": "active",
                "state": "",
                "facts": {},
                "version": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
        done_step, open_step = rng.sample(STEPS, 2)
        task_rows.append(
            {
                "id": task_id,
                "case_id": case_id,
                "engine_task_id": f"d{case_id}",
                "step": done_step[0],
                "name": done_step[1],
                "role": done_step[2],
                "bureau_id": bureau_id,
                "created_at": created,
                "completed_at": created + dt.timedelta(days=2),
                "due_at": created + dt.timedelta(days=3),
                "outcome": "completed",
                "claimed_by_id": officers[(bureau_id, done_step[2])][0],
            }
        )
        task_id += 1
        due = at + dt.timedelta(days=rng.uniform(-15, 25)) if rng.random() < 0.9 else None
        claimed = rng.choice(officers[(bureau_id, open_step[2])]) if rng.random() < 0.5 else None
        warn = due - dt.timedelta(days=1) if due is not None and rng.random() < 0.5 else None
        task_rows.append(
            {
                "id": task_id,
                "case_id": case_id,
                "engine_task_id": f"o{case_id}",
                "step": open_step[0],
                "name": open_step[1],
                "role": open_step[2],
                "bureau_id": bureau_id,
                "created_at": at - dt.timedelta(days=rng.uniform(1, 10)),
                "due_at": due,
                "warn_at": warn,
                "escalated_at": due if due is not None and due < at else None,
                "claimed_by_id": claimed,
            }
        )
        task_id += 1
        if due is not None:
            timer_rows.append(
                {
                    "case_id": case_id,
                    "bureau_id": bureau_id,
                    "engine_task_id": f"t{case_id}",
                    "element_id": f"{open_step[0]}_deadline",
                    "name": "办理期限",
                    "step": open_step[0],
                    "kind": "deadline",
                    "due_at": due,
                    "created_at": created,
                    "fired_at": due if due < at else None,
                    "attempts": 0,
                }
            )
            if warn is not None:
                timer_rows.append(
                    {
                        "case_id": case_id,
                        "bureau_id": bureau_id,
                        "engine_task_id": f"w{case_id}",
                        "element_id": f"{open_step[0]}_warning",
                        "name": "办理预警",
                        "step": open_step[0],
                        "kind": "warning",
                        "due_at": warn,
                        "created_at": created,
                        "fired_at": warn if warn < at else None,
                        "attempts": 0,
                    }
                )
        if n % 10 == 0:  # a case also waiting on a follow-up timer
            timer_rows.append(
                {
                    "case_id": case_id,
                    "bureau_id": bureau_id,
                    "engine_task_id": f"f{case_id}",
                    "element_id": "wait_follow_up",
                    "name": "移出后6个月回访",
                    "step": None,
                    "kind": "wait",
                    "due_at": at + dt.timedelta(days=rng.uniform(1, 180)),
                    "created_at": created,
                    "attempts": 0,
                }
            )
    for table, rows in (
        (Case.__table__, case_rows),
        (TaskItem.__table__, task_rows),
        (Timer.__table__, timer_rows),
    ):
        keys = set().union(*rows)  # executemany wants the same columns in every row
        rows = [{key: row.get(key) for key in keys} for row in rows]
        for start in range(0, len(rows), BATCH):
            session.execute(insert(table), rows[start : start + BATCH])
    session.commit()
    print(f"  filled: {len(case_rows):,} cases, {len(task_rows):,} task rows, {len(timer_rows):,} timer rows")


def time_requests(app, repeats: int) -> None:
    client = app.test_client()
    county = db.session.scalar(select(Bureau.id).where(Bureau.code == "COUNTY3"))
    requests = [  # (user, label, path[, repeats])
        ("supervisor", "board, all pending, page 1", "/supervisor/"),
        ("supervisor", "board, overdue", "/supervisor/?state=overdue"),
        ("supervisor", "board, due within 3 working days", "/supervisor/?state=due_soon"),
        ("supervisor", "board, one county (filter)", f"/supervisor/?bureau={county}"),
        ("supervisor", "board, unclaimed verification", "/supervisor/?step=verification&officer=unclaimed"),
        ("supervisor", "board, page 400 (deep paging)", "/supervisor/?page=400"),
        ("supervisor", "GET /api/timers?state=overdue", "/api/timers?state=overdue"),
        ("county_supervisor", "board as a county supervisor", "/supervisor/"),
        ("supervisor", "figures page, last 12 months (not the board)", "/supervisor/figures", 5),
    ]
    tokens = {}
    for username in {r[0] for r in requests}:
        tokens[username] = client.post(
            "/api/token", json={"username": username, "password": PASSWORD}
        ).get_json()["token"]
    for username, label, path, *times in requests:
        n = times[0] if times else repeats
        client.post("/logout")
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        headers = {"Authorization": f"Bearer {tokens[username]}"} if path.startswith("/api/") else {}
        for _ in range(3 if n > 5 else 1):  # warm caches and the connection pool
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"  {label:<46} median {statistics.median(samples):7.1f} ms   p95 {pct(samples, 0.95):7.1f} ms   (n={n})"
        )


def run(backend: str, url: str, cases: int, repeats: int) -> None:
    print(f"{backend}:")
    app = create_app(
        {
            "DATABASE_URL": url,
            "SCHEDULER_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "DEMO_PASSWORD": PASSWORD,
            "SECRET_KEY": "bench",
            "TESTING": True,
        }
    )
    with app.app_context():
        started = time.perf_counter()
        prepare_database(app, demo=True)
        db.session.commit()
        fill(db.session, cases)
        # statistics and (PostgreSQL) the visibility map, as autovacuum leaves them
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE" if backend == "SQLite" else "VACUUM ANALYZE"))
        print(f"  prepared in {time.perf_counter() - started:.0f} s")
        time_requests(app, repeats)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    print(f"supervisor board, {cases:,} open cases, {repeats} timed requests each")
    folder = Path(tempfile.mkdtemp(prefix="board-bench-"))
    path = folder / "board.db"
    try:
        run("SQLite", f"sqlite:///{path}", cases, repeats)
    finally:
        for leftover in folder.glob("board.db*"):
            leftover.unlink()
        folder.rmdir()
    admin_url = os.environ.get("BENCH_PG_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG
    if admin_url == "none":
        return
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"board_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: say so, do not fail the SQLite figures
        print(f"PostgreSQL skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")
        return
    try:
        run(
            "PostgreSQL",
            make_url(admin_url).set(database=name).render_as_string(hide_password=False),
            cases,
            repeats,
        )
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


if __name__ == "__main__":
    main()
