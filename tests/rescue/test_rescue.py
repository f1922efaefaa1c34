"""Incidents and rescue: a failing condition becomes an incident; an administrator
fixes the case by publishing a new version and migrating it, by correcting a
variable, or cancels it; a dry run reports a step the new version lacks."""

from __future__ import annotations

from sqlalchemy import select

from app import engine
from app.engine import deploy
from app.models import AuditEvent, Case, Incident, TaskItem, Timer, User

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="x">
  <bpmn:process id="rescue_demo" name="救援演示" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="承办人">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>prep</bpmn:flowNodeRef><bpmn:flowNodeRef>REVIEW</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>deadline</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>big</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef><bpmn:flowNodeRef>e2</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="prep" name="准备"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing><bpmn:script>divisor = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="REVIEW" name="审查"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="deadline" name="审查期限" attachedToRef="REVIEW" cancelActivity="false">
      <bpmn:extensionElements><camunda:properties><camunda:property name="timer_kind" value="deadline" /></camunda:properties></bpmn:extensionElements>
      <bpmn:timerEventDefinition id="td"><bpmn:timeDate>working_days(5)</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:exclusiveGateway id="gw" name="金额大吗？"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="big" name="复核"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="e2"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="prep" />
    <bpmn:sequenceFlow id="f1" sourceRef="prep" targetRef="REVIEW" />
    <bpmn:sequenceFlow id="f2" sourceRef="REVIEW" targetRef="gw" />
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="big"><bpmn:conditionExpression>CONDITION &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="e"><bpmn:conditionExpression>CONDITION &lt;= 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="big" targetRef="e2" />
  </bpmn:process>
