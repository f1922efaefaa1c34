"""Each problem a designer can make gets a message naming the element and the reason."""

from __future__ import annotations

import pytest

from app.engine.model import parse_process
from tests.designer.conftest import probe_xml, repair_xml

MESSAGE_CASES = [
    # (case, xml, element_id, fragment of the message)
    (
        "malformed XML",
        "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'><bpmn:process>",
        None,
        "XML 格式错误",
    ),
    ("not BPMN", "<html><body>hello</body></html>", None, "不是 BPMN 2.0 文件"),
    ("empty file", "", None, "文件是空的"),
    (
        "dangling sequence flow",
        probe_xml(review_target="deleted_task"),
        "f_review",
        "终点“deleted_task”不存在",
    ),
    (
        "unsupported element",
        probe_xml(extra='<bpmn:complexGateway id="cg" name="复杂" />'),
        "cg",
        "复杂网关不受支持",
    ),
    (
        "service task",
        probe_xml(extra='<bpmn:serviceTask id="svc" name="调接口" />'),
        "svc",
        "服务任务不受支持",
    ),
    (
        "manual task",
        probe_xml(extra='<bpmn:manualTask id="manual" name="手工" />'),
        "manual",
        "手工任务不受支持",
    ),
    (
        "message event without a message",
        probe_xml(
            extra='<bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>'
        ),
        "msg",
        "请选择要发送或接收的消息",
    ),
    ("bad expression", probe_xml(condition="outcome == "), "f_done", "语法错误"),
    (
        "unknown function",
        probe_xml(timer="business_days(3)"),
        "review_deadline",
        "business_days 不在允许调用的白名单中",
    ),
    ("forbidden __import__", probe_xml(condition="__import__('os').system('id')"), "f_done", "__import__"),
    (
        "forbidden dunder attribute",
        probe_xml(condition="outcome.__class__.__mro__"),
        "f_done",
        "不允许访问属性",
    ),
    (
        "forbidden dunder name",
        probe_xml(timer="__builtins__"),
        "review_deadline",
        "不允许使用以下划线开头的名称",
    ),
    ("JUEL condition", probe_xml(condition="${outcome == 'accept'}"), "f_done", "不支持 ${…}"),
    ("unknown lane", probe_xml(lane="财务科"), "lane_clerk", "泳道“财务科”不是系统中的角色"),
    ("timer without a value", probe_xml(timer=""), "review_deadline", "没有设置时间"),
    ("timer with a bare name", probe_xml(timer="P5D"), "review_deadline", "时长请加引号"),
    ("timer with a bad ISO value", probe_xml(timer='"P5X"'), "review_deadline", "不是合法的 ISO 8601"),
    ("bad form field type", probe_xml(field_type="money"), "review", "类型“money”不受支持"),
    ("bad form field id", probe_xml(field_id="1st"), "review", "表单字段标识“1st”不合法"),
    (
        "call activity unresolved",
        probe_xml(extra='<bpmn:callActivity id="call" name="调用" calledElement="nowhere" />'),
        "call",
        "调用的流程“nowhere”不存在",
    ),
    (
        "user task outside lanes",
        probe_xml(extra='<bpmn:userTask id="lost" name="游离任务" />'),
        "lost",
        "不在任何泳道中",
    ),
    ("duplicate id", probe_xml(extra='<bpmn:task id="review" name="重复" />'), "review", "重复使用"),
    (
        "not executable",
        probe_xml().replace('isExecutable="true"', 'isExecutable="false"'),
        "probe",
        "不可执行",
    ),
]


@pytest.mark.parametrize(
    "xml, element_id, fragment", [c[1:] for c in MESSAGE_CASES], ids=[c[0] for c in MESSAGE_CASES]
)
def test_problem_is_reported_on_its_element(app, xml, element_id, fragment):
    errors = parse_process(xml).errors
    matching = [e for e in errors if e["element_id"] == element_id and fragment in e["message"]]
    assert matching, errors


def test_clean_probe_and_repair_validate(app):
    assert parse_process(probe_xml()).errors == []
    parsed = parse_process(repair_xml())
    assert parsed.errors == [] and parsed.spec is not None
    assert parsed.meta["steps"]["acceptance_review"]["role"] == "clerk"


def test_several_problems_are_all_reported(app):
    errors = parse_process(probe_xml(lane="财务科", timer="", condition="x ==")).errors
    assert {e["element_id"] for e in errors} >= {"lane_clerk", "review_deadline", "f_done"}


def test_call_activity_to_a_published_process_resolves(app):
    xml = probe_xml(
        review_target="call",
        extra=(
            '<bpmn:callActivity id="call" name="调用修复" calledElement="repair">'
            "<bpmn:incoming>f_review</bpmn:incoming><bpmn:outgoing>f_call</bpmn:outgoing></bpmn:callActivity>"
            '<bpmn:sequenceFlow id="f_call" sourceRef="call" targetRef="gw" />'
        ),
    ).replace(
        "<bpmn:incoming>f_review</bpmn:incoming><bpmn:outgoing>f_done",
        "<bpmn:incoming>f_call</bpmn:incoming><bpmn:outgoing>f_done",
    )
    assert parse_process(xml, known_processes={"repair"}).errors == []


def test_message_flow_to_a_black_box_pool_is_documentation(app):
    """Nothing is sent along a message flow; to a pool that does not run it only
    documents what the user task does (tests/designer/test_validation_api.py)."""
    xml = probe_xml().replace(
        "</bpmn:process>",
        '</bpmn:process><bpmn:collaboration id="c"><bpmn:participant id="p" processRef="probe" />'
        '<bpmn:participant id="other" /><bpmn:messageFlow id="mf" sourceRef="review" targetRef="other" /></bpmn:collaboration>',
    )
    parsed = parse_process(xml)
    assert parsed.errors == []
    assert [w["element_id"] for w in parsed.warnings] == ["mf"] and "仅作说明" in parsed.warnings[0][
        "message"
    ]
