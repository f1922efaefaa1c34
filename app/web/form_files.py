"""The files a form page sends with its file fields (type="file" in the diagram).

They are stored and committed before the form itself is handled: a refused value, a
conflict or an over-long text then loses nothing, and the form drawn again shows them as
已上传 (ticked boxes carrying their ids, which the next submission sends back)."""

from __future__ import annotations

from flask import request

from app.attachments.service import Limits, attach, case_attachments
from app.engine import FormField
from app.errors import AppError
from app.extensions import db
from app.models import Attachment, Case, TaskItem, User
from app.web.uploads import sent_files


def file_fields(fields: list[FormField]) -> list[FormField]:
    return [f for f in fields if f.type == "file"]


def kept_ids(field_id: str) -> list[int]:
    return [int(v) for v in request.form.getlist(field_id) if v.isdigit() and len(v) <= 12]


def store_form_files(
    case: Case,
    fields: list[FormField],
    *,
    actor: User | None,
    task_item: TaskItem | None = None,
    channel: str = "officer",
    limits: Limits | None = None,
    actor_name: str | None = None,
) -> tuple[dict[str, list[int]], dict[str, str]]:
    """Store what each file field sent; ({field: kept and new ids}, {field: error}).
    Commits the stored files (a refused file is named in the errors, the others kept)."""
    limits = limits or Limits.officers()
    values: dict[str, list[int]] = {}
    errors: dict[str, str] = {}
    stored = False
    for f in file_fields(fields):
        ids = kept_ids(f.id)
        uploads = sent_files(f.id)
        if len(uploads) > limits.per_form:
            errors[f.id] = f"“{f.label}”一次最多上传 {limits.per_form} 个文件"
            uploads = []
        for upload in uploads:
            try:
                attachment = attach(
                    db.session,
                    case,
                    upload.stream,
                    upload.filename,
                    actor=actor,
                    label=f.label,
                    task_item=task_item,
                    field=f.id,
                    channel=channel,
                    limits=limits,
                    actor_name=actor_name,
                )
            except AppError as exc:
                errors[f.id] = (exc.errors or {}).get(f.id) or exc.message
                continue
            ids.append(attachment.id)
            stored = True
        values[f.id] = ids
    if stored:
        db.session.commit()
    return values, errors


def pending_files(case: Case, fields: list[FormField], task_item: TaskItem) -> dict[str, list[int]]:
    """Files uploaded with this step's form by an earlier submission that did not go
    through: a form opened again starts with them."""
    rows = [a for a in case_attachments(db.session, case.id) if a.task_item_id == task_item.id]
    return {f.id: [a.id for a in rows if a.field == f.id] for f in file_fields(fields)}


def files_by_id(case: Case) -> dict[int, Attachment]:
    return {a.id: a for a in case_attachments(db.session, case.id)}
