"""A blank process for the designer to start from: one lane (a role), a start
event, one user task with a kind, an end event, drawn so bpmn-js shows it."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
MAX_NAME = 100

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="definitions_{key}" targetNamespace="http://example.cn/credit-register">
  <bpmn:collaboration id="collab_{key}">
    <bpmn:participant id="participant_{key}" name={name} processRef="{key}" />
  </bpmn:collaboration>
  <bpmn:process id="{key}" name={name} isExecutable="true">
    <bpmn:laneSet id="laneset_{key}">
      <bpmn:lane id="lane_{key}" name={lane}>
        <bpmn:flowNodeRef>start_{key}</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>handle</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end_{key}</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start_{key}" name="开始"><bpmn:outgoing>flow_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="handle" name="办理">
      <bpmn:extensionElements><camunda:properties><camunda:property name="step_kind" value="handling" /></camunda:properties>
        <camunda:formData><camunda:formField id="opinion" label="办理意见" type="text"><camunda:validation><camunda:constraint name="required" /></camunda:validation></camunda:formField></camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>flow_start</bpmn:incoming><bpmn:outgoing>flow_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end_{key}" name="办结"><bpmn:incoming>flow_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start" sourceRef="start_{key}" targetRef="handle" />
    <bpmn:sequenceFlow id="flow_end" sourceRef="handle" targetRef="end_{key}" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_{key}">
    <bpmndi:BPMNPlane id="plane_{key}" bpmnElement="collab_{key}">
      <bpmndi:BPMNShape id="participant_{key}_di" bpmnElement="participant_{key}" isHorizontal="true"><dc:Bounds x="100" y="60" width="600" height="200" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="lane_{key}_di" bpmnElement="lane_{key}" isHorizontal="true"><dc:Bounds x="130" y="60" width="570" height="200" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_{key}_di" bpmnElement="start_{key}"><dc:Bounds x="192" y="142" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="handle_di" bpmnElement="handle"><dc:Bounds x="320" y="120" width="110" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_{key}_di" bpmnElement="end_{key}"><dc:Bounds x="542" y="142" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_start_di" bpmnElement="flow_start"><di:waypoint x="228" y="160" /><di:waypoint x="320" y="160" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow_end_di" bpmnElement="flow_end"><di:waypoint x="430" y="160" /><di:waypoint x="542" y="160" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def blank_process(key: str, name: str, lane: str = "承办人") -> str:
    return TEMPLATE.format(key=key, name=quoteattr(name), lane=quoteattr(lane))


def check_new_process(key: str, name: str, existing: set[str]) -> dict[str, str]:
    errors = {}
    if not KEY_PATTERN.match(key or ""):
        errors["key"] = "流程标识应以字母开头，只含字母、数字、下划线或连字符，最多 64 个字符"
    elif key in existing:
        errors["key"] = f"流程标识“{key}”已存在"
    if not (name or "").strip():
        errors["name"] = "请填写流程名称"
    elif len(name) > MAX_NAME:
        errors["name"] = f"流程名称不能超过 {MAX_NAME} 个字"
    return errors