</bpmn:definitions>"""

BROKEN = DIAGRAM.replace("REVIEW", "review").replace("CONDITION", "10 / divisor")  # divides by zero
FIXED = DIAGRAM.replace("REVIEW", "review").replace("CONDITION", "divisor")
RENAMED = DIAGRAM.replace("REVIEW", "review_again").replace("CONDITION", "divisor")


def published(session, xml):
    version = deploy.save_draft(session, xml, None)
    assert version.errors == [], version.errors
    version = deploy.publish(session, version, None, allow_self_approval=True)
    session.commit()
    return version


def start(session):
    officer = session.scalar(select(User).where(User.username == "officer"))
    version = deploy.published_version(session, "rescue_demo")
    case = engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id)
    session.commit()
    return case


def review_task(session, case):
    return session.scalar(
        select(TaskItem).where(
            TaskItem.case_id == case.id, TaskItem.completed_at.is_(None), TaskItem.step == "review"
        )
    )


def complete(api, session, case):
    return api("officer")("POST", f"/api/tasks/{review_task(session, case).id}/complete", {"data": {}})


def test_failing_condition_is_an_incident_fixed_by_a_new_version_and_migration(api, session):
    published(session, BROKEN)
    case = start(session)
    other = start(session)

    response = complete(api, session, case)
    assert response.status_code == 422
    assert "流程运行出错" in response.get_json()["message"]
    incident = session.scalar(select(Incident).where(Incident.case_id == case.id))
    assert incident.kind == "step" and incident.element_id == "gw" and incident.resolved_at is None
    assert "10 / divisor" in incident.message or "除" in incident.message
    assert review_task(session, case) is not None  # nothing moved

    assert api("officer")("GET", "/api/incidents").status_code == 403
    listed = api("supervisor")("GET", "/api/incidents").get_json()["incidents"]
    assert [(i["case_id"], i["element_id"]) for i in listed] == [(case.id, "gw")]

    fixed = published(session, FIXED)
    assert fixed.number == 2
    admin = api("admin")
    dry = admin("POST", f"/api/cases/{case.id}/migrate", {"to_version": 2, "dry_run": True})
    assert dry.status_code == 200
    assert dry.get_json() == {
        "can_migrate": True,
        "mapping": {"review": "review", "deadline": "deadline"},
        "problems": [],
    }
    assert session.get(Case, case.id).process_version.number == 1  # a dry run changes nothing

    assert admin("POST", f"/api/cases/{case.id}/migrate", {"to_version": 9}).status_code == 422
    assert api("officer")("POST", f"/api/cases/{case.id}/migrate", {"to_version": 2}).status_code == 403
    moved = admin("POST", f"/api/cases/{case.id}/migrate", {"to_version": 2})
    assert moved.status_code == 200 and moved.get_json()["migrated"] is True
    session.expire_all()
    assert session.get(Case, case.id).process_version.number == 2
    timers = session.scalars(
        select(Timer).where(Timer.case_id == case.id, Timer.cancelled_at.is_(None))
    ).all()
    assert len(timers) == 1  # recomputed: the old row cancelled, a new one pending
    assert session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "migrate")
    )

    assert complete(api, session, case).status_code == 200
    session.expire_all()
    assert session.get(Case, case.id).status == "completed"
    assert session.get(Incident, incident.id).resolved_at is not None
    assert api("admin")("GET", "/api/incidents").get_json()["incidents"] == []

    # the batch form: the other case of version 1, dry run first
    report = admin(
        "POST", "/api/processes/rescue_demo/versions/1/migrate", {"to_version": 2, "dry_run": True}
    )
    assert [(c["id"], c["can_migrate"]) for c in report.get_json()["cases"]] == [(other.id, True)]
    assert report.get_json()["migrated"] == 0
    done = admin("POST", "/api/processes/rescue_demo/versions/1/migrate", {"to_version": 2}).get_json()
    assert done["migrated"] == 1


def test_dry_run_reports_a_step_the_new_version_lacks(api, session):
    published(session, FIXED)
    case = start(session)
    published(session, RENAMED)
    admin = api("admin")
    dry = admin("POST", f"/api/cases/{case.id}/migrate", {"to_version": 2, "dry_run": True}).get_json()
    assert dry["can_migrate"] is False
    assert dry["problems"] == ["环节“审查”（review）在第 2 版中已不存在"]
    refused = admin("POST", f"/api/cases/{case.id}/migrate", {"to_version": 2})
    assert refused.status_code == 409 and refused.get_json()["problems"] == dry["problems"]
    assert session.get(Case, case.id).process_version.number == 1


def test_an_administrator_corrects_a_variable_with_a_reason(api, session):
    published(session, BROKEN)
    case = start(session)
    admin = api("admin")
    path = f"/api/cases/{case.id}/variables"
    assert admin("POST", path, {"name": "divisor", "value": 20}).status_code == 422  # no reason
    assert admin("POST", path, {"name": "1x", "value": 20, "reason": "补录"}).status_code == 422
    assert api("officer")("POST", path, {"name": "divisor", "value": 20, "reason": "补录"}).status_code == 403
    body = admin("POST", path, {"name": "divisor", "value": 20, "reason": "补录处罚金额"}).get_json()
    assert body == {"name": "divisor", "old": 0, "new": 20, "reason": "补录处罚金额"}
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "variable_corrected")
    )
    assert event.data["old"] == 0 and event.data["new"] == 20
    assert complete(api, session, case).status_code == 200
    session.expire_all()
    assert session.get(Case, case.id).status == "completed"


def test_an_administrator_cancels_a_case_with_a_reason(api, session):
    published(session, FIXED)
    case = start(session)
    admin = api("admin")
    assert admin("POST", f"/api/cases/{case.id}/cancel", {"reason": " "}).status_code == 422
    assert api("officer")("POST", f"/api/cases/{case.id}/cancel", {"reason": "重复立案"}).status_code == 403
    assert admin("POST", "/api/cases/999999/cancel", {"reason": "重复立案"}).status_code == 404
    response = admin("POST", f"/api/cases/{case.id}/cancel", {"reason": "重复立案"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    session.expire_all()
    assert session.get(Case, case.id).status == "cancelled"
    assert review_task(session, case) is None
    assert session.scalar(select(TaskItem.outcome).where(TaskItem.case_id == case.id)) == "cancelled"
    pending = session.scalars(
        select(Timer).where(Timer.case_id == case.id, Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))
    ).all()
    assert pending == []
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "cancel")
    )
    assert event.summary == "重复立案" and event.actor_name == "吴管理"
    assert admin("POST", f"/api/cases/{case.id}/cancel", {"reason": "再次"}).status_code == 409


def test_incident_page_for_supervisors_and_the_bureaus_administrator(api, session, client, login):
    published(session, BROKEN)
    case = start(session)
    assert complete(api, session, case).status_code == 422
    incident = session.scalar(select(Incident).where(Incident.case_id == case.id))
    login("supervisor")
    page = client.get("/supervisor/incidents").get_data(as_text=True)
    assert case.number in page and "由承办机关系统管理员处理" in page
    login("officer")
    assert client.get("/supervisor/incidents").status_code in (302, 403)
    login("admin")
    page = client.get("/supervisor/incidents").get_data(as_text=True)
    assert "撤销案件" in page and "divisor" in page
    client.post(f"/supervisor/incidents/{incident.id}/cancel", data={"reason": "流程有误，重新立案"})
    session.expire_all()
    assert session.get(Case, case.id).status == "cancelled"
    assert session.get(Incident, incident.id).resolved_at is not None
