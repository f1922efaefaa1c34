"""Escalation from the diagrams (warning and deadline timers) and timer incidents.

The diagrams are the fixture's own: one officer task with a warning after 1 working
day and a deadline after 2; the failing one runs take_over_entries() when the deadline
fires, which raises for a case that has no register entry."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.models import Notification, RegisterEntry, TaskItem, Timer
from app.scheduler import fire_due_timers
from tests.supervision.conftest import MONDAY


def open_task(session, case) -> TaskItem:
    return session.scalar(
        select(TaskItem).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
    )


def notes(session, case, kind: str) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.case_id == case.id, Notification.kind == kind)
        )
    )


def board(api, username: str, state: str) -> list[dict]:
    response = api(username)("GET", f"/api/timers?state={state}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["timers"]


def test_warning_then_deadline(clock, deadline_process, start_case, session, api, login):
    case = start_case(deadline_process)
    session.commit()
    task = open_task(session, case)
    # Monday: due at the end of Wednesday, warned at the end of Tuesday
    assert task.due_at == dt.datetime(2026, 3, 11, 23, 59, 59, tzinfo=MONDAY.tzinfo)
    # the step's warning timer decides (app.calendar.urgency), not the window: not yet due soon
    assert case.id not in [t["case_id"] for t in board(api, "supervisor", "due_soon")]
    assert case.id not in [t["case_id"] for t in board(api, "supervisor", "due_soon&within=3")]

    clock.move_to(dt.datetime(2026, 3, 11, 9, 0, tzinfo=MONDAY.tzinfo))  # Wednesday morning
    assert fire_due_timers(session) == 1
    session.refresh(task)
    assert task.warn_at is not None and task.escalated_at is None
    assert [n.role for n in notes(session, case, "due_soon")] == ["officer"]
    soon = [t for t in board(api, "supervisor", "due_soon") if t["case_id"] == case.id]
    assert soon and soon[0]["overdue_working_days"] == 0  # due today

    clock.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=MONDAY.tzinfo))  # Thursday
    assert fire_due_timers(session) == 1
    session.refresh(task)
    assert task.escalated_at is not None and task.completed_at is None  # non-interrupting
    assert sorted(n.role for n in notes(session, case, "overdue")) == ["officer", "supervisor"]
    late = [t for t in board(api, "supervisor", "overdue") if t["case_id"] == case.id]
    assert late == [dict(late[0], kind="deadline", overdue_working_days=1, step="handle", assignee=None)]
    assert case.id in [t["case_id"] for t in board(api, "province_supervisor", "overdue")]
    inbox = login("supervisor").get("/").get_data(as_text=True)
    assert "已超过办理期限" in inbox and case.number in inbox
    assert "已超过办理期限" not in login("county_supervisor").get("/").get_data(as_text=True)


def test_engine_error_becomes_an_incident_and_retry(clock, failing_process, start_case, session, api, login):
    case = start_case(failing_process)
    session.commit()
    clock.move_to(dt.datetime(2026, 3, 11, 9, 0, tzinfo=MONDAY.tzinfo))
    assert fire_due_timers(session) == 1  # the warning
    clock.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=MONDAY.tzinfo))
    assert fire_due_timers(session) == 0  # the deadline's path raises
    deadline = session.scalar(select(Timer).where(Timer.case_id == case.id, Timer.kind == "deadline"))
    assert deadline.failed_at is not None and deadline.fired_at is None and deadline.attempts == 1
    assert "名单记录" in deadline.last_error
    assert fire_due_timers(session) == 0  # never retried silently, never stuck unseen

    page = login("supervisor").get("/supervisor/timers").get_data(as_text=True)
    assert "触发失败" in page and "名单记录" in page and "重试" in page
    row = next(t for t in board(api, "supervisor", "overdue") if t["case_id"] == case.id)
    assert row["overdue_working_days"] == 1

    # upper bureaus watch only
    refused = api("province_supervisor")("POST", f"/api/timers/{deadline.id}/retry")
    assert refused.status_code == 403
    # retry while the cause is still there: a new incident, one more attempt
    again = api("supervisor")("POST", f"/api/timers/{deadline.id}/retry").get_json()
    assert again["outcome"] == "failed" and "名单记录" in again["message"]
    session.refresh(deadline)
    assert deadline.attempts == 2 and deadline.failed_at is not None

    # the administrator links the missing register entry; the retry now fires the timer
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "明远矿业有限公司"))
    case.register_entry_id = entry.id
    session.commit()
    response = login("supervisor").post(f"/supervisor/timers/{deadline.id}/retry", follow_redirects=True)
    assert "计时器已重新触发" in response.get_data(as_text=True)
    session.refresh(deadline)
    session.refresh(entry)
    assert deadline.fired_at is not None and deadline.failed_at is None
    assert entry.listing_case_id == case.id  # the action ran
    assert open_task(session, case).escalated_at is not None
    actions = [h["action"] for h in api("supervisor")("GET", f"/api/cases/{case.id}").get_json()["history"]]
    assert actions.count("timer_retry") == 2 and "timer_deadline" in actions
    assert api("supervisor")("POST", f"/api/timers/{deadline.id}/retry").status_code == 409


def test_timer_list_shows_pending_and_fired(clock, deadline_process, start_case, session, login):
    case = start_case(deadline_process)
    session.commit()
    client = login("supervisor")
    pending = client.get("/supervisor/timers?state=pending").get_data(as_text=True)
    assert case.number in pending and "办理期限" in pending and "办理预警" in pending
    clock.move_to(dt.datetime(2026, 3, 11, 9, 0, tzinfo=MONDAY.tzinfo))
    fire_due_timers(session)
    fired = client.get("/supervisor/timers?state=fired").get_data(as_text=True)
    assert case.number in fired and "晚 " in fired  # due at midnight, fired the next morning
    assert client.get("/supervisor/timers?state=bogus").status_code == 200
    assert login("officer").get("/supervisor/timers").status_code == 403


def test_a_failing_case_does_not_hold_back_the_others_of_its_group(
    clock, deadline_process, failing_process, start_case, session
):
    """A sweep fires several cases per transaction; the one whose deadline path raises is
    rolled back alone (an incident, its timer marked), the cases before and after it fire."""
    from app.models import AuditEvent, Incident

    cases = [start_case(deadline_process, subject="甲"), start_case(failing_process, subject="乙")]
    cases.append(start_case(deadline_process, subject="丙"))
    session.commit()
    clock.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=MONDAY.tzinfo))  # warnings and deadlines due
    fire_due_timers(session)
    fired = {
        case_id
        for (case_id,) in session.execute(
            select(AuditEvent.case_id).where(AuditEvent.action == "timer_deadline")
        )
    }
    assert fired == {cases[0].id, cases[2].id}
    incident = session.scalar(select(Incident).where(Incident.case_id == cases[1].id))
    assert incident is not None and incident.resolved_at is None and "名单记录" in incident.message
    failed = session.scalar(select(Timer).where(Timer.case_id == cases[1].id, Timer.kind == "deadline"))
    assert failed.failed_at is not None and failed.fired_at is None
    assert {open_task(session, c).escalated_at is not None for c in (cases[0], cases[2])} == {True}
