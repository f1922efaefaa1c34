"""The scheduler fires the due timers of a group of cases in one transaction: one lock
and one read for the group, one flush at its end (app.scheduler.fire_group).  What the
group read of a case must not outlive a step of that case: here one case's timer sends
a message that steps another case of the same group before that one's own turn.

A deadline that is due but not yet swept when another step moves the case fires inside
that step: it is escalated and recorded all the same, never cancelled in silence."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, func, select

from app import engine
from app.engine import audit_chain
from app.extensions import db
from app.models import AuditEvent, Case, MessageEvent, Notification, TaskItem, Timer, User
from app.scheduler import fire_due_timers
from tests.engine.diagrams import deploy
from tests.supervision.conftest import MONDAY, TIMER

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="x">
  <bpmn:message id="m_remind" name="提醒" />
  <bpmn:correlationProperty id="credit_code" name="统一社会信用代码">
    <bpmn:correlationPropertyRetrievalExpression messageRef="m_remind"><bpmn:messagePath>credit_code</bpmn:messagePath></bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>
"""

# An officer task with a deadline (end of the next working day) that also hears reminders.
RECEIVER = (
    HEAD
    + """  <bpmn:process id="grp_receiver" name="提醒接收" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="承办人">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>handle</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>reminded</bpmn:flowNodeRef><bpmn:flowNodeRef>note</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>note_end</bpmn:flowNodeRef><bpmn:flowNodeRef>handle_deadline</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="handle" name="办理"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="reminded" name="收到提醒" attachedToRef="handle" cancelActivity="false">
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:messageEventDefinition id="d1" messageRef="m_remind" />
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="note" name="记下提醒"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>reminded_once = True</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="note_end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    """
    + TIMER.format(
        id="handle_deadline", name="办理期限", kind="deadline", outgoing="", expression="working_days(1)"
    )
    + """
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="reminded" targetRef="note" />
    <bpmn:sequenceFlow id="f4" sourceRef="note" targetRef="note_end" />
  </bpmn:process>
</bpmn:definitions>"""
)

# An hour after its start it reminds the receiver of the same subject, then ends.
SENDER = (
    HEAD
    + """  <bpmn:process id="grp_sender" name="定时提醒" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="承办人">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>remind</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="等待一小时"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_def"><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateThrowEvent id="remind" name="发出提醒"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:messageEventDefinition id="d1" messageRef="m_remind" /></bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="remind" />
    <bpmn:sequenceFlow id="f3" sourceRef="remind" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""
)


def counting_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    return statements, count


def test_a_message_within_the_group_and_the_receivers_own_timer_both_take_effect(clock, session):
    officer = session.scalar(select(User).where(User.username == "officer"))
    receiver_version, sender_version = deploy(session, RECEIVER), deploy(session, SENDER)

    def start(version, code):
        return engine.start_case(session, version, {}, officer, bureau_id=officer.bureau_id, credit_code=code)

    # the sender is due first (Monday 11:00; the receiver's deadline at the end of Tuesday),
    # so its message steps the receiver before the receiver's own timer fires
    pairs = [(start(sender_version, f"CODE-{i}"), start(receiver_version, f"CODE-{i}")) for i in range(3)]
    session.commit()
    clock.move_to(MONDAY + dt.timedelta(days=2))  # Wednesday: every timer is due

    # the senders' three; each receiver's deadline passes inside the step its reminder
    # makes (the engine fires what is due on any step), before the receiver's own turn
    assert fire_due_timers(session) == 3

    session.expire_all()
    for sender, receiver in pairs:
        assert session.get(Case, sender.id).status == "completed"
        delivered = session.scalar(select(MessageEvent).where(MessageEvent.sender_case_id == sender.id))
        assert delivered.delivered and delivered.receiver_case_ids == [receiver.id]
        items = session.scalars(
            select(TaskItem).where(TaskItem.case_id == receiver.id, TaskItem.completed_at.is_(None))
        ).all()
        assert [i.step for i in items] == ["handle"] and items[0].escalated_at is not None
        deadline = session.scalar(select(Timer).where(Timer.case_id == receiver.id))
        assert deadline.fired_at is not None
        assert session.scalar(select(func.count(Timer.id)).where(Timer.case_id == receiver.id)) == 1
        overdue = session.scalars(
            select(Notification.role).where(
                Notification.case_id == receiver.id, Notification.kind == "overdue"
            )
        ).all()
        assert sorted(overdue) == ["officer", "supervisor"]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id == receiver.id).order_by(AuditEvent.id)
        ).all()
        assert "message_received" in actions and "timer_deadline" in actions, actions
    checked, broken = audit_chain.verify(session)
    assert broken is None and checked > 0


def test_a_group_is_locked_read_and_written_in_a_few_statements(clock, deadline_process, start_case, session):
    cases = [start_case(deadline_process, subject=f"主体{i}") for i in range(8)]
    session.commit()
    clock.move_to(MONDAY + dt.timedelta(days=3))  # Thursday: warnings and deadlines due
    statements, count = counting_statements()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert fire_due_timers(session) == 16
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # case by case it took ten statements a case; together one write a case and a few
    # for the group (the lock, three reads, one statement a table at the flush; SQLite
    # gets one INSERT a row, PostgreSQL one a table)
    written = [s for s in statements if not s.startswith("INSERT")]
    assert len(written) <= 8 + 14, "\n".join(written)
    if session.get_bind().dialect.name == "postgresql":
        assert len(statements) <= 8 + 16, "\n".join(statements)
    for case in cases:
        item = session.scalar(select(TaskItem).where(TaskItem.case_id == case.id))
        assert item.escalated_at is not None and item.warn_at is not None
    assert audit_chain.verify(session)[1] is None
