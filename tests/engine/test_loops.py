"""A loop without a wait state is refused at save; at run the engine step stops with
a clear error and nothing is saved (never a half-run case marked completed)."""

from __future__ import annotations

import pytest

from app import engine
from app.engine import checks
from app.models import Case
from tests.engine.diagrams import deploy, flow_diagram, messages, save

LOOP = """<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="bump" name="加一"><bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>f_again</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" name="再来？" default="f_again"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f_again</bpmn:outgoing><bpmn:outgoing>f_out</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>f_out</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="bump" />
    <bpmn:sequenceFlow id="f2" sourceRef="bump" targetRef="gw" />
    <bpmn:sequenceFlow id="f_again" sourceRef="gw" targetRef="bump" />
    <bpmn:sequenceFlow id="f_out" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>n &gt; 5</bpmn:conditionExpression></bpmn:sequenceFlow>"""


def loop_xml(key: str) -> str:
    return flow_diagram(key, LOOP, "start", "bump", "gw", "end")


def test_a_loop_without_a_wait_is_refused_at_save(app, session):
    version = save(session, loop_xml("loop_save"))
    assert "没有等待环节" in messages(version), version.errors
    assert any(e["element_id"] in ("bump", "gw") for e in version.errors)


def test_a_loop_with_a_user_task_is_accepted(app, session):
    with_task = LOOP.replace(
        '<bpmn:scriptTask id="bump" name="加一">', '<bpmn:userTask id="bump" name="加一">'
    )
    with_task = with_task.replace("<bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>", "</bpmn:userTask>")
    version = save(session, flow_diagram("loop_ok", with_task, "start", "bump", "gw", "end"))
    assert "没有等待环节" not in messages(version)


def test_at_run_the_step_stops_and_nothing_is_saved(app, session, user, monkeypatch):
    monkeypatch.setattr(checks, "loop_problems", lambda doc: [])  # a loop the save check missed
    version = deploy(session, loop_xml("loop_run"))
    session.commit()
    officer = user("officer")
    with pytest.raises(engine.ProcessFailure, match="循环"):
        engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id, as_system=True)
    session.rollback()
    assert session.query(Case).filter_by(process_key="loop_run").count() == 0
