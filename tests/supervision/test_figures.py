"""Figures: on-time rates and durations, repair applications per month, the register,
follow-ups and inspections; the page, the CSV export and /api/stats."""

from __future__ import annotations

import datetime as dt
import json
import statistics

import pytest
from sqlalchemy import func, select

from app.calendar import workdays as cal
from app.calendar.overrides import load_overrides
from app.clock import now, today
from app.engine import audit
from app.models import FiguresSnapshot, TaskItem, User
from app.org.access import visible_bureau_ids
from app.stats import cache
from app.stats.figures import figures
from app.stats.period import Period
from app.supervision.scope import supervisors_scopes
from tests.supervision.conftest import MONDAY

DAY = dt.timedelta(days=1)


@pytest.fixture()
def work(clock, index_case, session):
    """Monday 2026-03-09.  City verification: 2 finished on time, 1 late, 1 open and late.
    Repair outcomes this month; a follow-up that found a rebound; two inspections due."""
    at = now()

    def finish(case_task, took: dt.timedelta, late: bool, step: str | None = None, data: dict | None = None):
        case, task = case_task
        task.created_at = at - took
        task.completed_at = at - DAY
        task.due_at = task.completed_at + (-DAY if late else DAY)
        task.outcome = "completed"
        if step:
            task.step = task.name = step
        if data is not None:
            audit(session, case, None, "complete", step=task.step, data=data, at=task.completed_at)
        return case

    # all finished on Sunday 8 March
    finish(index_case("CITY", None), 3 * DAY, late=False)  # from Friday: 0 working days
    finish(index_case("CITY", None), 5 * DAY, late=False)  # from Wednesday: 2 (Thu, Fri)
    finish(index_case("COUNTY", None), 8 * DAY, late=True)  # from Sunday 1 March: 5
    index_case("CITY", -2 * DAY)  # open, past due
    refused, _ = index_case("CITY", None)
    refused.status, refused.ended_at = "refused", at - DAY
    lapsed, _ = index_case("COUNTY", None)
    lapsed.status, lapsed.ended_at = "lapsed", at - DAY
    index_case("CITY", 5 * DAY, step="supplement", role="clerk")
    granted, _ = index_case("CITY", None)
    audit(session, granted, None, "register_removed_early", at=at - DAY)
    finish(index_case("CITY", None), 2 * DAY, late=False, step="follow_up", data={"rebound": True})
    finish(index_case("CITY", None), 2 * DAY, late=True, step="inspection")
    index_case("CITY", -DAY, step="inspection", role="officer")
    session.commit()


def test_figures_for_the_city(work, api):
    response = api("supervisor")("GET", "/api/stats")
    assert response.status_code == 200
    f = response.get_json()
    assert f["period"] == {"since": "2025-04-01", "until": "2026-03-09"}
    verification = next(r for r in f["on_time_by_step"] if r["step"] == "verification")
    assert (verification["finished"], verification["on_time"], verification["late_open"]) == (3, 2, 1)
    assert verification["rate"] == 0.5 and verification["median_working_days"] == 2
    by_bureau = {r["bureau"]: r for r in f["on_time_by_bureau"]}
    assert by_bureau["示范县应急管理局"]["rate"] == 0.0
    march = next(r for r in f["repair_by_month"] if r["month"] == "2026-03")
    assert (
        march["refused"] == 1 and march["lapsed"] == 1 and march["granted"] == 1 and march["supplement"] == 1
    )
    assert march["received"] == 11  # every crafted case is a repair case received on 6 March
    status = {r["status"]: r["count"] for r in f["listings"]["status"]}
    assert status["listed"] == 7 and status["restored"] == 0 and status["expired"] == 0
    assert sum(r["count"] for r in f["listings"]["by_situation"]) == 7
    assert {"sector": "化工", "count": 1} in f["listings"]["by_sector"]
    assert f["follow_ups"] == {"done": 1, "rebounds": 1, "open": 0, "overdue": 0}
    assert f["inspections"] == {"due": 2, "done": 1, "done_on_time": 0, "overdue_open": 1}


def test_figures_follow_the_bureau_tree(work, api):
    f = api("county_supervisor")("GET", "/api/stats").get_json()
    assert [r["bureau"] for r in f["on_time_by_bureau"]] == ["示范县应急管理局"]
    assert {r["status"]: r["count"] for r in f["listings"]["status"]}["listed"] == 2
    assert f["follow_ups"]["done"] == 0


@pytest.mark.parametrize(
    "query, field", [("since=2026-13-01", "since"), ("since=2026-03-01&until=2026-01-01", "since")]
)
def test_bad_period(api, query, field):
    response = api("supervisor")("GET", f"/api/stats?{query}")
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_page_and_csv(work, login):
    client = login("supervisor")
    page = client.get("/supervisor/figures").get_data(as_text=True)
    assert 'data-chart="on_time_by_step"' in page and "dist/charts.js" in page and "导出 CSV" in page
    csv = client.get("/supervisor/figures/on_time_by_step.csv?since=2026-01-01")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeff流程,环节,期内办结") and ",50.0%,2" in text
    assert client.get("/supervisor/figures/nothing.csv").status_code == 404
    assert "已改用默认区间" in client.get("/supervisor/figures?since=bad").get_data(as_text=True)


