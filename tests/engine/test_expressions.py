"""The restricted evaluator: what diagrams may and may not run."""

import pytest

from app import engine
from app.engine import expressions
from app.engine.functions import allowed_in_expressions, allowed_in_scripts

FUNCS = allowed_in_expressions()


@pytest.mark.parametrize(
    "source, names, expected",
    [
        ("outcome == 'accept'", {"outcome": "accept"}, True),
        ("not extend and count(items) > 1", {"extend": False, "items": [1, 2]}, True),
        ("steps['decision']['outcome'] == 'grant'", {"steps": {"decision": {"outcome": "grant"}}}, True),
        ("20 if extended else 10", {"extended": True}, 20),
        ("'a' in ['a', 'b']", {}, True),
    ],
)
def test_allowed(source, names, expected):
    assert expressions.evaluate(source, names, FUNCS) == expected


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('id')",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "x.upper()",
        "getattr(x, 'y')",
        "open('/etc/passwd')",
        "(lambda: 1)()",
        "[y for y in x]",
        "eval('1')",
        "_private",
        "f'{x}'",
    ],
)
def test_forbidden(source):
    with pytest.raises(expressions.ExpressionError):
        expressions.evaluate(source, {"x": "a"}, FUNCS)


def test_scripts_allow_assignments_and_calls_only():
    names = {}
    expressions.execute("a = 1\nb = a + 1", names, allowed_in_scripts())
    assert names == {"a": 1, "b": 2}
    for bad in [
        "import os",
        "def f(): pass",
        "a.b = 1",
        "for i in x: pass",
        "x = __import__('os')",
        "today = 1",
    ]:
        with pytest.raises(expressions.ExpressionError):
            expressions.parse_script(bad, allowed_in_scripts())


DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="evil" name="恶意流程" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="受理窗口"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>t</bpmn:flowNodeRef><bpmn:flowNodeRef>script</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="t" name="办理"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="timer" attachedToRef="t" cancelActivity="false">
      <bpmn:extensionElements><camunda:properties><camunda:property name="timer_kind" value="deadline" /></camunda:properties></bpmn:extensionElements>
      <bpmn:timerEventDefinition id="td"><bpmn:timeDate>{timer}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="script" name="脚本"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="script" />
    <bpmn:sequenceFlow id="f3" sourceRef="script" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize(
    "timer, script, element",
    [
        ("working_days(3)", "__import__('os').system('touch /tmp/pwned')", "script"),
        ("working_days(3)", "x = ().__class__.__mro__", "script"),
        ("__import__('os').getcwd()", "x = 1", "timer"),
        ("working_days.__globals__", "x = 1", "timer"),
    ],
)
def test_forbidden_code_is_refused_at_deploy(session, timer, script, element):
    version = engine.save_draft(session, DIAGRAM.format(timer=timer, script=script), None)
    assert version.errors and version.spec_json is None
    assert element in [e["element_id"] for e in version.errors]
    with pytest.raises(engine.InvalidProcess):
        engine.publish(session, version, None, allow_self_approval=True)


def test_clean_diagram_deploys(session):
    version = engine.save_draft(session, DIAGRAM.format(timer="working_days(3)", script="x = today()"), None)
    assert version.errors == []
    engine.publish(session, version, None, allow_self_approval=True)
    assert version.state == "published"


@pytest.mark.parametrize(
    "source, message",
    [
        ("working_days(", "括号“(”没有闭合"),
        ("'abc", "字符串缺少结尾的引号"),
        ("x)", "多余的“)”"),
    ],
)
def test_syntax_errors_read_in_chinese(source, message):
    with pytest.raises(expressions.ExpressionError) as raised:
        expressions.parse_expression(source, FUNCS)
    assert message in raised.value.args[0]
