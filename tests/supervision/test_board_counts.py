"""The board's counts on large views: kept per view with the time they were taken,
counted again by the scheduler or by a request when too old; the rows stay live."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.clock import iso, now
from app.models import BoardCount, Case, TaskItem, Timer
from app.supervision import board_counts

SECOND = dt.timedelta(seconds=1)
CRAFTED_COUNTS = {"overdue": 2, "due_soon": 2, "pending": 7}


@pytest.fixture()
def kept(app, monkeypatch):
    """Every view counts as large, so its counts are kept (as a million rows would be)."""
    monkeypatch.setitem(app.config, "BOARD_LIVE_COUNT_ROWS", 0)


def numbers(body: dict) -> list[str]:
    return [t["case_number"] for t in body["timers"]]


def kept_views(session) -> int:
    return session.scalar(select(func.count()).select_from(BoardCount))


def complete(session, number: str) -> None:
    task = session.scalar(select(TaskItem).join(Case).where(Case.number == number))
    task.completed_at = now()
    session.commit()


def test_small_views_are_counted_on_every_request(crafted, api, session):
    call = api("supervisor")
    body = call("GET", "/api/timers").get_json()
    assert body["counts"] == CRAFTED_COUNTS
    assert body["counts_live"] is True and body["counts_at"] == iso(now())
    complete(session, crafted["A"])
    assert call("GET", "/api/timers").get_json()["counts"]["overdue"] == 1
    assert kept_views(session) == 0  # nothing written for small views


def test_kept_counts_say_when_and_the_rows_stay_live(crafted, kept, api, session, clock, login):
    call = api("supervisor")
    first = call("GET", "/api/timers").get_json()
    assert first["counts"] == CRAFTED_COUNTS and first["counts_live"] is False
    assert first["counts_at"] == iso(now()) and kept_views(session) == 1
    clock.shift(30 * SECOND)
    complete(session, crafted["A"])
    body = call("GET", "/api/timers").get_json()
    # the completed task is gone from the rows at once; the counts are those of 10:00
    assert crafted["A"] not in numbers(body) and len(body["timers"]) == 6
    assert body["counts"] == CRAFTED_COUNTS and body["counts_at"] == first["counts_at"]
    page = login("supervisor").get("/supervisor/").get_data(as_text=True)
    assert "统计截至 10:00（每分钟更新）" in page and "列表为实时数据" in page
    assert crafted["A"] not in page

    # the scheduler's run counts the view again (and every supervisor's default view)
    assert board_counts.refresh(session) >= 1
    body = call("GET", "/api/timers").get_json()
    assert body["counts"] == {"overdue": 1, "due_soon": 2, "pending": 6}
    assert body["counts_at"] == iso(now())


def test_small_views_say_nothing_about_freshness(crafted, login):
    page = login("supervisor").get("/supervisor/").get_data(as_text=True)
    assert "统计截至" not in page


def test_a_request_counts_again_when_the_kept_counts_are_too_old(crafted, kept, api, session, clock):
    call = api("supervisor")
    call("GET", "/api/timers")
    complete(session, crafted["A"])
    clock.shift(180 * SECOND)
    assert call("GET", "/api/timers").get_json()["counts"]["overdue"] == 2  # still within the age
    clock.shift(SECOND)
    body = call("GET", "/api/timers").get_json()  # no scheduler ran: the request counts
    assert body["counts"]["overdue"] == 1 and body["counts_at"] == iso(now())


def test_counts_follow_the_clock_and_fired_timers(crafted, kept, api, session, clock):
    call = api("supervisor")
    assert call("GET", "/api/timers").get_json()["counts"] == CRAFTED_COUNTS
    # Tuesday 11:00: B (due Tuesday 10:00) is overdue now; G's wait timer fired
    clock.shift(dt.timedelta(hours=25))
    wait = session.scalar(select(Timer).join(Case).where(Case.number == crafted["G"]))
    wait.fired_at = now()
    session.commit()
    body = call("GET", "/api/timers?state=overdue").get_json()
    assert numbers(body) == [crafted["A"], crafted["E"], crafted["B"]]  # the rows: live
    assert crafted["G"] not in numbers(call("GET", "/api/timers").get_json())
    board_counts.refresh(session)
    body = call("GET", "/api/timers?state=overdue").get_json()
    assert body["counts"] == {"overdue": 3, "due_soon": 1, "pending": 6} and body["total"] == 3


def test_each_filter_has_its_own_counts(crafted, kept, api, user, bureau):
    call = api("supervisor")
    county = call("GET", f"/api/timers?bureau={bureau('COUNTY').id}").get_json()
    assert county["counts"] == {"overdue": 1, "due_soon": 1, "pending": 3}
    mine = call("GET", f"/api/timers?officer={user('verifier').id}").get_json()
    assert mine["counts"] == {"overdue": 1, "due_soon": 0, "pending": 1}
    assert call("GET", "/api/timers").get_json()["counts"] == CRAFTED_COUNTS
    soon = call("GET", "/api/timers?state=due_soon&within=8").get_json()
    assert soon["counts"]["due_soon"] == 3 and soon["total"] == 3
    assert api("county_supervisor")("GET", "/api/timers").get_json()["counts"]["pending"] == 3


def test_the_kept_views_are_bounded(crafted, kept, api, session, app, monkeypatch, bureau, user, clock):
    monkeypatch.setitem(app.config, "BOARD_COUNTS_MAX_ENTRIES", 2)
    call = api("supervisor")
    for query in (f"bureau={bureau('COUNTY').id}", f"officer={user('verifier').id}", "step=decision"):
        assert call("GET", f"/api/timers?{query}").status_code == 200
        clock.shift(SECOND)
    assert kept_views(session) == 2
    board_counts.refresh(session)  # the default views come in, the bound still holds
    assert kept_views(session) == 2


def test_paging_does_not_rely_on_kept_counts(crafted, kept, index_case, api):
    call = api("supervisor")
    call("GET", "/api/timers")  # counts kept: 7 rows
    index_case("CITY", 2 * dt.timedelta(days=1))
    index_case("CITY", None, step="acceptance_review", role="clerk")
    whole = numbers(call("GET", "/api/timers?per_page=200").get_json())
    assert len(whole) == 9
    by_offset = []
    for page in range(1, 6):
        by_offset += numbers(call("GET", f"/api/timers?per_page=2&page={page}").get_json())
    assert by_offset == whole
    seen, after = [], ""
    for _ in range(10):
        body = call("GET", "/api/timers?per_page=2" + (f"&after={quote(after)}" if after else "")).get_json()
        seen += numbers(body)
        after = body["next_after"]
        if not after:
            break
    assert seen == whole


def test_the_scheduler_counts_again_only_the_views_in_use(crafted, kept, api, session, clock):
    api("supervisor")("GET", "/api/timers?officer=unclaimed")  # no supervisor's default view
    taken = now()

    def unclaimed_taken_at():
        rows = session.scalars(select(BoardCount)).all()
        return next(r.taken_at for r in rows if r.scope["officer"] == "unclaimed")

    clock.shift(dt.timedelta(minutes=5))
    board_counts.refresh(session)  # read 5 minutes ago: in use
    assert unclaimed_taken_at() == now()
    clock.shift(dt.timedelta(minutes=16))
    board_counts.refresh(session)  # not read since: left as it is (a request counts it again)
    assert unclaimed_taken_at() == taken + dt.timedelta(minutes=5)
