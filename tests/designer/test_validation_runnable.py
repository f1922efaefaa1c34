"""Validation refuses what cannot run, each problem in Chinese with its element id;
gateways that may stop a case are a warning."""

from __future__ import annotations

import pytest

from app.engine.model import parse_process
from tests.designer.conftest import probe_xml

NO_KIND = '<camunda:property name="timer_kind" value="deadline" />'
TIMER_CATCH = (
    '<bpmn:intermediateCatchEvent id="{id}" name="{name}"><bpmn:incoming>{flow}</bpmn:incoming>'
    '<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
    "</bpmn:intermediateCatchEvent>"
)
EVENT_GATEWAY = (
    '<bpmn:eventBasedGateway id="ebg" name="等待"><bpmn:outgoing>fe1</bpmn:outgoing><bpmn:outgoing>fe2</bpmn:outgoing>'
    "</bpmn:eventBasedGateway>"
    + TIMER_CATCH.format(id="wait1", name="一天后", flow="fe1")
    + TIMER_CATCH.format(id="wait2", name="两天后", flow="fe2")
    + '<bpmn:sequenceFlow id="fe1" sourceRef="ebg" targetRef="wait1" />'
    + '<bpmn:sequenceFlow id="fe2" sourceRef="ebg" targetRef="wait2" />'
)
DATA_ASSOCIATION = (
    '<bpmn:dataObject id="do1" /><bpmn:dataObjectReference id="do1_ref" dataObjectRef="do1" />'
    '<bpmn:scriptTask id="record" name="记录"><bpmn:dataOutputAssociation id="doa">'
    "<bpmn:targetRef>do1_ref</bpmn:targetRef></bpmn:dataOutputAssociation><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"
)
SEQUENTIAL = (
    '<bpmn:scriptTask id="repeat" name="逐一处理"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
    "<bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
    "<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>"
)
FORM_RULE = (
    '<bpmn:startEvent id="start" name="开始"><bpmn:extensionElements><camunda:formData>'
    '<camunda:formField id="reason" label="理由" type="string"><camunda:validation>'
    '<camunda:constraint name="required_if" config="urgnt" /></camunda:validation></camunda:formField>'
    '<camunda:formField id="urgent" label="紧急" type="boolean" /></camunda:formData></bpmn:extensionElements>'
    "<bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>"
)
OPEN_GATEWAY = '<bpmn:sequenceFlow id="f_refused" sourceRef="gw" targetRef="refused"><bpmn:conditionExpression>{c}</bpmn:conditionExpression></bpmn:sequenceFlow>'


def start_with_rule() -> str:
    return probe_xml().replace(
        '<bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>',
        FORM_RULE,
    )


def open_gateway(second_condition: str) -> str:
    xml = probe_xml().replace(' default="f_refused"', "")
    return xml.replace(
        '<bpmn:sequenceFlow id="f_refused" sourceRef="gw" targetRef="refused" />',
        OPEN_GATEWAY.format(c=second_condition),
    )


ERRORS = [
    ("plain task", probe_xml(extra='<bpmn:task id="t1" name="办理" />'), "t1", "未指定类型的任务"),
    (
        "link event",
        probe_xml(
            extra='<bpmn:intermediateThrowEvent id="go"><bpmn:linkEventDefinition name="A" /></bpmn:intermediateThrowEvent>'
        ),
        "go",
        "链接事件不受支持",
    ),
    ("event gateway with only timers", probe_xml(extra=EVENT_GATEWAY), "ebg", "之后只有计时器"),
    ("data object association", probe_xml(extra=DATA_ASSOCIATION), "record", "数据关联"),
    ("sequential multi-instance without output", probe_xml(extra=SEQUENTIAL), "repeat", "没有设置输出项"),
    (
        "typo in a condition",
        probe_xml(field_id="discussion_result", condition="discussion_reslt == 'accept'"),
        "f_done",
        "未定义的名称“discussion_reslt”，是否应为“discussion_result”",
    ),
    (
        "typo in a timer",
        probe_xml(timer="working_days_from(acepted_on, 3)"),
        "review_deadline",
        "未定义的名称“acepted_on”",
    ),
    ("typo in a form rule", start_with_rule(), "start", "未定义的名称“urgnt”，是否应为“urgent”"),
    (
        "two start events",
        probe_xml(extra='<bpmn:startEvent id="start2" name="另一开始" />'),
        "start2",
        "有 2 个开始事件",
    ),
    ("no end", probe_xml().replace("bpmn:endEvent", "bpmn:intermediateThrowEvent"), "probe", "没有结束事件"),
    (
        "disconnected node",
        probe_xml(
            extra='<bpmn:scriptTask id="lonely" name="孤立"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'
        ),
        "lonely",
        "与开始事件不连通",
    ),
    ("negative deadline", probe_xml(timer="working_days(-3)"), "review_deadline", "是负数"),
    ("timer without a kind", probe_xml().replace(NO_KIND, ""), "review_deadline", "没有设置类型"),
]


@pytest.mark.parametrize("xml, element_id, fragment", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_what_cannot_run_is_refused(app, xml, element_id, fragment):
    parsed = parse_process(xml)
    matching = [e for e in parsed.errors if e["element_id"] == element_id and fragment in e["message"]]
    assert matching, parsed.errors
    assert parsed.spec is None or parsed.errors


def test_the_probe_itself_is_clean(app):
    parsed = parse_process(probe_xml())
    assert parsed.errors == [] and parsed.warnings == []


@pytest.mark.parametrize(
    "second, warned",
    [("outcome == 'other'", True), ("outcome == 'refuse'", False), ("outcome != 'accept'", False)],
)
def test_gateway_that_may_stop_is_a_warning(app, second, warned):
    parsed = parse_process(open_gateway(second))
    assert parsed.errors == []
    assert [w["element_id"] for w in parsed.warnings] == (["gw"] if warned else [])
    if warned:
        assert "没有默认流" in parsed.warnings[0]["message"]


def test_start_data_declared_by_the_process_counts_as_produced(app):
    xml = probe_xml(condition="origin == 'new'")
    assert any("origin" in e["message"] for e in parse_process(xml).errors)
    declared = xml.replace(
        'isExecutable="true">',
        'isExecutable="true"><bpmn:extensionElements><camunda:properties>'
        '<camunda:property name="start_data" value="origin, entry_ids" /></camunda:properties></bpmn:extensionElements>',
    )
    assert parse_process(declared).errors == []