def test_figures_without_any_work(clock, login, session):
    session.query(TaskItem).delete()
    page = login("county_supervisor").get("/supervisor/figures?since=2020-01-01&until=2020-12-31")
    assert page.status_code == 200 and "暂无数据" in page.get_data(as_text=True)


# --- the figures cache (app.stats.cache): shared, keyed by scope and period, dated ---


def _direct(session, username: str) -> dict:
    """The figures computed here and now, as /api/stats answers them for this user."""
    user = session.scalar(select(User).where(User.username == username))
    bureaus = visible_bureau_ids(session, user)
    data = figures(session, bureaus, Period.last_months(today()), now(), load_overrides(session))
    return json.loads(json.dumps(data))  # as JSON has it (tuples become lists)


def _without_freshness(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("computed_at", "max_age_seconds")}


def test_cached_figures_equal_a_direct_computation(work, api, session):
    first = api("supervisor")("GET", "/api/stats").get_json()
    assert first["computed_at"] == now().isoformat() and first["max_age_seconds"] == 600
    assert session.scalar(select(func.count()).select_from(FiguresSnapshot)) == 1
    again = api("supervisor")("GET", "/api/stats").get_json()
    assert again == first
    assert _without_freshness(again) == _direct(session, "supervisor")
    # each scope has its own entry: the county's figures are the county's
    county = api("county_supervisor")("GET", "/api/stats").get_json()
    assert _without_freshness(county) == _direct(session, "county_supervisor")
    assert session.scalar(select(func.count()).select_from(FiguresSnapshot)) == 2


def test_page_and_csv_state_when_the_figures_were_computed(work, login):
    client = login("supervisor")
    page = client.get("/supervisor/figures").get_data(as_text=True)
    assert "数据截至 2026年3月9日 10:00，每10分钟更新" in page
    csv = client.get("/supervisor/figures/on_time_by_step.csv")
    assert csv.status_code == 200 and ",50.0%,2" in csv.get_data(as_text=True)


def test_a_stale_entry_is_computed_again(work, api, clock, index_case, session):
    stats = api("supervisor")
    before = stats("GET", "/api/stats").get_json()
    index_case("CITY", -2 * DAY)  # one more verification open past its due time
    session.commit()

    def late_open(body: dict) -> int:
        return next(r for r in body["on_time_by_step"] if r["step"] == "verification")["late_open"]

    clock.shift(dt.timedelta(minutes=9))
    kept = stats("GET", "/api/stats").get_json()
    assert kept == before and late_open(kept) == 1  # within the 10 minutes: as computed
    clock.shift(dt.timedelta(minutes=2))
    fresh = stats("GET", "/api/stats").get_json()
    assert late_open(fresh) == 2 and fresh["computed_at"] == now().isoformat()
    assert _without_freshness(fresh) == _direct(session, "supervisor")
    assert session.scalar(select(func.count()).select_from(FiguresSnapshot)) == 1


def test_an_entry_dated_after_the_clock_is_stale(work, api, clock):
    stats = api("supervisor")
    computed_at = stats("GET", "/api/stats").get_json()["computed_at"]
    clock.move_to(MONDAY - dt.timedelta(hours=1))
    assert stats("GET", "/api/stats").get_json()["computed_at"] != computed_at


def test_entries_are_bounded(work, api, app, monkeypatch, session):
    monkeypatch.setitem(app.config, "FIGURES_MAX_ENTRIES", 3)
    for month in range(1, 7):
        assert api("supervisor")("GET", f"/api/stats?since=2025-{month:02d}-01").status_code == 200
    assert session.scalar(select(func.count()).select_from(FiguresSnapshot)) == 3
    kept = {s.since for s in session.scalars(select(FiguresSnapshot))}
    assert kept == {dt.date(2025, m, 1) for m in (4, 5, 6)}  # the newest


def test_without_a_cache_every_request_computes(work, api, app, login, monkeypatch, session):
    monkeypatch.setitem(app.config, "FIGURES_MAX_AGE_SECONDS", 0)
    body = api("supervisor")("GET", "/api/stats").get_json()
    assert body["max_age_seconds"] == 0
    assert session.scalar(select(func.count()).select_from(FiguresSnapshot)) == 0
    assert "（即时计算）" in login("supervisor").get("/supervisor/figures").get_data(as_text=True)


# --- kept fresh by the scheduler (app.stats.cache.refresh) ---

LAST_YEAR = "/api/stats?since=2025-03-01&until=2026-02-28"  # not the default period


def _late_open(body: dict) -> int:
    return next(r for r in body["on_time_by_step"] if r["step"] == "verification")["late_open"]


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(FiguresSnapshot))


