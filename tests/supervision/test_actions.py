"""Reminders, reassignment and notes: recorded in the case history, shown in the inbox,
and refused (403 in the API, a flash on pages) where an upper bureau may only watch."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.clock import now
from app.models import AuditEvent, Notification

DAY = dt.timedelta(days=1)


def history(session, case_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id))
    )


def test_reminder_reaches_the_assignee_inbox_and_the_history(clock, index_case, user, api, login, session):
    case, task = index_case("CITY", -2 * DAY, claimed_by=user("verifier"))
    response = api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {"message": "今天务必办结"})
    assert response.status_code == 201
    assert response.get_json()["user_id"] == user("verifier").id
    event = history(session, case.id)[-1]
    assert event.action == "reminder" and event.actor_name == "孙督办" and event.step == "verification"
    inbox = login("verifier").get("/").get_data(as_text=True)
    assert "督办提醒" in inbox and "今天务必办结" in inbox
    assert "今天务必办结" not in login("clerk").get("/").get_data(as_text=True)
    case_page = login("supervisor").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "督办提醒" in case_page


def test_reminder_to_an_unclaimed_task_goes_to_the_role(clock, index_case, api, session, login):
    case, task = index_case("COUNTY", DAY)
    # an upper bureau may remind inside a lower bureau's case
    response = api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {})
    assert response.status_code == 201 and response.get_json()["role"] == "verifier"
    assert "督办提醒" in login("county_verifier").get("/").get_data(as_text=True)
    refused = api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {"target": "assignee"})
    assert refused.status_code == 422 and "尚未认领" in refused.get_json()["message"]
    assert [e.action for e in history(session, case.id)].count("reminder") == 1


def test_reassign_within_the_bureau(clock, index_case, user, officer_factory, api, session, login):
    other = officer_factory("verifier2", role="verifier")
    case, task = index_case("CITY", DAY, claimed_by=user("verifier"))
    response = api("supervisor")(
        "POST", f"/api/tasks/{task.id}/reassign", {"to_user": "verifier2", "reason": "原承办人休假"}
    )
    assert response.status_code == 200 and response.get_json()["claimed_by"] == "verifier2"
    session.refresh(task)
    assert task.claimed_by_id == other.id
    event = history(session, case.id)[-1]
    assert event.action == "reassign" and event.data["改派理由"] == "原承办人休假"
    note = session.scalar(select(Notification).where(Notification.user_id == other.id))
    assert note is not None and "改派给您" in note.message
    # the former assignee no longer sees it as theirs; the new one does
    assert f'data-task-id="{task.id}"' not in login("verifier").get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target, message",
    [
        ("clerk", "没有“核查人员”角色"),
        ("county_verifier", "只能改派给本局的人员"),
        ("retired", "账号已停用"),
        ("verifier", "无需改派"),
        ("nobody", "请选择改派给谁"),
    ],
)
def test_reassign_refusals(clock, index_case, user, officer_factory, api, session, target, message):
    officer_factory("retired", role="verifier", active=False)
    _case, task = index_case("CITY", DAY, claimed_by=user("verifier"))
    response = api("supervisor")(
        "POST", f"/api/tasks/{task.id}/reassign", {"to_user": target if target != "nobody" else None}
    )
    assert response.status_code == 422 and message in response.get_json()["message"]
    session.refresh(task)
    assert task.claimed_by_id == user("verifier").id


def test_upper_bureau_may_not_reassign_but_may_note(clock, index_case, user, api, session):
    case, task = index_case("COUNTY", -DAY)
    response = api("supervisor")("POST", f"/api/tasks/{task.id}/reassign", {"to_user": "county_verifier"})
    assert response.status_code == 403 and "上级机关" in response.get_json()["message"]
    assert (
        api("province_supervisor")(
            "POST", f"/api/tasks/{task.id}/reassign", {"to_user": "county_verifier"}
        ).status_code
        == 403
    )
    ok = api("county_supervisor")("POST", f"/api/tasks/{task.id}/reassign", {"to_user": "county_verifier"})
    assert ok.status_code == 200
    noted = api("supervisor")(
        "POST", f"/api/cases/{case.id}/notes", {"body": "请县局关注", "task_id": task.id}
    )
    assert noted.status_code == 201
    assert [e.action for e in history(session, case.id)] == ["reassign", "note"]


def test_lower_bureau_cannot_see_upper_cases(clock, index_case, api):
    case, task = index_case("CITY", DAY)
    call = api("county_supervisor")
    assert call("POST", f"/api/tasks/{task.id}/remind", {}).status_code == 404
    assert call("POST", f"/api/cases/{case.id}/notes", {"body": "x"}).status_code == 404
    assert api("verifier")("POST", f"/api/tasks/{task.id}/remind", {}).status_code == 403


def test_note_needs_text_and_a_task_of_the_case(clock, index_case, api):
    case, _task = index_case("CITY", DAY)
    _other, other_task = index_case("CITY", DAY)
    call = api("supervisor")
    assert call("POST", f"/api/cases/{case.id}/notes", {"body": "  "}).status_code == 422
    assert (
        call("POST", f"/api/cases/{case.id}/notes", {"body": "x", "task_id": other_task.id}).status_code
        == 422
    )
    assert call("POST", f"/api/cases/{case.id}/notes", {"body": "x" * 401}).status_code == 422
    assert call("POST", f"/api/cases/{case.id}/notes", {"body": "x", "task_id": "1"}).status_code == 422


def test_closed_task_is_a_conflict(clock, index_case, api, session):
    _case, task = index_case("CITY", DAY)
    task.completed_at, task.outcome = now(), "completed"
    session.flush()
    assert api("supervisor")("POST", f"/api/tasks/{task.id}/remind", {}).status_code == 409


def test_page_actions_flash(clock, index_case, user, officer_factory, login, session):
    officer_factory("verifier2", role="verifier")
    case, task = index_case("COUNTY", DAY)
    client = login("supervisor")
    response = client.post(
        f"/supervisor/tasks/{task.id}/reassign",
        data={"to_user": user("county_verifier").id},
        follow_redirects=True,
    )
    assert "上级机关只能督促和备注" in response.get_data(as_text=True)
    response = client.post(
        f"/supervisor/tasks/{task.id}/remind",
        data={"target": "role", "message": "抓紧", "back": "/supervisor/?state=due_soon"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/supervisor/?state=due_soon"
    )
    response = client.post(
        f"/supervisor/cases/{case.id}/notes",
        data={"body": "已电话督促", "back": "//evil.example"},
        follow_redirects=True,
    )
    assert "已添加督办备注" in response.get_data(as_text=True)
    board = client.get("/supervisor/").get_data(as_text=True)
    assert "督办备注" in board  # the latest supervision act shows on the row
    assert [e.action for e in history(session, case.id)] == ["reminder", "note"]
