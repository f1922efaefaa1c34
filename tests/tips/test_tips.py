"""Public tips: from the public form or API to the reply the tipster reads by code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Case, Tip

TIP = {
    "subject_name": "北辰化工有限公司",
    "description": "夜间违规动火作业，无人监护",
    "location": "示范市北辰路8号",
}


def _submit(client, body=None, addr="198.51.100.7"):
    return client.post("/api/public/tips", json=body or TIP, environ_base={"REMOTE_ADDR": addr})


def _complete(api, open_task, user, case_id, step, data):
    task = open_task(case_id, step)
    assert task is not None, f"no open {step}"
    return api(user)("POST", f"/api/tasks/{task.id}/complete", {"data": data})


def test_tip_from_the_public_to_its_reply(client, api, session, open_task):
    response = _submit(client, {**TIP, "contact": "13800000000"})
    assert response.status_code == 201
    code = response.get_json()["tracking_code"]
    assert code.startswith("JB") and len(code) == 12
    assert client.get(f"/api/public/tips/{code}").get_json()["status"] == "received"

    tip = session.scalar(select(Tip).where(Tip.tracking_code == code))
    case = session.get(Case, tip.case_id)
    assert case.process_key == "tip" and case.subject_name == TIP["subject_name"]
    assert "198.51.100.7" not in tip.client_hash
    ok = _complete(
        api, open_task, "clerk", case.id, "register_tip", {"accepted": "accept", "category": "violation"}
    )
    assert ok.status_code == 200, ok.get_json()
    assert client.get(f"/api/public/tips/{code}").get_json()["status"] == "processing"
    assert (
        _complete(
            api, open_task, "leader", case.id, "assign_tip", {"instructions": "三日内现场核查"}
        ).status_code
        == 200
    )
    verified = _complete(
        api,
        open_task,
        "verifier",
        case.id,
        "verify_tip",
        {"finding": "true", "findings": "现场查实违规动火", "follow_up": "inspection"},
    )
    assert verified.status_code == 200
    reply = {
        "reply": "经核查，您反映的问题属实，已依法立案查处。",
        "reward_granted": True,
        "reward_amount": 2000,
    }
    assert _complete(api, open_task, "clerk", case.id, "reply_tip", reply).status_code == 200

    answer = client.get(f"/api/public/tips/{code}").get_json()
    assert answer["status"] == "replied" and answer["reply"] == reply["reply"]
    session.refresh(tip)
    session.refresh(case)
    assert (tip.finding, tip.reward_amount, case.status) == ("true", 2000, "handled")
    figures = api("supervisor")("GET", "/api/stats").get_json()["tips"]
    assert figures == {"received": 1, "handled": 1, "found_true": 1, "rewards_yuan": 2000}


def test_no_reward_for_a_tip_not_accepted(client, api, session, open_task):
    code = _submit(client).get_json()["tracking_code"]
    case_id = session.scalar(select(Tip.case_id).where(Tip.tracking_code == code))
    refused = {"accepted": "refuse", "category": "other", "refuse_reason": "不属于安全生产监管范围"}
    assert _complete(api, open_task, "clerk", case_id, "register_tip", refused).status_code == 200
    reply = {
        "reply": "您反映的事项不属于本部门职责，建议向市场监管部门反映。",
        "reward_granted": True,
        "reward_amount": 100,
    }
    response = _complete(api, open_task, "clerk", case_id, "reply_tip", reply)
    assert response.status_code == 422 and "reward_granted" in response.get_json()["errors"]
    reply["reward_granted"], reply["reward_amount"] = False, None
    assert _complete(api, open_task, "clerk", case_id, "reply_tip", reply).status_code == 200
    assert client.get(f"/api/public/tips/{code}").get_json()["reply"] == reply["reply"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({**TIP, "subject_name": ""}, "subject_name"),
        ({k: v for k, v in TIP.items() if k != "description"}, "description"),
        ({**TIP, "description": "很" * 5001}, "description"),
        ({**TIP, "case_result": "handled"}, "case_result"),
    ],
)
def test_incomplete_tips_are_refused_and_nothing_is_stored(client, session, body, field):
    response = _submit(client, body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert session.scalar(select(func.count(Tip.id))) == 0
    assert session.scalar(select(func.count(Case.id)).where(Case.process_key == "tip")) == 0


def test_one_address_is_limited_per_hour(app, client, session):
    app.config["TIPS_PER_HOUR"] = 2
    try:
        assert _submit(client).status_code == 201
        assert _submit(client).status_code == 201
        third = _submit(client)
        assert third.status_code == 429 and third.headers["Retry-After"] == "3600"
        assert _submit(client, addr="203.0.113.9").status_code == 201  # another address
    finally:
        app.config["TIPS_PER_HOUR"] = 5
    assert session.scalar(select(func.count(Tip.id))) == 3


def test_honeypot_stores_nothing_but_answers_alike(client, session):
    response = _submit(client, {**TIP, "website": "http://spam.example"})
    assert response.status_code == 201 and response.get_json()["tracking_code"].startswith("JB")
    assert session.scalar(select(func.count(Tip.id))) == 0
    assert client.get(f"/api/public/tips/{response.get_json()['tracking_code']}").status_code == 404


def test_unknown_codes_are_not_found(client):
    assert client.get("/api/public/tips/JBXXXXXXXXXX").status_code == 404
    assert client.get("/api/public/tips/" + "J" * 300).status_code == 404


def test_the_public_form_and_the_tracking_page(client, session):
    page = client.get("/public/tips/new").get_data(as_text=True)
    assert "被举报单位或个人" in page and 'name="website"' in page
    empty = client.post("/public/tips/new", data={"subject_name": ""})
    assert empty.status_code == 200 and "请填写“被举报单位或个人”" in empty.get_data(as_text=True)
    done = client.post("/public/tips/new", data=TIP).get_data(as_text=True)
    code = session.scalar(select(Tip.tracking_code))
    assert code in done
    tracked = client.get(f"/public/tips/track?code={code}").get_data(as_text=True)
    assert "已收到，正在审查" in tracked
    assert "查询码不存在" in client.get("/public/tips/track?code=JBNOPE").get_data(as_text=True)
