"""Deadlines drawn in the diagram, computed in Chinese working days."""

from __future__ import annotations

import datetime as dt

import time_machine

from app.calendar import workdays as cal
from tests.helpers import entry_named, repair_data

SHANGHAI = cal.SHANGHAI


def start(api, session):
    entry = entry_named(session, "示范化工有限公司")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_acceptance_deadline_skips_spring_festival_and_counts_adjusted_saturday(api, session):
    with time_machine.travel(dt.datetime(2026, 2, 12, 10, 0, tzinfo=SHANGHAI), tick=False):
        case_id = start(api, session)
        task = api("clerk")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]
        # Fri 13, Sat 14 (adjusted working day), then Tue 24 Feb after the holiday
        assert task["due_at"] == "2026-02-24T15:59:59+00:00"
        api("clerk")("POST", f"/api/tasks/{task['id']}/complete", {"data": {"outcome": "accept"}})
        verification = api("verifier")("GET", f"/api/cases/{case_id}").get_json()["tasks"][0]
        # 10 working days from 12 Feb: 13, 14(Sat), 24, 25, 26, 27, 28(Sat), 2, 3, 4 March
        assert verification["due_at"] == "2026-03-04T15:59:59+00:00"


def test_deadline_in_unannounced_year_leaves_a_warning_in_the_history(api, session):
    with time_machine.travel(dt.datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI), tick=False):
        case_id = start(api, session)
        detail = api("clerk")("GET", f"/api/cases/{case_id}").get_json()
        assert detail["tasks"][0]["due_at"] == "2027-01-05T15:59:59+00:00"
        warnings = [h for h in detail["history"] if h["action"] == "calendar_warning"]
        assert warnings and "2027" in warnings[0]["summary"]


def test_inbox_marks_overdue_and_sorts_by_urgency(api, session, client, login):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        first = start(api, session)
    second_entry = entry_named(session, "东港建筑工程有限公司")
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
        api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(second_entry.id)})
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI), tick=False):
        tasks = api("clerk")("GET", "/api/tasks").get_json()["tasks"]
        assert tasks[0]["case_id"] == first and tasks[0]["overdue"] is True
        assert tasks[1]["overdue"] is False
        login("clerk")
        page = client.get("/").get_data(as_text=True)
        assert "已逾期" in page and "due-overdue" in page


def test_inbox_due_soon_follows_the_diagrams_warning_timer(api, session, client, login):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        case_id = start(api, session)
    task = api("clerk")("GET", f"/api/cases/{case_id}").get_json()
    warning = [t for t in task["timers"] if t["kind"] == "warning" and t["step"] == "acceptance_review"]
    assert warning, "repair.bpmn draws a warning timer before the acceptance deadline"
    warn_at = dt.datetime.fromisoformat(warning[0]["due_at"])
    with time_machine.travel(warn_at - dt.timedelta(hours=1), tick=False):
        login("clerk")  # signed in then: a session cookie from the future is not accepted
        assert 'class="due-ok"' in client.get("/").get_data(as_text=True)
    with time_machine.travel(warn_at + dt.timedelta(hours=1), tick=False):
        assert 'class="due-due_soon"' in client.get("/").get_data(as_text=True)
