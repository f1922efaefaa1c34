"""What the engine says at run time is Chinese and names the element."""

from __future__ import annotations

import pytest

from app import engine
from tests.designer.test_validation_runnable import open_gateway


def publish_probe(session, xml):
    version = engine.save_draft(session, xml, None)
    assert version.errors == [], version.errors
    engine.publish(session, version, None, allow_self_approval=True)
    return version


def test_gateway_with_no_true_condition_fails_in_chinese_naming_the_gateway(session, user, open_task):
    version = publish_probe(session, open_gateway("outcome == 'other'"))
    assert [w["element_id"] for w in version.meta["warnings"]] == ["gw"]
    clerk = user("clerk")
    case = engine.start_case(session, version, {}, clerk, bureau_id=clerk.bureau_id)
    item = open_task(case.id, "review")
    with pytest.raises(engine.ProcessFailure) as failure:
        engine.complete(session, item.id, {"outcome": "refuse"}, clerk)
    assert failure.value.element_id == "gw"
    assert "“结论？”（gw）" in failure.value.message and "没有默认流" in failure.value.message
    session.rollback()


@pytest.mark.parametrize(
    "english, chinese",
    [
        ("No conditions satisfied for gw", "条件都不成立"),
        ("Split at join was not reached", "没有到达"),
        ("Invalid duration", "时长格式不正确"),
        ("something new", "流程引擎报告错误"),
    ],
)
def test_engine_messages_are_translated(english, chinese):
    from app.engine.messages import engine_message

    class Spec:  # what SpiffWorkflow's exceptions carry
        bpmn_id, bpmn_name = "gw", "结论？"

    failure = RuntimeError(english)
    failure.task_spec = Spec()
    element_id, message = engine_message(failure)
    assert element_id == "gw" and chinese in message and message.startswith("“结论？”（gw）：")
