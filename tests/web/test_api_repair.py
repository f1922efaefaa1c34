"""The whole repair path through the JSON API."""

from __future__ import annotations

import datetime as dt

import time_machine

from app.models import EntryStatus
from app.scheduler import fire_due_timers
from tests.helpers import entry_named, repair_data


def start(api, session, name="示范化工有限公司", **overrides):
    entry = entry_named(session, name)
    response = api("clerk")(
        "POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id, **overrides)}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json(), entry


def task_id(api, username, case_id, step):
    tasks = api(username)("GET", "/api/tasks").get_json()["tasks"]
    matches = [t for t in tasks if t["case_id"] == case_id and t["step"] == step]
    assert matches, f"{username} has no {step} task for case {case_id}: {tasks}"
    return matches[0]["id"]


def complete(api, username, case_id, step, data, expect=200):
    tid = task_id(api, username, case_id, step)
    response = api(username)("POST", f"/api/tasks/{tid}/complete", {"data": data})
    assert response.status_code == expect, response.get_json()
    return response


def test_grant_path_removes_entry_and_schedules_follow_up(api, session):
    case, entry = start(api, session)
    assert case["status"] == "active" and case["number"].startswith("XF")
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    complete(api, "verifier", case["id"], "verification", {"findings": "整改到位", "onsite": True})
    complete(api, "leader", case["id"], "decision", {"outcome": "grant"})
    complete(api, "publisher", case["id"], "publication", {"served": True})
    session.refresh(entry)
    assert entry.status == EntryStatus.REMOVED_EARLY and entry.published is False
    register = api("clerk")("GET", "/api/register").get_json()["entries"]
    assert entry.id not in [e["id"] for e in register]
    detail = api("clerk")("GET", f"/api/cases/{case['id']}").get_json()
    assert detail["status"] == "active"  # the follow-up is still to come
    waits = [t for t in detail["timers"] if t["kind"] == "wait" and t["fired_at"] is None]
    assert len(waits) == 1
    due = dt.datetime.fromisoformat(waits[0]["due_at"])
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        assert fire_due_timers(session) == 1  # the follow-up wait
        complete(api, "verifier", case["id"], "follow_up", {"rebound": False, "notes": "经营正常"})
    detail = api("clerk")("GET", f"/api/cases/{case['id']}").get_json()
    assert detail["status"] == "granted"
    actions = [h["action"] for h in detail["history"]]
    assert actions[0] == "start" and actions[-1] == "end"
    assert [h["step"] for h in detail["history"] if h["action"] == "complete"] == [
        "acceptance_review",
        "verification",
        "decision",
        "publication",
        "follow_up",
    ]


def test_refusal_path_records_service(api, session):
    case, entry = start(api, session, name="东港建筑工程有限公司")
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    complete(api, "verifier", case["id"], "verification", {"findings": "隐患未整改"})
    response = complete(api, "leader", case["id"], "decision", {"outcome": "refuse"}, expect=422)
    assert "reasons" in response.get_json()["errors"]
    complete(
        api, "leader", case["id"], "decision", {"outcome": "refuse", "reasons": "整改未完成；可申请复议"}
    )
    complete(api, "publisher", case["id"], "publication", {"served": True})
    detail = api("clerk")("GET", f"/api/cases/{case['id']}").get_json()
    assert detail["status"] == "refused" and detail["tasks"] == []
    session.refresh(entry)
    assert entry.status == EntryStatus.LISTED and entry.published


def test_supplement_then_accept(api, session):
    case, _ = start(api, session)
    response = complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "supplement"}, expect=422)
    assert "missing_items" in response.get_json()["errors"]
    complete(
        api,
        "clerk",
        case["id"],
        "acceptance_review",
        {"outcome": "supplement", "missing_items": ["整改报告原件", "身份证明"]},
    )
    complete(
        api,
        "clerk",
        case["id"],
        "supplement",
        {"materials_received": True, "materials": ["整改报告原件", "身份证明"]},
    )
    # one-time notice: a second supplement request is refused
    response = complete(
        api,
        "clerk",
        case["id"],
        "acceptance_review",
        {"outcome": "supplement", "missing_items": ["再补"]},
        expect=422,
    )
    assert "outcome" in response.get_json()["errors"]
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    assert task_id(api, "verifier", case["id"], "verification")


def test_supplement_lapses_after_ten_working_days(api, session):
    case, _ = start(api, session)
    complete(
        api,
        "clerk",
        case["id"],
        "acceptance_review",
        {"outcome": "supplement", "missing_items": ["整改报告"]},
    )
    detail = api("clerk")("GET", f"/api/cases/{case['id']}").get_json()
    cutoff = [t for t in detail["timers"] if t["kind"] == "cutoff" and t["fired_at"] is None][0]
    due = dt.datetime.fromisoformat(cutoff["due_at"])
    with time_machine.travel(due - dt.timedelta(hours=1), tick=False):
        assert fire_due_timers(session) == 0
    with time_machine.travel(due + dt.timedelta(seconds=5), tick=False):
        assert fire_due_timers(session) == 1
    detail = api("clerk")("GET", f"/api/cases/{case['id']}").get_json()
    assert detail["status"] == "lapsed" and detail["tasks"] == []
    assert any(h["action"] == "timer_cutoff" for h in detail["history"])


def test_refused_at_acceptance(api, session):
    case, _ = start(api, session)
    complete(
        api, "clerk", case["id"], "acceptance_review", {"outcome": "refuse", "reasons": "不属于本机关管辖"}
    )
    assert api("clerk")("GET", f"/api/cases/{case['id']}").get_json()["status"] == "rejected"


def test_verification_extension_once(api, session):
    case, _ = start(api, session)
    complete(api, "clerk", case["id"], "acceptance_review", {"outcome": "accept"})
    first = [
        t for t in api("verifier")("GET", "/api/tasks").get_json()["tasks"] if t["case_id"] == case["id"]
    ][0]
    response = complete(api, "verifier", case["id"], "verification", {"extend": True}, expect=422)
    assert "extension_reason" in response.get_json()["errors"]
    complete(api, "verifier", case["id"], "verification", {"extend": True, "extension_reason": "需现场核查"})
    second = [
        t for t in api("verifier")("GET", "/api/tasks").get_json()["tasks"] if t["case_id"] == case["id"]
    ][0]
    assert second["step"] == "verification"
    assert dt.datetime.fromisoformat(second["due_at"]) > dt.datetime.fromisoformat(first["due_at"])
    response = complete(
        api,
        "verifier",
        case["id"],
        "verification",
        {"extend": True, "extension_reason": "再延一次"},
        expect=422,
    )
    assert response.get_json()["errors"]["extend"] == "核查期限只能延长一次"
    complete(api, "verifier", case["id"], "verification", {"findings": "核查完毕", "onsite": True})
    assert task_id(api, "leader", case["id"], "decision")
