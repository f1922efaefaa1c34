"""Benchmark: the scheduler's sweep over many due timers on PostgreSQL, with one and
with two scheduler processes at once.

N cases wait on a due deadline timer (one case started through the engine, the rest
copies: bench/clones.py).  Each scheduler is its own process (`python bench/timers.py
--sweep URL`, what `flask scheduler run` does each interval).  Printed: firings per
second in all and per scheduler, the speed-up of two over one, and lateness p50/p99:
the time from due to fired, i.e. the wait for the next sweep (uniform over the
default 15 s interval) plus the place in the sweep.

Three runs: one scheduler firing one case at a time, one scheduler with its
SCHEDULER_WORKERS threads (the default), and two such schedulers at once.

Usage: python bench/timers.py [N=10000]   (BENCH_PG_URL / TEST_DATABASE_URL; SCHEDULER_WORKERS)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, update  # noqa: E402

from app import engine, scheduler  # noqa: E402
from app.config import Defaults  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Case, Timer, User  # noqa: E402
from app.setup.database import prepare_database  # noqa: E402
from bench.clones import clone_case  # noqa: E402
from bench.scratch import bench_app, pct, pg_database  # noqa: E402
from tests.engine.diagrams import deploy, timer_diagram  # noqa: E402

INTERVAL = 15.0  # SCHEDULER_INTERVAL_SECONDS default
FAR = dt.datetime(2040, 1, 1, tzinfo=dt.timezone.utc)


MAX_SWEEPS = 100


def sweep(url: str, workers: int) -> None:
    """One scheduler process: one sweep with `workers` threads; prints when each firing
    was committed (a group of cases commits at once)."""
    app = bench_app(url)
    done: list[float] = []
    real = scheduler.fire_group

    def timed(session, case_ids, at):
        fired = real(session, case_ids, at)
        done.extend([time.perf_counter() - began] * fired)
        return fired

    scheduler.fire_group = timed
    with app.app_context():
        began = time.perf_counter()
        cpu_began = time.process_time()
        # A sweep stops taking batches after SWEEP_SECONDS; the scheduler's next run goes
        # on, so sweep again until nothing is due (bounded).
        fired = 0
        for _ in range(MAX_SWEEPS):
            count = scheduler.fire_due_timers(db.session, workers=workers)
            fired += count
            if count == 0:
                break
        took = time.perf_counter() - began
        cpu = time.process_time() - cpu_began
        db.session.remove()
    print(json.dumps({"fired": fired, "seconds": took, "cpu": cpu, "done": done}))


def prepare(url: str, n: int, sets: int) -> list[list[int]]:
    """`sets` sets of n cases, one for each run."""
    app = bench_app(url)
    with app.app_context():
        session = db.session
        prepare_database(app, demo=True)
        officer = session.scalar(select(User).where(User.username == "officer"))
        version = deploy(session, timer_diagram("bench_timers", '"PT1S"', kind="timeDuration"))
        case = engine.start_case(
            session, version, {}, officer, bureau_id=officer.bureau_id, subject_name="基准"
        )
        session.commit()
        ids = [case.id, *clone_case(session, case.id, sets * n - 1)]
        session.execute(update(Timer).values(due_at=FAR))  # none due until its run
        session.commit()
        assert session.scalar(select(func.count(Case.id))) == sets * n
        db.session.remove()
    app.extensions["database_engine"].dispose()
    time.sleep(1.1)  # the state's own timer (PT1S) is due now
    return [ids[i * n : (i + 1) * n] for i in range(sets)]


def make_due(url: str, case_ids: list[int]) -> None:
    app = bench_app(url)
    with app.app_context():
        due = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
        for start in range(0, len(case_ids), 5000):
            chunk = case_ids[start : start + 5000]
            db.session.execute(update(Timer).where(Timer.case_id.in_(chunk)).values(due_at=due))
        db.session.commit()
        db.session.remove()
    app.extensions["database_engine"].dispose()


def machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, from /proc/stat (Linux)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / tick, sum(fields) / tick


def run_schedulers(url: str, count: int, workers: int) -> list[dict]:
    """The schedulers' results, each with the machine's busy CPU seconds over the run
    (`machine_busy`, `machine_all`): whether the cores were the limit."""
    busy_began, all_began = machine_cpu()
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--sweep", url, str(workers)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in processes]
    busy, every = machine_cpu()
    for result in results:
        result["machine_busy"], result["machine_all"] = busy - busy_began, every - all_began
    return results


def report(label: str, results: list[dict], n: int) -> float:
    fired = sum(r["fired"] for r in results)
    seconds = max(r["seconds"] for r in results)
    rate = fired / seconds
    rng = random.Random(7)
    lateness = [rng.uniform(0, INTERVAL) + t for r in results for t in r["done"]]
    per = ", ".join(f"{r['fired'] / r['seconds']:.0f}/s ({r['fired']})" for r in results)
    print(
        f"  {label:<26} {fired:>6} fired of {n} in {seconds:6.1f} s: {rate:6.0f} firings/s"
        f"  [per scheduler: {per}]"
        f"  lateness p50 {statistics.median(lateness):5.1f} s  p99 {pct(lateness, 0.99):5.1f} s"
    )
    # CPU per firing: the schedulers' own, and the rest of the machine (PostgreSQL,
    # mostly) — the machine-independent figure; busy share: were the cores the limit?
    own = sum(r["cpu"] for r in results)
    busy, every = results[0]["machine_busy"], results[0]["machine_all"]
    if every:
        print(
            f"  {'':<26} CPU per firing: scheduler {own / fired * 1000:.2f} ms, rest of the machine "
            f"{max(busy - own, 0) / fired * 1000:.2f} ms; cores busy {busy / every:.0%} "
            f"of {os.cpu_count()}"
        )
    assert fired == n, "a timer was not fired, or fired twice"
    return rate


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    workers = int(os.environ.get("SCHEDULER_WORKERS") or Defaults.SCHEDULER_WORKERS)
    print(
        f"timer sweep on PostgreSQL, {n:,} due timers (one case each), interval {INTERVAL:.0f} s, "
        f"SCHEDULER_WORKERS={workers}"
    )
    with pg_database("timers_bench") as url:
        started = time.perf_counter()
        serial, one, two = prepare(url, n, 3)
        print(f"  prepared {3 * n:,} cases in {time.perf_counter() - started:.0f} s")
        make_due(url, serial)
        report("1 scheduler, 1 thread", run_schedulers(url, 1, 1), n)
        make_due(url, one)
        single = report(f"1 scheduler, {workers} threads", run_schedulers(url, 1, workers), n)
        make_due(url, two)
        double = report(f"2 schedulers, {workers} threads", run_schedulers(url, 2, workers), n)
        print(f"  two schedulers / one: {double / single:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--sweep":
        sweep(sys.argv[2], int(sys.argv[3]))
    else:
        main()
