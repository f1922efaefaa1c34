"""The repair forms as an officer meets them (issue 12): a hidden field is not stored,
a choice already used up is not offered, the history says what an extension did, and a
completed task's page shows no days left."""

from __future__ import annotations

from sqlalchemy import select

from app.calendar import workdays as cal
from app.engine.functions import cn_date
from app.models import AuditEvent, TaskItem
from tests.web.test_api_repair import complete, start, task_id


def _page(client, login, username, item_id):
    login(username)
    return client.get(f"/tasks/{item_id}").get_data(as_text=True)


def test_a_reason_typed_then_hidden_is_not_stored(api, session):
    case, _ = start(api, session)
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    complete(
        api,
        "verifier",
        case["id"],
        "verification",
        {"findings": "整改到位", "extend": False, "extension_reason": "需现场核查"},
    )
    history = api("clerk")("GET", f"/api/cases/{case['id']}").get_json()["history"]
    done = [h for h in history if h["action"] == "complete" and h["step"] == "verification"][0]
    assert done["data"].get("extension_reason") is None
    assert "需现场核查" not in str(history)


def test_a_second_supplement_is_not_offered(api, session, client, login):
    case, _ = start(api, session)
    tid = task_id(api, "clerk", case["id"], "acceptance_review")
    assert "一次性告知补正" in _page(client, login, "clerk", tid)
    complete(
        api,
        "clerk",
        case["id"],
        "acceptance_review",
        {"outcome": "supplement", "missing_items": ["整改报告"]},
    )
    complete(api, "clerk", case["id"], "supplement", {"materials_received": True, "materials": ["整改报告"]})
    tid = task_id(api, "clerk", case["id"], "acceptance_review")
    page = _page(client, login, "clerk", tid)
    assert 'value="accept"' in page and 'value="supplement"' not in page


def test_a_second_extension_is_not_offered_and_the_history_names_the_new_deadline(
    api, session, client, login
):
    case, _ = start(api, session)
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    tid = task_id(api, "verifier", case["id"], "verification")
    assert 'name="extend"' in _page(client, login, "verifier", tid)
    complete(api, "verifier", case["id"], "verification", {"extend": True, "extension_reason": "需现场核查"})
    tid = task_id(api, "verifier", case["id"], "verification")
    assert 'name="extend"' not in _page(client, login, "verifier", tid)
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case["id"],
            AuditEvent.action == "complete",
            AuditEvent.step == "verification",
        )
    )
    item = session.get(TaskItem, tid)
    assert event.summary == f"已延长核查期限至{cn_date(cal.local_date(item.due_at).isoformat())}"


def test_a_completed_task_page_shows_no_days_left(api, session, client, login):
    case, _ = start(api, session)
    tid = task_id(api, "clerk", case["id"], "acceptance_review")
    assert "办理期限" in _page(client, login, "clerk", tid)
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    page = _page(client, login, "clerk", tid)
    assert "办理完毕" in page and "办理期限" not in page and "剩余" not in page
