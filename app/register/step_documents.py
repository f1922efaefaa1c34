"""The documents steps issue (camunda:property `document` in the diagram): their
fields, from the case's register entry, the application and the step's data.
The engine calls `issue_for_step` when such a step is completed (see
app.engine.documents); nothing here knows which step that is."""

from __future__ import annotations

from sqlalchemy import select

from app.calendar.workdays import local_date
from app.clock import today
from app.domain.documents import KINDS, cn_date
from app.engine.functions import RunContext
from app.engine.store import audit
from app.models import AuditEvent, Case, Document, RegisterEntry
from app.register.lifecycle import entry_fields, setting


def _entry(ctx: RunContext) -> RegisterEntry | None:
    case: Case = ctx.case
    entry_id = case.register_entry_id or ctx.data.get("listing_id")
    return ctx.session.get(RegisterEntry, int(entry_id)) if entry_id else None


def _items(value) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    return [str(v).strip() for v in value or [] if str(v).strip()]


def _materials(ctx: RunContext, data: dict) -> list[str]:
    """What the applicant handed in: the application's list (as the case started:
    a supplement's list replaces `materials` in the data), then any supplement."""
    started = ctx.session.scalar(
        select(AuditEvent.data)
        .where(AuditEvent.case_id == ctx.case.id, AuditEvent.action == "start")
        .limit(1)
    )
    first = _items((started or {}).get("materials")) or _items(data.get("materials"))
    supplemented = _items(((data.get("steps") or {}).get("supplement") or {}).get("materials"))
    return list(dict.fromkeys(first + supplemented))


def _earlier(ctx: RunContext, step: str, key: str) -> str:
    """A value submitted at an earlier completion of the same step (the data keeps the last)."""
    submitted = ctx.session.scalars(
        select(AuditEvent.data)
        .where(AuditEvent.case_id == ctx.case.id, AuditEvent.action == "complete", AuditEvent.step == step)
        .order_by(AuditEvent.id.desc())
        .limit(20)
    ).all()
    return next((str(d[key]) for d in submitted if isinstance(d, dict) and d.get(key)), "")


def _extra(kind: str, ctx: RunContext, step: str, data: dict) -> dict:
    """Per kind, what the step's data adds to the entry's fields."""
    actor = ctx.actor.display_name if ctx.actor else ""
    if kind == "supplement_notice":
        days = setting("REPAIR_SUPPLEMENT_WORKING_DAYS", 10)  # as the diagram's 补正期限届满 timer
        return {"missing_items": _items(data.get("missing_items")), "supplement_days": f"{days}个工作日"}
    if kind == "acceptance_notice":
        days = setting("REPAIR_VERIFICATION_WORKING_DAYS", 10)  # as the diagram's 核查期限 timer
        return {"materials": "；".join(_materials(ctx, data)), "verify_days": f"{days}个工作日"}
    if kind == "verification_record":
        extension = ""
        reason = data.get("extension_reason") or _earlier(ctx, step, "extension_reason")
        if data.get("extended") and reason:
            extension = f"核查期限已依法延长十个工作日，延期理由：{reason}"
        return {
            "verified_on": cn_date(today()),
            "verifier": actor,
            "method": "书面审查、现场核查" if data.get("onsite") else "书面审查",
            "findings": data.get("findings"),
            "extension": extension,
        }
    return {}


def fields_for(kind: str, ctx: RunContext, step: str, data: dict) -> dict:
    entry = _entry(ctx)
    fields = entry_fields(entry) if entry is not None else {"subject_name": ctx.case.subject_name}
    fields.update(
        applicant=data.get("applicant") or fields.get("subject_name"),
        received_on=cn_date(local_date(ctx.case.created_at)) if ctx.case.created_at else "",
    )
    # A field the kind prints that the entry does not give and the step's form supplies
    # (reasons, findings, …).
    for key, _ in KINDS[kind].fields:
        if not fields.get(key) and isinstance(data.get(key), str) and data[key].strip():
            fields[key] = data[key].strip()
    fields.update({k: v for k, v in _extra(kind, ctx, step, data).items() if v})
    return fields


def issue_for_step(ctx: RunContext, kind: str, step: str, data: dict) -> Document:
    from app.register.documents import issue_document

    entry = _entry(ctx)
    case: Case = ctx.case
    document = issue_document(
        ctx.session,
        case.bureau,
        kind,
        fields_for(kind, ctx, step, data),
        case_id=case.id,
        entry_id=entry.id if entry is not None else None,
    )
    audit(
        ctx.session,
        case,
        None,
        "documents",
        step=step,
        summary=f"已制作{document.title}（{document.number}）",
        data={"numbers": [document.number], "kind": kind},
    )
    return document
