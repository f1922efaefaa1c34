"""Benchmark: the supervisors' figures (统计分析) over 100,000 cases, on SQLite and on
PostgreSQL (the size is a flag).

Fills a scratch database with the demo bureaus plus nine more counties and a history
of work the figures read: repair and listing cases over the last 500 days, three in
four of them ended with an outcome (granted, refused, rejected, lapsed, listed,
dropped), their task rows (finished, and one open on each running case; follow-ups and
inspections among them), an audit event per finished task (follow-ups with their
rebound answer) and per early removal, register entries for the listings in every
status, tips and joint-punishment feedback.  All by bulk inserts: the engine is not
involved, this measures the figures' read path.

Then it times, through the Flask test client, the figures page, GET /api/stats and one
CSV export, as the city supervisor (the city and its ten counties) and as a county
supervisor, and prints median and p95 per request and backend.  With a figures cache
the first request of a scope computes and the others read the cache: both are printed
("computed": the cache emptied before each request).  --profile prints the slowest
statements of one computed request, with EXPLAIN (ANALYZE on PostgreSQL).

Usage: python bench/figures.py [CASES=100000] [REPEATS=20] [--profile] [--sqlite-only|--pg-only]
PostgreSQL: BENCH_PG_URL or TEST_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
Both databases are removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select, text  # noqa: E402

from app.clock import now  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    AuditEvent,
    Bureau,
    Case,
    MeasureFeedback,
    Organisation,
    ProcessVersion,
    RegisterEntry,
    TaskItem,
    Tip,
)
from app.setup.database import prepare_database  # noqa: E402
from app.stats import cache as figures_cache  # noqa: E402
from bench.board import add_bureaus_and_officers  # noqa: E402
from bench.scratch import bench_app, pct, pg_database  # noqa: E402

PASSWORD = "bench-pass"
CHUNK = 5_000  # cases generated and inserted at a time
DAY = dt.timedelta(days=1)

REPAIR_STEPS = [  # (step, name, role)
    ("acceptance_review", "受理审核", "clerk"),
    ("supplement", "补正材料", "clerk"),
    ("verification", "检查核实", "verifier"),
    ("decision", "作出决定", "leader"),
    ("publication", "公示结果", "publisher"),
    ("follow_up", "回访", "verifier"),
]
LISTING_STEPS = [
    ("legal_review", "法制审核", "leader"),
    ("notice", "送达告知书", "clerk"),
    ("decision", "作出决定", "leader"),
    ("service", "送达决定书和信用修复告知书", "clerk"),
    ("publication", "公示", "publisher"),
    ("inspection", "定期检查", "verifier"),
    ("inspection", "定期检查", "verifier"),
]
SITUATIONS = [
    "ACC_EXTRA_OR_MAJOR",
    "ACC_CONCEAL",
    "VIO_NO_LICENCE",
    "VIO_REFUSE_PENALTY",
    "VIO_OTHER_SERIOUS",
]
SECTORS = ["化工", "矿山", "建筑施工", "危险化学品", "冶金", "烟花爆竹", "交通运输", ""]
MEASURES = ["loan_refused", "bid_excluded", "procurement_excluded", "permit_restricted"]


class Fill:
    """Generates the rows a chunk of cases at a time (same seed, same rows on both
    databases) and inserts them in bulk."""

    def __init__(self, session, cases: int):
        self.session, self.cases = session, cases
        self.rng = random.Random(42)
        self.at = now()
        self.bureaus, self.officers = add_bureaus_and_officers(session)
        self.versions = {
            key: session.scalar(
                select(ProcessVersion.id).where(
                    ProcessVersion.key == key, ProcessVersion.state == "published"
                )
            )
            for key in ("repair", "listing")
        }
        self.case_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
        self.entry_id = (session.scalar(select(func.max(RegisterEntry.id))) or 0) + 1
        self.counts = {"cases": 0, "tasks": 0, "events": 0, "entries": 0}

    def officer(self, bureau_id: int, role: str) -> int | None:
        ids = self.officers.get((bureau_id, role))
        return ids[0] if ids else None

    def run(self) -> None:
        for start in range(0, self.cases, CHUNK):
            self.chunk(min(CHUNK, self.cases - start))
        self.extras()
        self.session.commit()
        c = self.counts
        print(
            f"  filled: {c['cases']:,} cases, {c['tasks']:,} task rows, {c['events']:,} audit events, "
            f"{c['entries']:,} register entries"
        )

    def chunk(self, n: int) -> None:
        rng, at = self.rng, self.at
        cases, tasks, events, entries = [], [], [], []
        for _ in range(n):
            case_id, self.case_id = self.case_id, self.case_id + 1
            bureau_id = self.bureaus[0] if rng.random() < 1 / 3 else rng.choice(self.bureaus)
            key = "repair" if rng.random() < 0.6 else "listing"
            created = at - dt.timedelta(days=rng.uniform(3, 500))
            ended = rng.random() < 0.75 and created + 60 * DAY < at
            entry_id = None
            if key == "repair":
                status = rng.choices(
                    ["granted", "refused", "rejected", "lapsed", "completed"], [35, 20, 20, 15, 10]
                )[0]
                steps = [s for s in REPAIR_STEPS if s[0] != "supplement" or rng.random() < 0.2]
                if status != "granted":
                    steps = [s for s in steps if s[0] != "follow_up"]
            else:
                status = rng.choices(["listed", "dropped", "completed"], [60, 20, 20])[0]
                steps = LISTING_STEPS if status == "listed" else LISTING_STEPS[:3]
                entry_id, self.entry_id = self.entry_id, self.entry_id + 1
                listed_on = (created + 20 * DAY).date()
                entry_status = (
                    rng.choices(
                        ["listed", "expired", "removed_early", "restored", "withdrawn"], [50, 20, 20, 5, 5]
                    )[0]
                    if ended and status == "listed"
                    else ("dropped" if ended and status == "dropped" else "proposed")
                )
                removed = entry_status in ("expired", "removed_early")
                entries.append(
                    {
                        "id": entry_id,
                        "bureau_id": bureau_id,
                        "subject_kind": "unit",
                        "subject_name": f"基准测试企业{case_id}",
                        "credit_code": f"91{case_id:016d}",
                        "situation": rng.choice(SITUATIONS),
                        "sector": rng.choice(SECTORS),
                        "penalty_number": f"基应急罚〔2026〕{case_id}号",
                        "penalty_carried_out": True,
                        "penalty_revoked": False,
                        "listed_on": listed_on if entry_status not in ("proposed", "dropped") else None,
                        "expires_on": listed_on + 365 * DAY,
                        "measures": [],
                        "facts": "",
                        "status": entry_status,
                        "published": entry_status in ("listed", "restored"),
                        "removed_on": min(listed_on + rng.randint(30, 200) * DAY, at.date())
                        if removed
                        else None,
                        "removal_reason": "",
                        "created_at": created,
                        "subject_role": "",
                        "origin": "procedure",
                    }
                )
            end_at = min(created + dt.timedelta(days=rng.uniform(20, 60)), at - DAY) if ended else None
            cases.append(
                {
                    "id": case_id,
                    "number": f"FIG-{case_id:07d}",
                    "process_key": key,
                    "process_version_id": self.versions[key],
                    "bureau_id": bureau_id,
                    "subject_name": f"基准测试企业{case_id}",
                    "register_entry_id": entry_id,
                    "status": status if ended else "active",
                    "state": "",
                    "facts": {},
                    "version": 1,
                    "created_at": created,
                    "updated_at": end_at or created,
                    "ended_at": end_at,
                }
            )
            events.append(
                {
                    "case_id": case_id,
                    "at": created,
                    "action": "start",
                    "actor_name": "系统",
                    "summary": "",
                    "data": {},
                }
            )
            # the steps run one after another; a running case has its current one open
            open_index = len(steps) if ended else rng.randrange(len(steps))
            ready = created
            for i, (step, name, role) in enumerate(steps[: open_index + 1]):
                due = ready + dt.timedelta(days=rng.choice([3, 5, 7, 10]))
                done_at = ready + dt.timedelta(days=rng.uniform(0.2, 9)) if i < open_index else None
                if done_at is not None and done_at > at:
                    done_at = None
                tasks.append(
                    {
                        "case_id": case_id,
                        "engine_task_id": f"{case_id}-{i}",
                        "step": step,
                        "name": name,
                        "role": role,
                        "bureau_id": bureau_id,
                        "created_at": ready,
                        "due_at": due if rng.random() < 0.9 else None,
                        "completed_at": done_at,
                        "completed_by_id": self.officer(bureau_id, role) if done_at else None,
                        "outcome": "completed" if done_at else None,
                        "claimed_by_id": self.officer(bureau_id, role)
                        if done_at or rng.random() < 0.5
                        else None,
                    }
                )
                if done_at is None:
                    break
                data = (
                    {"rebound": rng.random() < 0.1, "notes": "回访"} if step == "follow_up" else {"ok": True}
                )
                events.append(
                    {
                        "case_id": case_id,
                        "at": done_at,
                        "action": "complete",
                        "step": step,
                        "actor_name": "承办人",
                        "summary": name,
                        "data": data,
                    }
                )
                if step == "publication" and status == "granted":
                    events.append(
                        {
                            "case_id": case_id,
                            "at": done_at,
                            "action": "register_removed_early",
                            "actor_name": "系统",
                            "summary": "",
                            "data": {},
                        }
                    )
                ready = done_at
        # cases point at entries and entries at nothing here: entries first
        for table, rows in (
            (RegisterEntry.__table__, entries),
            (Case.__table__, cases),
            (TaskItem.__table__, tasks),
            (AuditEvent.__table__, events),
        ):
            if rows:
                keys = set().union(*rows)  # executemany wants the same columns in every row
                self.session.execute(insert(table), [{k: r.get(k) for k in keys} for r in rows])
        self.counts["cases"] += len(cases)
        self.counts["tasks"] += len(tasks)
        self.counts["events"] += len(events)
        self.counts["entries"] += len(entries)

    def extras(self) -> None:
        """Tips and joint-punishment feedback: a few thousand, as a city has."""
        rng, at = self.rng, self.at
        org = Organisation(
            bureau_id=self.bureaus[0], name="基准银行", kind="bank", key_hash="b" * 64, key_prefix="bench"
        )
        self.session.add(org)
        self.session.flush()
        tips = []
        for i in range(3000):
            created = at - dt.timedelta(days=rng.uniform(1, 500))
            replied = created + dt.timedelta(days=rng.uniform(5, 30))
            tips.append(
                {
                    "tracking_code": f"B{i:011d}",
                    "bureau_id": rng.choice(self.bureaus),
                    "subject_name": "某企业",
                    "client_hash": f"{i:064d}",
                    "created_at": created,
                    "finding": rng.choice(["true", "partly", "false", "not_accepted"])
                    if replied < at
                    else "",
                    "reply": "",
                    "replied_at": replied if replied < at else None,
                    "reward_amount": rng.choice([None, 500, 2000]),
                }
            )
        self.session.execute(insert(Tip.__table__), tips)
        self.session.execute(
            insert(MeasureFeedback.__table__),
            [
                {
                    "organisation_id": org.id,
                    "bureau_id": rng.choice(self.bureaus),
                    "credit_code": f"91{rng.randrange(self.case_id):016d}",
                    "measure": rng.choice(MEASURES),
                    "description": "",
                    "applied_on": (at - dt.timedelta(days=rng.uniform(1, 500))).date(),
                    "at": at,
                }
                for _ in range(3000)
            ],
        )


class StatementTimes:
    """The statements of a request with their time, to find the slow ones."""

    def __init__(self, engine):
        self.engine, self.rows = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.rows.append(((time.perf_counter() - conn.info["bench_started"]) * 1000, statement, parameters))


def profile(client, path: str, backend: str) -> None:
    """The slowest statements of one request, and the plan of the three slowest."""
    with StatementTimes(db.engine) as times:
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        total = (time.perf_counter() - started) * 1000
    spent = sum(t for t, _s, _p in times.rows)
    print(
        f"  profile of {path}: {total:.0f} ms, {len(times.rows)} statements, {spent:.0f} ms in the database"
    )
    slowest = sorted(times.rows, key=lambda r: -r[0])[:8]
    for ms, statement, _p in slowest:
        print(f"    {ms:7.1f} ms  {' '.join(statement.split())[:150]}")
    for ms, statement, parameters in slowest[:3]:
        prefix = "EXPLAIN ANALYZE " if backend == "PostgreSQL" else "EXPLAIN QUERY PLAN "
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            lines = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
        finally:
            raw.close()
        print(f"    plan of the {ms:.0f} ms statement:")
        for line in lines[:25]:
            print(f"      {line}")


def has_cache() -> bool:
    try:
        import app.stats.cache  # noqa: F401
    except ImportError:
        return False
    return True


def clear_cache() -> None:
    """Empty the figures cache, if the app has one (to time a computation)."""
    if has_cache():
        from app.stats.cache import clear_figures_cache

        clear_figures_cache(db.session)
        db.session.commit()


def time_requests(app, repeats: int, backend: str, do_profile: bool) -> None:
    client = app.test_client()
    county = db.session.scalar(select(Bureau.id).where(Bureau.code == "COUNTY"))
    tokens = {
        u: client.post("/api/token", json={"username": u, "password": PASSWORD}).get_json()["token"]
        for u in ("supervisor", "county_supervisor")
    }
    requests = [  # (user, label, path)
        ("supervisor", "city: figures page", "/supervisor/figures"),
        ("supervisor", "city: GET /api/stats", "/api/stats"),
        ("supervisor", "city: on_time_by_step.csv", "/supervisor/figures/on_time_by_step.csv"),
        ("supervisor", "city: figures page, one county", f"/supervisor/figures?bureau={county}"),
        ("county_supervisor", "county: figures page", "/supervisor/figures"),
        ("county_supervisor", "county: GET /api/stats", "/api/stats"),
        ("county_supervisor", "county: repair_by_month.csv", "/supervisor/figures/repair_by_month.csv"),
    ]
    for username, label, path in requests:
        client.post("/logout")
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        headers = {"Authorization": f"Bearer {tokens[username]}"} if path.startswith("/api/") else {}
        if do_profile and path == "/supervisor/figures":
            clear_cache()
            profile(client, path, backend)
        for mode in ("computed", "as served") if has_cache() else ("computed",):
            clear_cache()
            response = client.get(path, headers=headers)  # warm the connection pool
            assert response.status_code == 200, (path, response.status_code)
            samples = []
            for _ in range(repeats):
                if mode == "computed":
                    clear_cache()
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            print(
                f"  {label:<34} {mode:<10} median {statistics.median(samples):7.1f} ms   "
                f"p95 {pct(samples, 0.95):7.1f} ms   (n={repeats})"
            )


def time_prepared(app) -> None:
    """The first reading of the day after the scheduler's refresh: the job's time for
    every supervisor's default view, then each supervisor's first page."""
    clear_cache()
    db.session.commit()
    started = time.perf_counter()
    prepared = figures_cache.refresh()
    took = time.perf_counter() - started
    print(f"  scheduler's refresh: {prepared} default view(s) computed in {took:.1f} s")
    db.session.remove()
    timings: list[tuple[str, float]] = []

    def first_pages() -> None:
        # in a thread of its own, as a web worker: each request in its own app context
        # and session, ended when the request ends (not the bench's open context)
        client = app.test_client()
        for username in ("supervisor", "county_supervisor"):
            client.post("/logout")
            assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
            started = time.perf_counter()
            response = client.get("/supervisor/figures")
            timings.append((username, (time.perf_counter() - started) * 1000))
            assert response.status_code == 200

    worker = threading.Thread(target=first_pages)
    worker.start()
    worker.join()
    for username, ms in timings:
        print(f"  {username}: first figures page after the refresh  {ms:7.1f} ms")


def run(backend: str, url: str, cases: int, repeats: int, do_profile: bool) -> None:
    print(f"{backend}: {cases:,} cases")
    app = bench_app(url)
    with app.app_context():
        started = time.perf_counter()
        prepare_database(app, demo=True)
        db.session.commit()
        Fill(db.session, cases).run()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE" if backend == "SQLite" else "VACUUM ANALYZE"))
        print(f"  prepared in {time.perf_counter() - started:.0f} s")
        time_requests(app, repeats, backend, do_profile)
        time_prepared(app)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cases = int(args[0]) if args else 100_000
    repeats = int(args[1]) if len(args) > 1 else 20
    print(f"supervisor figures: {repeats} timed requests each")
    if "--pg-only" not in flags:
        folder = Path(tempfile.mkdtemp(prefix="figures-bench-"))
        try:
            run("SQLite", f"sqlite:///{folder / 'figures.db'}", cases, repeats, "--profile" in flags)
        finally:
            for leftover in folder.glob("figures.db*"):
                leftover.unlink()
            folder.rmdir()
    if "--sqlite-only" not in flags:
        with pg_database("figures_bench") as url:
            run("PostgreSQL", url, cases, repeats, "--profile" in flags)


if __name__ == "__main__":
    main()
