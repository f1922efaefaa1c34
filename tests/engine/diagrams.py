"""Small diagrams of our own for the engine's limits: one officer task with a timer,
and free-form flows (scripts, gateways) put in as XML fragments."""

from __future__ import annotations

from app import engine
from app.models import ProcessVersion

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{key}" targetNamespace="http://example.cn/test">
  <bpmn:process id="{key}" name="测试流程 {key}" isExecutable="true">
    <bpmn:laneSet id="ls_{key}"><bpmn:lane id="lane_officer" name="承办人">{refs}</bpmn:lane></bpmn:laneSet>
    {body}
  </bpmn:process>
</bpmn:definitions>"""


def _refs(*ids: str) -> str:
    return "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>" for i in ids)


def timer_diagram(key: str, timer: str, *, kind: str = "timeDate", start_fields: tuple[str, ...] = ()) -> str:
    """start → handle (user task with a non-interrupting deadline timer) → end;
    start_fields: text fields of the start form (names the timer may read)."""
    start_form = ""
    if start_fields:
        fields = "".join(f'<camunda:formField id="{f}" label="{f}" type="string" />' for f in start_fields)
        start_form = (
            f"<bpmn:extensionElements><camunda:formData>{fields}</camunda:formData></bpmn:extensionElements>"
        )
    body = f"""<bpmn:startEvent id="start">{start_form}<bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="handle" name="办理"><bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_done</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="handle_timer" name="办理计时" attachedToRef="handle" cancelActivity="false">
      <bpmn:extensionElements><camunda:properties><camunda:property name="timer_kind" value="deadline" /></camunda:properties></bpmn:extensionElements>
      <bpmn:timerEventDefinition id="handle_timer_def"><bpmn:{kind}>{timer}</bpmn:{kind}></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f_done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f_done" sourceRef="handle" targetRef="end" />"""
    return HEAD.format(key=key, refs=_refs("start", "handle", "handle_timer", "end"), body=body)


def flow_diagram(key: str, body: str, *ids: str) -> str:
    return HEAD.format(key=key, refs=_refs(*ids), body=body)


def script_diagram(key: str, script: str) -> str:
    """start → script → handle (user task) → end."""
    body = f"""<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="compute" name="计算"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="handle" name="办理"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute" />
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="handle" />
    <bpmn:sequenceFlow id="f3" sourceRef="handle" targetRef="end" />"""
    return flow_diagram(key, body, "start", "compute", "handle", "end")


def save(session, xml: str) -> ProcessVersion:
    return engine.save_draft(session, xml, None)


def deploy(session, xml: str) -> ProcessVersion:
    version = save(session, xml)
    assert not version.errors, version.errors
    return engine.publish(session, version, None, allow_self_approval=True)


def messages(version: ProcessVersion) -> str:
    return " ".join(e["message"] for e in version.errors)
