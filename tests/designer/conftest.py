"""Fixtures for the designer: a small valid diagram to break in one place at a time,
the bundled repair diagram, and an API uploader."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

PASSWORD = "test-pass"  # tests/conftest.py seeds the demo users with it

ROOT = Path(__file__).resolve().parents[2]
# ../shared beside the checkout, or beside the folder of worktrees (/work/wt/<name>)
MIWG = next(
    (
        p / "shared" / "conformance" / "bpmn-miwg"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared").is_dir()
    ),
    ROOT.parent / "shared" / "conformance" / "bpmn-miwg",
)

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_probe" targetNamespace="http://example.cn/test">
  <bpmn:process id="probe" name="测试流程" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_clerk" name="{lane}">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>review_deadline</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef><bpmn:flowNodeRef>refused</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="审核">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="{field_id}" label="结论" type="{field_type}">
          <camunda:value id="accept" name="同意" /><camunda:value id="refuse" name="不同意" />
        </camunda:formField>
      </camunda:formData></bpmn:extensionElements>
      <bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_review</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="review_deadline" name="审核期限" attachedToRef="review" cancelActivity="false">
      <bpmn:extensionElements><camunda:properties><camunda:property name="timer_kind" value="deadline" /></camunda:properties></bpmn:extensionElements>
      <bpmn:timerEventDefinition id="review_deadline_def"><bpmn:timeDate>{timer}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:exclusiveGateway id="gw" name="结论？" default="f_refused">
      <bpmn:incoming>f_review</bpmn:incoming><bpmn:outgoing>f_done</bpmn:outgoing><bpmn:outgoing>f_refused</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="done" name="同意"><bpmn:incoming>f_done</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="refused" name="不同意"><bpmn:incoming>f_refused</bpmn:incoming></bpmn:endEvent>
    {extra}
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f_review" sourceRef="review" targetRef="{review_target}" />
    <bpmn:sequenceFlow id="f_done" sourceRef="gw" targetRef="done">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_refused" sourceRef="gw" targetRef="refused" />
  </bpmn:process>
</bpmn:definitions>
"""

PROBE_DEFAULTS = {
    "lane": "受理窗口",
    "field_id": "outcome",
    "field_type": "enum",
    "timer": "working_days(3)",
    "condition": "outcome == 'accept'",
    "review_target": "gw",
    "extra": "",
}


def probe_xml(**changes) -> str:
    return PROBE.format(**{**PROBE_DEFAULTS, **changes})


def repair_xml() -> str:
    return (ROOT / "workflows" / "repair.bpmn").read_text(encoding="utf-8")


def with_timer(xml: str, element_id: str, expression: str) -> str:
    """The same diagram with one timer's expression replaced."""
    pattern = re.compile(
        rf'(<bpmn:boundaryEvent id="{element_id}".*?<bpmn:timeDate[^>]*>)(.*?)(</bpmn:timeDate>)', re.S
    )
    changed, count = pattern.subn(lambda m: m.group(1) + expression + m.group(3), xml, count=1)
    assert count == 1, f"no timer {element_id}"
    return changed


@pytest.fixture()
def raw_api(client):
    """raw_api(username)(method, path, data=None, headers=None): token-authenticated calls
    with a raw body (the process API takes BPMN XML, not JSON)."""
    tokens: dict[str, str] = {}

    def for_user(username: str):
        if username not in tokens:
            response = client.post("/api/token", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()
            tokens[username] = response.get_json()["token"]

        def call(method: str, path: str, data=None, headers: dict | None = None):
            return client.open(
                path,
                method=method,
                data=data,
                headers={"Authorization": f"Bearer {tokens[username]}", **(headers or {})},
            )

        return call

    return for_user


@pytest.fixture()
def upload(raw_api):
    """upload(username, key, xml, note) -> the response of POST /api/processes/<key>/drafts."""

    def post(username: str, key: str, xml: str | bytes, note: str = "测试修改"):
        body = xml.encode("utf-8") if isinstance(xml, str) else xml
        return raw_api(username)(
            "POST",
            f"/api/processes/{key}/drafts",
            data=body,
            headers={"Content-Type": "application/xml", "X-Change-Note": quote(note)},
        )

    return post
