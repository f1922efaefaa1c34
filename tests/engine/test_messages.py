"""BPMN messages between cases: receive task, non-interrupting boundary, send task,
message end event, correlation by a key the diagram names; the designer's checks."""

from __future__ import annotations

from sqlalchemy import select

from app import engine
from app.engine import deploy
from app.engine.model import parse_process
from app.models import Case, MessageEvent, MessageSubscription, TaskItem, User

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="x">
  <bpmn:message id="m_remind" name="提醒" />
  <bpmn:message id="m_receipt" name="回执" />
  <bpmn:message id="m_recall" name="撤回" />
  <bpmn:correlationProperty id="credit_code" name="统一社会信用代码">
    <bpmn:correlationPropertyRetrievalExpression messageRef="m_remind"><bpmn:messagePath>credit_code</bpmn:messagePath></bpmn:correlationPropertyRetrievalExpression>
    <bpmn:correlationPropertyRetrievalExpression messageRef="m_receipt"><bpmn:messagePath>credit_code</bpmn:messagePath></bpmn:correlationPropertyRetrievalExpression>
    <bpmn:correlationPropertyRetrievalExpression messageRef="m_recall"><bpmn:messagePath>credit_code</bpmn:messagePath></bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>
"""

RECEIVER = (
    HEAD
    + """  <bpmn:process id="msg_receiver" name="消息接收方" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="承办人">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>reminded</bpmn:flowNodeRef><bpmn:flowNodeRef>note</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>note_end</bpmn:flowNodeRef><bpmn:flowNodeRef>receipt</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>e</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="work" name="办理"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="reminded" name="收到提醒" attachedToRef="work" cancelActivity="false">
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:messageEventDefinition id="d1" messageRef="m_remind" />
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="note" name="记下提醒"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>reminded_once = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="note_end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:receiveTask id="receipt" name="等待回执" messageRef="m_receipt"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:receiveTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="receipt" />
    <bpmn:sequenceFlow id="f3" sourceRef="reminded" targetRef="note" />
    <bpmn:sequenceFlow id="f4" sourceRef="note" targetRef="note_end" />
    <bpmn:sequenceFlow id="f5" sourceRef="receipt" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""
)

SENDER = (
    HEAD
    + """  <bpmn:process id="msg_sender" name="消息发送方" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="承办人">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>remind</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>go</bpmn:flowNodeRef><bpmn:flowNodeRef>send</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateThrowEvent id="remind" name="发出提醒"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition id="d1" messageRef="m_remind" /></bpmn:intermediateThrowEvent>
    <bpmn:userTask id="go" name="确认"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sendTask id="send" name="发送回执" messageRef="m_receipt"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:sendTask>
    <bpmn:endEvent id="e" name="撤回"><bpmn:incoming>f4</bpmn:incoming><bpmn:messageEventDefinition id="d2" messageRef="m_recall" /></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="remind" />
    <bpmn:sequenceFlow id="f2" sourceRef="remind" targetRef="go" />
    <bpmn:sequenceFlow id="f3" sourceRef="go" targetRef="send" />
    <bpmn:sequenceFlow id="f4" sourceRef="send" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""
)


def published(session, xml):
    version = deploy.save_draft(session, xml, None)
    assert version.errors == [], version.errors
    return deploy.publish(session, version, None, allow_self_approval=True)


def start(session, version, officer, code):
    return engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id, credit_code=code)


def open_steps(session, case):
    rows = session.scalars(
        select(TaskItem.step).where(TaskItem.case_id == case.id, TaskItem.completed_at.is_(None))
    )
    return sorted(rows)


def test_cases_exchange_messages_by_correlation_key(session):
    officer = session.scalar(select(User).where(User.username == "officer"))
    receiver_version = published(session, RECEIVER)
    sender_version = published(session, SENDER)
    assert receiver_version.meta["messages"] == {"throws": [], "catches": ["回执", "提醒"], "starts": []}
    receiver = start(session, receiver_version, officer, "CODE-A")
    other = start(session, receiver_version, officer, "CODE-B")  # another subject: never reached

    # an intermediate throw reaches the non-interrupting boundary: the task stays open
    sender = start(session, sender_version, officer, "CODE-A")
    record = session.scalar(select(MessageEvent).where(MessageEvent.sender_case_id == sender.id))
    assert (record.message, record.receiver_case_ids, record.correlation) == (
        "提醒",
        [receiver.id],
        {"credit_code": "CODE-A"},
    )
    assert open_steps(session, receiver) == ["work"] and open_steps(session, other) == ["work"]

    # the receiver moves on to its receive task, which the sender's send task completes
    engine.complete(
        session, session.scalar(select(TaskItem.id).where(TaskItem.case_id == receiver.id)), {}, officer
    )
    waiting = session.scalars(
        select(MessageSubscription.message).where(MessageSubscription.case_id == receiver.id)
    )
    assert list(waiting) == ["回执"]
    item = session.scalar(
        select(TaskItem.id).where(TaskItem.case_id == sender.id, TaskItem.completed_at.is_(None))
    )
    engine.complete(session, item, {}, officer)
    session.refresh(receiver)
    assert receiver.status == "completed" and sender.status == "completed"
    assert other.status == "active"

    # the message end event found nobody waiting any more: recorded, not lost
    rows = session.scalars(
        select(MessageEvent).where(MessageEvent.sender_case_id == sender.id).order_by(MessageEvent.id)
    ).all()
    assert [(r.message, r.delivered) for r in rows] == [("提醒", True), ("回执", True), ("撤回", False)]
    assert (
        session.scalar(select(MessageSubscription).where(MessageSubscription.case_id == receiver.id)) is None
    )
    assert session.get(Case, other.id).status == "active"


def test_a_message_event_must_name_an_existing_message():
    xml = SENDER.replace(
        'messageRef="m_remind" /></bpmn:intermediateThrowEvent>', "/></bpmn:intermediateThrowEvent>"
    )
    errors = parse_process(xml).errors
    assert {"element_id": "remind", "message": "“发出提醒”：请选择要发送或接收的消息（messageRef）"} in errors
    xml = SENDER.replace(
        'messageRef="m_receipt"><bpmn:incoming>f3', 'messageRef="m_nowhere"><bpmn:incoming>f3'
    )
    assert {"element_id": "send", "message": "“发送回执”引用的消息“m_nowhere”不存在"} in parse_process(
        xml
    ).errors
    xml = SENDER.replace('<bpmn:message id="m_recall" name="撤回" />', '<bpmn:message id="m_recall" />')
    assert any(
        e["element_id"] == "m_recall" and "缺少名称" in e["message"] for e in parse_process(xml).errors
    )


def test_a_message_nothing_catches_is_a_warning(session):
    version = deploy.save_draft(session, SENDER, None)
    assert version.errors == []
    warnings = [w["message"] for w in version.meta["warnings"]]
    assert "消息“撤回”没有任何流程接收：发出后将记录为“无接收方”" in warnings
    assert "消息“提醒”没有任何流程接收：发出后将记录为“无接收方”" in warnings
    published(session, RECEIVER)
    again = deploy.save_draft(session, SENDER, None)
    assert [w["message"] for w in again.meta["warnings"]] == [
        "消息“撤回”没有任何流程接收：发出后将记录为“无接收方”"
    ]
