"""The board: who sees what across two bureau levels, urgency order, states, filters."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from app.supervision.board import BoardFilter

DAY = dt.timedelta(days=1)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [t["case_number"] for t in response.get_json()["timers"]]


def test_each_level_sees_its_bureau_and_those_below(crafted, api):
    c = crafted
    city = numbers(api("supervisor")("GET", "/api/timers"))
    assert city == [
        c["A"],
        c["E"],
        c["B"],
        c["F"],
        c["C"],
        c["G"],
        c["D"],
    ]  # most urgent first, no due date last
    assert numbers(api("province_supervisor")("GET", "/api/timers")) == city
    assert numbers(api("county_supervisor")("GET", "/api/timers")) == [c["E"], c["F"], c["G"]]


def test_states_counts_and_working_days(crafted, api):
    c = crafted
    call = api("supervisor")
    overdue = call("GET", "/api/timers?state=overdue").get_json()
    assert [(t["case_number"], t["overdue_working_days"]) for t in overdue["timers"]] == [
        (c["A"], 5),
        (c["E"], 1),
    ]
    assert overdue["counts"] == {"overdue": 2, "due_soon": 2, "pending": 7}
    soon = call("GET", "/api/timers?state=due_soon").get_json()["timers"]
    assert [(t["case_number"], t["overdue_working_days"]) for t in soon] == [(c["B"], -1), (c["F"], -7)]
    # a wider window takes in C (10 calendar days = 8 working days ahead)
    assert numbers(call("GET", "/api/timers?state=due_soon&within=8")) == [c["B"], c["F"], c["C"]]
    first = call("GET", "/api/timers").get_json()["timers"][0]
    assert first["assignee"] == "verifier" and first["kind"] == "deadline" and first["source"] == "task"
    wait = next(t for t in call("GET", "/api/timers").get_json()["timers"] if t["case_number"] == c["G"])
    assert wait["source"] == "timer" and wait["kind"] == "wait" and wait["assignee"] is None


def test_filters(crafted, api, user, bureau):
    c = crafted
    call = api("supervisor")
    assert numbers(call("GET", f"/api/timers?bureau={bureau('COUNTY').id}")) == [c["E"], c["F"], c["G"]]
    assert numbers(call("GET", f"/api/timers?officer={user('verifier').id}")) == [c["A"]]
    assert c["A"] not in numbers(call("GET", "/api/timers?officer=unclaimed"))
    assert numbers(call("GET", "/api/timers?step=decision")) == [c["B"]]
    assert numbers(call("GET", "/api/timers?process=listing")) == []
    paged = call("GET", "/api/timers?per_page=2&page=2").get_json()
    assert [t["case_number"] for t in paged["timers"]] == [c["B"], c["F"]] and paged["total"] == 7
    # a county supervisor cannot widen the view by naming the city: it stays the county's
    assert numbers(api("county_supervisor")("GET", f"/api/timers?bureau={bureau('CITY').id}")) == [
        c["E"],
        c["F"],
        c["G"],
    ]
    assert numbers(api("county_supervisor")("GET", f"/api/timers?bureau={bureau('PROV').id}")) == [
        c["E"],
        c["F"],
        c["G"],
    ]


@pytest.mark.parametrize(
    "query, field",
    [
        ("state=late", "state"),
        ("within=99", "within"),
        ("page=0", "page"),
        ("officer=bob", "officer"),
        ("bureau=x", "bureau"),
    ],
)
def test_bad_filters_are_refused(api, query, field):
    response = api("supervisor")("GET", f"/api/timers?{query}")
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_only_supervisors(api):
    assert api("officer")("GET", "/api/timers").status_code == 403
    assert api("officer")("GET", "/api/stats").status_code == 403


def test_board_page(crafted, login):
    c = crafted
    page = login("supervisor").get("/supervisor/?state=overdue").get_data(as_text=True)
    assert c["A"] in page and c["E"] in page and c["B"] not in page
    assert "逾期 5 个工作日" in page and "督办看板" in page
    county = login("county_supervisor").get("/supervisor/").get_data(as_text=True)
    assert c["E"] in county and c["A"] not in county
    assert login("officer").get("/supervisor/").status_code == 403


def test_board_page_ignores_bad_filters(crafted, login):
    response = login("supervisor").get("/supervisor/?state=late&within=abc")
    assert response.status_code == 200 and "筛选条件有误" in response.get_data(as_text=True)


def test_filter_round_trip():
    f, errors = BoardFilter.from_args({"state": "overdue", "officer": "unclaimed", "page": "2"})
    assert not errors
    assert f.to_args() == {"state": "overdue", "officer": "unclaimed", "page": 2}
    assert f.to_args(page=1) == {"state": "overdue", "officer": "unclaimed"}


def _walk(call, query: str) -> list[str]:
    """Every row, page by page, following the cursor (keyset paging)."""
    seen, after = [], ""
    for _ in range(20):
        cursor = f"&after={quote(after)}" if after else ""
        body = call("GET", f"/api/timers?per_page=2&{query}{cursor}").get_json()
        seen += [t["case_number"] for t in body["timers"]]
        after = body["next_after"]
        if not after:
            return seen
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize("query", ["", "state=overdue", "state=due_soon"])
def test_keyset_pages_walk_the_same_order_as_one_page(crafted, index_case, api, query):
    index_case("CITY", DAY)  # same due time as B: the id breaks the tie
    index_case("CITY", None, step="acceptance_review", role="clerk")  # undated, after D
    call = api("supervisor")
    whole = numbers(call("GET", f"/api/timers?per_page=200&{query}"))
    assert _walk(call, query) == whole
    # and by page number: the database merges the kinds of rows and skips to the page
    by_offset = []
    for page in range(1, len(whole) // 2 + 2):
        by_offset += numbers(call("GET", f"/api/timers?per_page=2&page={page}&{query}"))
    assert by_offset == whole


def test_a_bad_cursor_is_refused(api):
    response = api("supervisor")("GET", "/api/timers?after=d~x~1~2")
    assert response.status_code == 422 and "after" in response.get_json()["errors"]


def test_board_page_links_the_next_page_by_cursor(crafted, login):
    page = login("supervisor").get("/supervisor/?per_page=2").get_data(as_text=True)
    assert "after=d~" in page and "下一页" in page
