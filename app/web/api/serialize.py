"""JSON shapes of the API."""

from __future__ import annotations

from app.attachments.service import attachment_json
from app.clock import iso, now
from app.models import Attachment, AuditEvent, Case, Document, TaskItem, Timer


def task_json(item: TaskItem) -> dict:
    return {
        "id": item.id,
        "case_id": item.case_id,
        "case_number": item.case.number,
        "step": item.step,
        "name": item.name,
        "role": item.role,
        "due_at": iso(item.due_at),
        "overdue": item.is_overdue(now()),
        "claimed_by": item.claimed_by.username if item.claimed_by else None,
        "completed_at": iso(item.completed_at),
    }


def timer_json(timer: Timer) -> dict:
    return {
        "step": timer.step,
        "element_id": timer.element_id,
        "kind": timer.kind,
        "due_at": iso(timer.due_at),
        "fired_at": iso(timer.fired_at),
        "cancelled_at": iso(timer.cancelled_at),
    }


def history_json(event: AuditEvent) -> dict:
    return {
        "at": iso(event.at),
        "actor": event.actor_name,
        "action": event.action,
        "step": event.step,
        "summary": event.summary,
        "data": event.data,
    }


def document_json(document: Document) -> dict:
    return {"id": document.id, "kind": document.kind, "number": document.number, "title": document.title}


def case_json(
    case: Case,
    tasks: list[TaskItem],
    timers: list[Timer],
    history: list[AuditEvent],
    documents: list[Document] = (),
    attachments: list[Attachment] = (),
) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "process": case.process_key,
        "process_version": case.process_version.number,
        "status": case.status,
        "bureau": case.bureau.name,
        "subject_name": case.subject_name,
        "created_at": iso(case.created_at),
        "ended_at": iso(case.ended_at),
        "tasks": [task_json(t) for t in tasks],
        "timers": [timer_json(t) for t in timers],
        "history": [history_json(e) for e in history],
        "documents": [document_json(d) for d in documents],
        "attachments": [attachment_json(a) for a in attachments],
    }
