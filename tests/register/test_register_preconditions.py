"""No diagram moves the register without its legal preconditions: a published diagram
that calls remove_early() straight after the application (or lets a clerk 'decide')
fails with a Chinese message, and the subject stays on the register.  The shipped
diagrams, which take the decisions, still work (tests/web/test_api_repair.py and
tests/register/test_listing_*.py)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from app.models import Case, EntryStatus, Incident
from tests.conftest import PASSWORD
from tests.helpers import entry_named, repair_data

ROOT = Path(__file__).resolve().parents[2]
NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'
)


def start_event_of(key: str) -> str:
    """The shipped diagram's start event (its start form), unchanged."""
    xml = (ROOT / "workflows" / f"{key}.bpmn").read_text(encoding="utf-8")
    event = re.search(r"<bpmn:startEvent id=\"(\w+)\".*?</bpmn:startEvent>", xml, re.S)
    assert event, key
    body = re.sub(
        r"<bpmn:outgoing>.*?</bpmn:outgoing>", "<bpmn:outgoing>f_start</bpmn:outgoing>", event.group(0)
    )
    return event.group(1), body


def shortcut(key: str, lane: str, script: str, step: str = "") -> str:
    """A diagram of `key`: the shipped start event, optionally one user task of the
    lane (`step` is its extension XML), then a script task running `script`."""
    start_id, start = start_event_of(key)
    first = "act" if step else "act_script"
    task = (
        f"""<bpmn:userTask id="act" name="受理"><bpmn:extensionElements>{step}</bpmn:extensionElements>
        <bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_act</bpmn:outgoing></bpmn:userTask>
        <bpmn:sequenceFlow id="f_act" sourceRef="act" targetRef="act_script" />"""
        if step
        else ""
    )
    script_in = "f_act" if step else "f_start"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs_{key}" targetNamespace="http://example.cn/test">
  <bpmn:process id="{key}" name="捷径" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="start_data" value="eligibility, subject_name, listed_on, entry_ids, origin" /></camunda:properties></bpmn:extensionElements>
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="{lane}">
      <bpmn:flowNodeRef>{start_id}</bpmn:flowNodeRef>{"<bpmn:flowNodeRef>act</bpmn:flowNodeRef>" if step else ""}
      <bpmn:flowNodeRef>act_script</bpmn:flowNodeRef><bpmn:flowNodeRef>done</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    {start}
    <bpmn:sequenceFlow id="f_start" sourceRef="{start_id}" targetRef="{first}" />
    {task}
    <bpmn:scriptTask id="act_script" name="直接变更名单" scriptFormat="python">
      <bpmn:incoming>{script_in}</bpmn:incoming><bpmn:outgoing>f_done</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f_done" sourceRef="act_script" targetRef="done" />
    <bpmn:endEvent id="done" name="结束"><bpmn:incoming>f_done</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def publish(client, api, key: str, xml: str) -> None:
    """The city's designer saves the diagram and its administrator publishes it: the
    diagram is valid, so only the register's preconditions stand in its way."""
    token = client.post("/api/token", json={"username": "designer", "password": PASSWORD}).get_json()["token"]
    saved = client.post(
        f"/api/processes/{key}/drafts",
        data=xml.encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/xml",
            "X-Change-Note": quote("捷径"),
        },
    )
    assert saved.status_code == 201, saved.get_json()
    number = saved.get_json()["number"]
    published = api("admin")("POST", f"/api/processes/{key}/versions/{number}/publish")
    assert published.status_code == 200, published.get_json()


DECISION_STEP = (
    '<camunda:properties><camunda:property name="step_kind" value="decision" /></camunda:properties>'
    '<camunda:formData><camunda:formField id="outcome" label="决定" type="enum">'
    '<camunda:value id="grant" name="准予" /><camunda:value id="refuse" name="不予" /></camunda:formField>'
    "</camunda:formData>"
)


def test_remove_early_straight_after_the_application_is_refused(client, api, session):
    publish(client, api, "repair", shortcut("repair", "受理窗口", "remove_early()"))
    entry = entry_named(session, "示范化工有限公司")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "不能提前移出" in message and "负责人" in message and "准予提前移出" in message
    session.refresh(entry)
    assert entry.status == EntryStatus.LISTED and entry.published


def test_a_clerk_deciding_grant_does_not_remove_the_subject(client, api, session):
    publish(client, api, "repair", shortcut("repair", "受理窗口", "remove_early()", step=DECISION_STEP))
    entry = entry_named(session, "示范化工有限公司")
    case = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)}).get_json()
    task = next(
        t for t in api("clerk")("GET", "/api/tasks").get_json()["tasks"] if t["case_id"] == case["id"]
    )
    response = api("clerk")("POST", f"/api/tasks/{task['id']}/complete", {"data": {"outcome": "grant"}})
    assert response.status_code == 422
    assert "不能提前移出" in response.get_json()["message"]
    session.refresh(entry)
    assert entry.status == EntryStatus.LISTED and entry.published
    incident = session.scalar(select(Incident).where(Incident.case_id == case["id"]))
    assert incident is not None and "负责人" in incident.message and incident.element_id == "act_script"
    assert session.get(Case, case["id"]).status == "active"  # the step was rolled back


def test_a_diagram_setting_the_decision_variable_itself_does_not_count(client, api, session):
    script = "outcome = 'grant'\nsteps = {'decision': {'outcome': 'grant'}}\nremove_early()"
    publish(client, api, "repair", shortcut("repair", "受理窗口", script))
    entry = entry_named(session, "示范化工有限公司")
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 422 and "不能提前移出" in response.get_json()["message"]
    session.refresh(entry)
    assert entry.status == EntryStatus.LISTED


def test_listing_without_notice_review_or_decision_is_refused(client, api, session):
    from tests.register.conftest import proposal

    script = "decide_listing(today(), add_years(today(), 3), measures, '无')"
    publish(client, api, "listing", shortcut("listing", "承办人", script))
    response = api("officer")("POST", "/api/cases", {"process": "listing", "data": proposal()})
    assert response.status_code == 422, response.get_json()
    message = response.get_json()["message"]
    assert "不能作出列入决定" in message
    for reason in ("法制审核", "拟列入告知书", "陈述申辩期尚未届满", "列入名单"):
        assert reason in message, (reason, message)


def test_withdrawal_without_a_decision_is_refused(client, api, session):
    script = "withdraw_listing(revoked_by, revocation_number, revoked_on, '无')"
    publish(client, api, "withdrawal", shortcut("withdrawal", "承办人", script))
    entry = entry_named(session, "示范化工有限公司")
    data = {
        "listing_id": entry.id,
        "revoked_by": "reconsideration",
        "revocation_number": "示市复〔2026〕1号",
        "revoked_on": "2026-11-02",
        "revocation_summary": "行政复议撤销原处罚决定",
    }
    response = api("officer")("POST", "/api/cases", {"process": "withdrawal", "data": data})
    assert response.status_code == 422, response.get_json()
    assert "不能撤销列入" in response.get_json()["message"], response.get_json()
    assert "负责人" in response.get_json()["message"]
    session.refresh(entry)
    assert entry.status == EntryStatus.LISTED and entry.published
