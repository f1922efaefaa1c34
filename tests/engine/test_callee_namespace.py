"""A called process has its own step namespace: its `decision` in lane 法制审核 is
worked by 法制审核 with its own form, even when the caller has a `decision` too."""

from __future__ import annotations

from sqlalchemy import select

from app import engine
from app.models import TaskItem

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{pid}" targetNamespace="http://example.cn/test">"""

PROCESS = """
  <bpmn:process id="{pid}" name="{name}" isExecutable="true">
    <bpmn:laneSet id="ls_{pid}"><bpmn:lane id="lane_{pid}" name="{lane}">
      <bpmn:flowNodeRef>s_{pid}</bpmn:flowNodeRef><bpmn:flowNodeRef>decision</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>e_{pid}</bpmn:flowNodeRef>{more_refs}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s_{pid}"><bpmn:outgoing>f1_{pid}</bpmn:outgoing></bpmn:startEvent>
    {before}
    <bpmn:userTask id="decision" name="{task}">
      <bpmn:extensionElements><camunda:properties><camunda:property name="step_kind" value="{kind}" /></camunda:properties>
        <camunda:formData><camunda:formField id="{field}" label="{field}" type="string" /></camunda:formData></bpmn:extensionElements>
      <bpmn:incoming>{into}</bpmn:incoming><bpmn:outgoing>f2_{pid}</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e_{pid}"><bpmn:incoming>f2_{pid}</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1_{pid}" sourceRef="s_{pid}" targetRef="{first}" />
    {flows}
    <bpmn:sequenceFlow id="f2_{pid}" sourceRef="decision" targetRef="e_{pid}" />
  </bpmn:process>"""

CALLEE = (
    HEAD.format(pid="legal_check")
    + PROCESS.format(
        pid="legal_check",
        name="法制审核子流程",
        lane="法制审核",
        more_refs="",
        before="",
        task="审核意见",
        kind="legal_review",
        field="legal_opinion",
        into="f1_legal_check",
        first="decision",
        flows="",
    )
    + "</bpmn:definitions>"
)
CALLER = (
    HEAD.format(pid="decide")
    + PROCESS.format(
        pid="decide",
        name="决定流程",
        lane="负责人",
        more_refs="<bpmn:flowNodeRef>call</bpmn:flowNodeRef>",
        before=(
            '<bpmn:callActivity id="call" name="法制审核" calledElement="legal_check">'
            "<bpmn:incoming>f1_decide</bpmn:incoming><bpmn:outgoing>f_call</bpmn:outgoing></bpmn:callActivity>"
        ),
        task="作出决定",
        kind="decision",
        field="outcome",
        into="f_call",
        first="call",
        flows='<bpmn:sequenceFlow id="f_call" sourceRef="call" targetRef="decision" />',
    )
    + "</bpmn:definitions>"
)


def deploy(session, xml):
    version = engine.save_draft(session, xml, None)
    assert version.errors == [], version.errors
    return engine.publish(session, version, None, allow_self_approval=True)


def open_items(session, case_id):
    return session.scalars(
        select(TaskItem).where(TaskItem.case_id == case_id, TaskItem.completed_at.is_(None))
    ).all()


def test_callee_steps_keep_their_own_role_and_form(session, user):
    deploy(session, CALLEE)
    caller = deploy(session, CALLER)
    assert caller.meta["steps"]["decision"]["role"] == "leader"
    assert caller.meta["steps"]["legal_check:decision"]["role"] == "legal"
    leader, legal = user("leader"), user("legal")
    case = engine.start_case(session, caller, {}, leader, bureau_id=leader.bureau_id)
    [item] = open_items(session, case.id)
    assert (item.step, item.role, item.name) == ("legal_check:decision", "legal", "审核意见")
    assert [f.id for f in engine.task_form(caller, item.step)] == ["legal_opinion"]
    engine.complete(session, item.id, {"legal_opinion": "同意"}, legal)
    [item] = open_items(session, case.id)
    assert (item.step, item.role, item.name) == ("decision", "leader", "作出决定")
    assert [f.id for f in engine.task_form(caller, item.step)] == ["outcome"]
    engine.complete(session, item.id, {"outcome": "列入"}, leader)
    assert case.status == "completed"
