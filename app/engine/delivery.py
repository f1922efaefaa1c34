"""BPMN messages between cases, delivered by the engine adapter.

SpiffWorkflow delivers a message inside one workflow itself; one that nothing in the
workflow catches comes out of `workflow.get_events()`.  `deliver` routes those, in
the sender's transaction: to the running cases that wait for the message under the
same correlation values (each locked, stepped and saved like any step), or else to
a published process whose start event is that message (a new case).  Every message
is recorded (message_event); one that found no receiver stays there as undelivered.
"""

from __future__ import annotations

import datetime as dt
from copy import deepcopy

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import store
from app.engine.functions import RunContext
from app.engine.indexes import case_values, correlation_keys
from app.models import Case, CaseStatus, MessageEvent, MessageSubscription, ProcessVersion

MAX_DEPTH = 5  # a message may set off messages, at most this many hops deep
MAX_RECEIVERS = 100  # cases one message may reach


def deliver(
    session: Session, sender: Case, events: list, at: dt.datetime, depth: int = 0
) -> list[MessageEvent]:
    records = []
    for event in events:
        if isinstance(event.event_definition, MessageEventDefinition):
            records.append(_deliver_one(session, sender, event, at, depth))
    return records


def _payload(event) -> dict:
    payload = event.payload
    if payload is None:
        return {}
    return deepcopy(payload) if isinstance(payload, dict) else {"value": deepcopy(payload)}


def _sender_value(sender: Case, event, key: str, payload: dict) -> str | None:
    for props in (event.correlations or {}).values():  # what SpiffWorkflow computed from the payload
        if isinstance(props, dict) and props.get(key) is not None:
            return str(props[key])
    if payload.get(key) is not None:
        return str(payload[key])
    if key == "register_entry_id":
        return str(sender.register_entry_id) if sender.register_entry_id else None
    values = case_values(sender, key)
    return values[0] if values else None


def _receivers(session: Session, sender: Case, name: str, correlation: dict) -> list[int]:
    stmt = (
        select(MessageSubscription.case_id)
        .join(Case, Case.id == MessageSubscription.case_id)
        .where(
            MessageSubscription.message == name,
            Case.status == CaseStatus.ACTIVE.value,
            Case.bureau_id == sender.bureau_id,
            Case.id != sender.id,
        )
    )
    found: set[int] | None = None
    for key, value in correlation.items() or [("", "")]:
        ids = set(
            session.scalars(
                stmt.where(MessageSubscription.key == key, MessageSubscription.value == value)
            ).all()
        )
        found = ids if found is None else found & ids
    return sorted(found or set())[:MAX_RECEIVERS]


def _deliver_one(session: Session, sender: Case, event, at: dt.datetime, depth: int) -> MessageEvent:
    name = event.event_definition.name
    payload = _payload(event)
    correlation = {}
    for key in correlation_keys(event.event_definition):
        correlation[key] = _sender_value(sender, event, key, payload) or ""
        payload.setdefault(key, correlation[key])  # the receiver's engine reads its keys from the payload
    record = MessageEvent(
        message=name[:200],
        sender_case_id=sender.id,
        bureau_id=sender.bureau_id,
        correlation=correlation,
        payload=payload,
        receiver_case_ids=[],
        created_at=at,
    )
    session.add(record)
    if depth >= MAX_DEPTH:
        record.note = f"消息连续触发超过 {MAX_DEPTH} 层，已停止传递"
        return record
    received = [
        cid
        for cid in _receivers(session, sender, name, correlation)
        if _receive(session, cid, event, payload, at, depth)
    ]
    record.receiver_case_ids = received
    if not received:
        started = _start_by_message(session, sender, event, payload, at, depth)
        record.started_case_id = started.id if started else None
    record.delivered = bool(record.receiver_case_ids or record.started_case_id)
    if not record.delivered:
        record.note = "没有等待该消息的案件，也没有以该消息开始的流程"
    store.audit(
        session,
        sender,
        None,
        "message_sent" if record.delivered else "message_undelivered",
        summary=name[:200],
        data={"correlation": correlation, "receivers": received, "started": record.started_case_id},
        at=at,
    )
    return record


def _receive(session: Session, case_id: int, event, payload: dict, at: dt.datetime, depth: int) -> bool:
    """One receiving case: locked, the message caught, the engine run, saved."""
    case = store.lock_case(session, case_id)
    if case is None or case.status != CaseStatus.ACTIVE.value:
        return False
    workflow = store.restore(case)
    ctx = RunContext(session=session, case=case, actor=None)
    incoming = BpmnEvent(
        event.event_definition, payload=deepcopy(payload), correlations=dict(workflow.correlations)
    )
    what = f"案件 {case.number} 接收消息“{event.event_definition.name}”出错"
    with store.running(ctx, what):
        caught = workflow.event_manager.catch(incoming, internal=False)
    if not caught:
        return False
    store.run(workflow, ctx, what)

    def record() -> None:
        store.audit(
            session,
            case,
            None,
            "message_received",
            summary=event.event_definition.name[:200],
            data=payload,
            at=at,
        )

    store.end_step(session, case, workflow, ctx, at, record=record, depth=depth + 1)
    return True


def _start_by_message(session: Session, sender: Case, event, payload: dict, at: dt.datetime, depth: int):
    from app.engine.steps import start_case_by_message  # steps imports this module

    name = event.event_definition.name
    versions = session.scalars(select(ProcessVersion).where(ProcessVersion.state == "published")).all()
    for version in sorted(versions, key=lambda v: v.key):
        if name in ((version.meta or {}).get("messages") or {}).get("starts", []):
            return start_case_by_message(session, version, sender, event, payload, at, depth + 1)
    return None
