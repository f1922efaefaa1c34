"""Benchmark: one task completion through the app vs the raw SpiffWorkflow step.

Prints, per database backend:
- app path: POST /api/tasks/<id>/complete (token auth, permission checks, locked read,
  restore, form validation, run, save with version check, index sync, audit, commit),
  median and p95 in ms over N cases;
- raw engine: the same step done with SpiffWorkflow alone the usual way (stock serializer
  with the spec inside the state: deserialize + run + serialize), median and p95;
- our engine core without the web/DB (specless restore + run + dump);
- the stored state size per case after a whole repair case, next to the stock size.

Usage: python bench/engine_step.py [N]   (PostgreSQL too when BENCH_PG_URL or
TEST_DATABASE_URL points at a server; a scratch database is created and dropped.)
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from app.engine import model, state  # noqa: E402
from app.engine.environment import SCRIPT_ENGINE  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Bureau, Case, EntryStatus, RegisterEntry, TaskItem  # noqa: E402
from app.setup.database import prepare_database  # noqa: E402

PASSWORD = "bench-pass"
ROOT = Path(__file__).resolve().parent.parent


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(label, seconds):
    ms = [s * 1000 for s in seconds]
    print(
        f"  {label:<44} median {statistics.median(ms):7.2f} ms   p95 {pct(ms, 0.95):7.2f} ms   (n={len(ms)})"
    )
    return statistics.median(ms)


def add_entries(session, bureau_id, count):
    today = dt.date.today()
    for i in range(count):
        session.add(
            RegisterEntry(
                bureau_id=bureau_id,
                subject_kind="unit",
                subject_name=f"基准测试企业{i:05d}",
                credit_code=None,
                situation="VIO_OTHER_SERIOUS",
                penalty_number=f"BENCH-{i}",
                listed_on=today - dt.timedelta(days=500),
                expires_on=today + dt.timedelta(days=500),
                status=EntryStatus.LISTED,
                published=True,
            )
        )
    session.commit()


def app_path(url: str, n: int, beside=None) -> tuple[list[float], list[int]]:
    """`beside(i)`: called before the i-th timed completion (the raw step, timed in
    turn with the app's, so that both see the same load on a noisy machine)."""
    app = create_app(
        {
            "DATABASE_URL": url,
            "DEMO_PASSWORD": PASSWORD,
            "SCHEDULER_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        prepare_database(app, demo=True)
        db.session.commit()
        city = db.session.scalar(select(Bureau).where(Bureau.code == "CITY"))
        add_entries(db.session, city.id, n)
        entry_ids = db.session.scalars(
            select(RegisterEntry.id).where(RegisterEntry.subject_name.like("基准测试企业%"))
        ).all()
        db.session.remove()
    client = app.test_client()
    token = client.post("/api/token", json={"username": "clerk", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    case_ids = []
    for entry_id in entry_ids:
        response = client.post(
            "/api/cases",
            headers=headers,
            json={
                "process": "repair",
                "data": {
                    "listing_id": entry_id,
                    "applicant": "申请人",
                    "materials": ["申请书"],
                    "commitment_given": True,
                    "penalty_carried_out": True,
                },
            },
        )
        case_ids.append(response.get_json()["id"])
    with app.app_context():
        items = dict(
            db.session.execute(
                select(TaskItem.case_id, TaskItem.id).where(
                    TaskItem.completed_at.is_(None), TaskItem.case_id.in_(case_ids)
                )
            ).all()
        )
        db.session.remove()
    timings = []
    for i, case_id in enumerate(case_ids):
        if beside is not None:
            beside(i)
        started = time.perf_counter()
        response = client.post(
            f"/api/tasks/{items[case_id]}/complete", headers=headers, json={"data": {"outcome": "accept"}}
        )
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_json()
    # one whole case for the state size
    with app.app_context():
        first = case_ids[0]
        for username, data in [
            ("verifier", {"findings": "核查完毕"}),
            ("leader", {"outcome": "grant"}),
            ("publisher", {"served": True}),
        ]:
            tok = client.post("/api/token", json={"username": username, "password": PASSWORD}).get_json()[
                "token"
            ]
            item = db.session.scalar(
                select(TaskItem.id).where(TaskItem.case_id == first, TaskItem.completed_at.is_(None))
            )
            db.session.remove()
            client.post(
                f"/api/tasks/{item}/complete", headers={"Authorization": f"Bearer {tok}"}, json={"data": data}
            )
        case = db.session.get(Case, first)
        sizes = [len(case.state.encode("utf-8"))]
        db.session.remove()
    app.extensions["database_engine"].dispose()
    return timings, sizes


class RawEngine:
    """The same step with SpiffWorkflow alone, the usual way (stock serializer with the
    spec inside the state), and with our engine core (specless state); one of each is
    timed per `step(i)`."""

    def __init__(self, n: int) -> None:
        xml = (ROOT / "workflows" / "repair.bpmn").read_text(encoding="utf-8")
        parsed = model.parse_process(xml)
        self.stock = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.spec_json = state.dump_spec(parsed.spec, parsed.subprocess_specs)
        self.spec, self.subs = state.load_spec(self.spec_json)
        start_data = {
            "listing_id": 1,
            "applicant": "申请人",
            "materials": ["申请书"],
            "commitment_given": True,
            "penalty_carried_out": True,
            "steps": {},
        }
        self.stock_states, self.ours = [], []
        for _ in range(n):
            wf = state.new_workflow(self.spec, self.subs)
            for task in wf.get_tasks(state=TaskState.READY):
                task.data.update(start_data)
            wf.do_engine_steps()
            self.stock_states.append(self.stock.serialize_json(wf))
            self.ours.append(state.dump_state(wf))
        self.raw: list[float] = []
        self.core: list[float] = []

    def step(self, i: int) -> None:
        i %= len(self.ours)
        started = time.perf_counter()
        wf = self.stock.deserialize_json(self.stock_states[i])
        wf.script_engine = SCRIPT_ENGINE
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"outcome": "accept"})
        task.run()
        wf.do_engine_steps()
        self.stock.serialize_json(wf)
        self.raw.append(time.perf_counter() - started)
        started = time.perf_counter()
        wf = state.load_state(self.ours[i], self.spec, self.subs)
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"outcome": "accept"})
        task.run()
        wf.do_engine_steps()
        state.dump_state(wf)
        self.core.append(time.perf_counter() - started)

    def whole_case_stock_size(self) -> int:
        """The stock size of a whole case, for comparison with ours."""
        wf = self.stock.deserialize_json(self.stock_states[0])
        wf.script_engine = SCRIPT_ENGINE
        for data in ({"outcome": "accept"}, {"findings": "x", "extend": False}, {"outcome": "grant"}):
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(data)
            task.data.setdefault("steps", {})["decision"] = {"outcome": data.get("outcome")}
            task.run()
            wf.do_engine_steps()
        return len(self.stock.serialize_json(wf).encode("utf-8"))


def pg_database(admin_url: str):
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(f"Repair process, step 'acceptance_review' (accept), {n} cases")
    print("  (each app completion is timed in turn with one raw step and one core step)")
    backends = [("sqlite", lambda: (f"sqlite:///{tempfile.mkdtemp()}/bench.db", lambda: None))]
    pg = os.environ.get("BENCH_PG_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg:
        backends.append(("postgresql", lambda: pg_database(pg)))
    raw = RawEngine(n)
    for name, make in backends:
        raw.raw.clear(), raw.core.clear()
        url, drop = make()
        try:
            timings, sizes = app_path(url, n, beside=raw.step)
        finally:
            drop()
        print(f"{name}:")
        raw_median = summary("raw SpiffWorkflow (stock: deserialize+run+serialize)", raw.raw)
        summary("engine core (specless restore+run+dump)", raw.core)
        app_median = summary(f"app path on {name} (API call to commit)", timings)
        # each completion next to the raw step timed just before it: the machine's slow
        # and fast spells touch both members of a pair alike
        paired = statistics.median(a / r for a, r in zip(timings, raw.raw))
        print(f"  {'':<44} app/raw ratio {app_median / raw_median:5.2f}x (median of pairs {paired:5.2f}x)")
        print(f"  state stored per case after a whole repair case ({name}): {sizes[0] / 1024:.1f} KiB")
    print(
        f"  stock SpiffWorkflow serialization of the same case: {raw.whole_case_stock_size() / 1024:.1f} KiB "
        f"(spec {len(raw.spec_json.encode('utf-8')) / 1024:.1f} KiB stored once per process version here)"
    )


if __name__ == "__main__":
    main()