def test_each_supervisors_default_figures_are_prepared(work, api, clock, session):
    prepared = cache.refresh()
    assert prepared == len(supervisors_scopes(session)) >= 2 and _count(session) == prepared
    assert cache.refresh() == 0  # all fresh
    prepared_at = now()
    clock.shift(dt.timedelta(minutes=1))
    for user in ("supervisor", "county_supervisor"):
        served = api(user)("GET", "/api/stats").get_json()
        assert served["computed_at"] == prepared_at.isoformat()  # nobody waited
        assert _without_freshness(served) == _direct(session, user)
    assert _count(session) == prepared


def test_the_figures_in_use_are_computed_again_before_they_go_stale(work, api, clock, index_case, session):
    cache.refresh()  # the default views
    stats = api("supervisor")
    first = stats("GET", LAST_YEAR).get_json()
    assert first["computed_at"] == now().isoformat()  # another period: its reader computes
    index_case("CITY", -2 * DAY)  # one more verification open past its due time
    session.commit()
    clock.shift(dt.timedelta(minutes=4))
    assert cache.refresh() == 0  # not half their age yet
    assert stats("GET", LAST_YEAR).get_json() == first
    clock.shift(dt.timedelta(minutes=2))
    assert cache.refresh() == len(supervisors_scopes(session)) + 1
    refreshed_at = now()
    clock.shift(dt.timedelta(minutes=7))  # 13 minutes after the reader's computation
    served = stats("GET", LAST_YEAR).get_json()
    assert served["computed_at"] == refreshed_at.isoformat()  # the scheduler's, not computed now
    assert _late_open(first) == 1 and _late_open(served) == 2


def test_figures_nobody_reads_are_left_to_go_stale(work, api, app, clock, session):
    stats = api("supervisor")
    stats("GET", LAST_YEAR)
    snapshot = session.scalar(select(FiguresSnapshot))
    assert snapshot.used_at == now() and snapshot.bureau_ids == sorted(snapshot.bureau_ids)
    assert len(snapshot.bureau_ids) == snapshot.bureau_count > 1  # the city and its counties
    key, defaults = snapshot.key, len(supervisors_scopes(session))
    clock.shift(dt.timedelta(hours=app.config["FIGURES_IN_USE_HOURS"], minutes=1))
    assert cache.refresh() == defaults  # the default views only ...
    session.expire_all()
    keys = set(session.scalars(select(FiguresSnapshot.key)))
    assert key not in keys and len(keys) == defaults  # ... and the stale entry cleared
    # an entry kept before its scope was stored is left to its readers
    stats("GET", LAST_YEAR)
    snapshot = session.scalar(select(FiguresSnapshot).where(FiguresSnapshot.key == key))
    snapshot.bureau_ids = None
    session.commit()
    clock.shift(dt.timedelta(minutes=6))
    assert cache.refresh() == defaults


def test_reading_notes_the_time_at_most_every_few_minutes(work, api, clock, session):
    stats = api("supervisor")
    stats("GET", LAST_YEAR)
    computed = now()
    clock.shift(dt.timedelta(minutes=2))
    stats("GET", LAST_YEAR)
    assert session.scalar(select(FiguresSnapshot.used_at)) == computed
    clock.shift(dt.timedelta(minutes=4))
    stats("GET", LAST_YEAR)
    assert session.scalar(select(FiguresSnapshot.used_at)) == now()


def test_without_a_cache_the_scheduler_computes_nothing(work, api, app, monkeypatch, session):
    monkeypatch.setitem(app.config, "FIGURES_MAX_AGE_SECONDS", 0)
    assert cache.refresh() == 0 and _count(session) == 0


def test_the_scheduler_runs_the_refresh(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from app import scheduler

    jobs = BackgroundScheduler(timezone="UTC")
    scheduler._add_jobs(jobs, app)
    job = jobs.get_job("figures")
    assert job is not None and job.trigger.interval == dt.timedelta(seconds=300)


def test_days_taken_grouped_in_the_database_equal_counting_each_task(clock, index_case, session):
    """Durations across the Spring Festival, a weekend, the same day; and a task begun
    three years before the period, before the list of working days the statement reads."""
    at = now()
    finished_on = at - DAY
    begun = {
        "acceptance_review": [
            finished_on - dt.timedelta(days=d) for d in (0, 1, 2, 5, 9, 20, 26, 33, 40, 60)
        ],
        "decision": [finished_on - dt.timedelta(days=3 * 365 + 200)],
    }
    for step, created_at in begun.items():
        for created in created_at:
            _, task = index_case("CITY", None, step=step, role="clerk")
            task.created_at, task.completed_at, task.outcome = created, finished_on, "completed"
            task.due_at = finished_on + DAY
    session.commit()
    overrides = load_overrides(session)
    period = Period.last_months(today())
    assert (period.since - cal.local_date(begun["decision"][0])).days > 730
    city = visible_bureau_ids(session, session.scalar(select(User).where(User.username == "supervisor")))
    rows = {r["step"]: r for r in figures(session, city, period, at, overrides)["on_time_by_step"]}
    for step, created_at in begun.items():
        taken = [
            cal.working_days_between(cal.local_date(c), cal.local_date(finished_on), overrides)
            for c in created_at
        ]
        assert rows[step]["finished"] == len(created_at)
        assert rows[step]["median_working_days"] == statistics.median(taken), step
