"""Lanes are checked against the role table: a role the administrator added is
accepted at save and its lane's tasks reach the users holding it."""

from __future__ import annotations

from app import engine
from app.models import TaskItem, User, UserRole
from app.org.roles import create_role

EXPERT_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_expert" targetNamespace="http://example.cn/test">
  <bpmn:process id="expert_review" name="专家论证" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_officer" name="承办人"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_expert" name="专家组"><bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="专家论证"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_an_unknown_lane_is_refused(session):
    version = engine.save_draft(session, EXPERT_DIAGRAM, None)
    assert any("专家组" in e["message"] for e in version.errors)


def test_a_new_role_is_accepted_at_save_and_routed_at_run(session, user):
    create_role(session, user("admin"), "expert", "专家组")
    version = engine.save_draft(session, EXPERT_DIAGRAM, None)
    assert version.errors == [], version.errors
    assert version.meta["steps"]["review"]["role"] == "expert"
    engine.publish(session, version, None, allow_self_approval=True)
    officer = user("officer")
    expert = User(username="expert1", display_name="钱专家", bureau_id=officer.bureau_id, password_hash="")
    expert.role_rows = [UserRole(role="expert")]
    session.add(expert)
    session.flush()
    case = engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id)
    item = session.query(TaskItem).filter_by(case_id=case.id, step="review").one()
    assert item.role == "expert"
    engine.complete(session, item.id, {}, expert)
    assert session.get(type(case), case.id).status == "completed"


def test_the_designer_help_lists_the_table(session, user, login, client):
    create_role(session, user("admin"), "expert", "专家组")
    number = engine.published_version(session, "repair").number
    login("designer")
    page = client.get(f"/designer/processes/repair/versions/{number}/edit").get_data(as_text=True)
    assert '<code title="expert">专家组</code>' in page
