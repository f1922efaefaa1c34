"""Publishing a changed deadline: new cases get it, running cases finish on their version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.calendar import workdays as cal
from app.clock import today
from app.models import TaskItem
from tests.designer.conftest import repair_xml, with_timer
from tests.helpers import entry_named, repair_data


def start_repair(api, session, name):
    entry = entry_named(session, name)
    response = api("clerk")("POST", "/api/cases", {"process": "repair", "data": repair_data(entry.id)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def complete(api, username, case_id, step, data):
    tasks = api(username)("GET", "/api/tasks").get_json()["tasks"]
    task = next(t for t in tasks if t["case_id"] == case_id and t["step"] == step)
    response = api(username)("POST", f"/api/tasks/{task['id']}/complete", {"data": data})
    assert response.status_code == 200, response.get_json()


def review_due(session, case_id) -> dt.datetime:
    return session.scalar(
        select(TaskItem.due_at).where(TaskItem.case_id == case_id, TaskItem.step == "acceptance_review")
    )


def expected_due(days: int) -> dt.datetime:
    return cal.add_working_days(today(), days).end_utc


def test_running_case_keeps_its_version_and_new_case_gets_new_deadline(
    api, raw_api, upload, session, case_of
):
    old_case = start_repair(api, session, "示范化工有限公司")
    assert review_due(session, old_case) == expected_due(3)

    draft = upload(
        "designer",
        "repair",
        with_timer(repair_xml(), "acceptance_review_deadline", "working_days(5)"),
        note="受理审核期限改为5个工作日",
    )
    assert draft.status_code == 201, draft.get_json()
    number = draft.get_json()["number"]
    assert raw_api("admin")("POST", f"/api/processes/repair/versions/{number}/publish").status_code == 200

    new_case = start_repair(api, session, "东港建筑工程有限公司")
    assert review_due(session, new_case) == expected_due(5)
    assert case_of(new_case).process_version.number == number
    assert case_of(old_case).process_version.number < number

    # the old case runs to its end on its own version
    complete(api, "clerk", old_case, "acceptance_review", {"outcome": "accept"})
    complete(api, "verifier", old_case, "verification", {"findings": "隐患未整改"})
    complete(api, "leader", old_case, "decision", {"outcome": "refuse", "reasons": "整改未完成；可申请复议"})
    complete(api, "publisher", old_case, "publication", {"served": True})
    finished = case_of(old_case)
    assert finished.status == "refused" and finished.process_version.number < number

    versions = {
        v["number"]: v for v in raw_api("admin")("GET", "/api/processes/repair").get_json()["versions"]
    }
    assert versions[number]["cases"] == 1 and versions[number]["active_cases"] == 1
    assert versions[finished.process_version.number]["state"] == "retired"
    assert versions[finished.process_version.number]["cases"] == 1


CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_caller" targetNamespace="t">
  <bpmn:process id="caller" name="调用方" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="call_probe" name="办理测试流程" calledElement="probe">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call_probe" />
    <bpmn:sequenceFlow id="f2" sourceRef="call_probe" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""


def test_call_activity_runs_the_published_called_process(raw_api, upload, session, user, open_task):
    from app import engine
    from tests.designer.conftest import probe_xml

    refused = upload("designer", "caller", CALLER)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["element_id"] == "call_probe"
    number = upload("designer", "probe", probe_xml()).get_json()["number"]
    raw_api("admin")("POST", f"/api/processes/probe/versions/{number}/publish")
    number = upload("designer", "caller", CALLER).get_json()["number"]
    assert raw_api("admin")("POST", f"/api/processes/caller/versions/{number}/publish").status_code == 200

    clerk = user("clerk")
    version = engine.published_version(session, "caller")
    case = engine.start_case(session, version, {}, clerk, bureau_id=clerk.bureau_id)
    task = open_task(case.id, "probe:review")  # the called process's own namespace
    assert task is not None and task.role == "clerk" and task.due_at is not None
    engine.complete(session, task.id, {"outcome": "accept"}, clerk)
    session.refresh(case)
    assert case.status == "completed"
