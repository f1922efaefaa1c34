"""Attaching a file to a case, and the lists the pages and the API show.

`attach` checks the kind by the file's first bytes, streams it into the storage under its
SHA-256 (refusing it past the size limit), adds the `Attachment` row and a history line.
It flushes, never commits: the caller's unit of work does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.attachments import types
from app.engine import audit
from app.errors import Forbidden, Invalid, TooLarge
from app.models import Attachment, Case, TaskItem, User
from app.storage import storage

UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True)
class Limits:
    """What one kind of upload may be: its kinds, bytes per file, files per form."""

    kinds: tuple[str, ...]
    max_bytes: int
    per_form: int
    text_bytes: int  # what one text field of such a form may hold

    @classmethod
    def officers(cls) -> "Limits":
        config = current_app.config
        return cls(
            tuple(config["ATTACHMENT_TYPES"]),
            config["ATTACHMENT_MAX_BYTES"],
            config["ATTACHMENTS_PER_FORM"],
            config["FORM_FIELD_MAX_BYTES"],
        )

    @classmethod
    def tips(cls) -> "Limits":
        config = current_app.config
        return cls(
            tuple(config["TIP_ATTACHMENT_TYPES"]),
            config["TIP_ATTACHMENT_MAX_BYTES"],
            config["TIP_ATTACHMENTS_MAX"],
            config["TIP_FORM_FIELD_MAX_BYTES"],
        )

    def accept(self) -> str:
        """The file input's accept attribute."""
        extensions = {k: [k] for k in self.kinds} | {"jpg": ["jpg", "jpeg"]}
        return ",".join(f".{e}" for k in self.kinds for e in extensions[k])

    def describe(self) -> str:
        return f"可上传 {types.describe(self.kinds)}，每个文件不超过 {self.max_bytes // (1024 * 1024)} MB"


def clean_name(name: str | None) -> str:
    """The original name as shown and offered for download: no path, no control or
    reserved characters, at most 200 characters (keeping the extension)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = UNSAFE_NAME.sub("_", base).strip(" .") or "附件"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else base[:200]
    return base


def check_may_upload(case: Case, actor: User) -> None:
    """Officers of the case's own bureau attach files; upper bureaus watch (403)."""
    if actor.bureau_id != case.bureau_id:
        raise Forbidden("只有办理本案的单位可以上传附件")


def attach(
    session: Session,
    case: Case,
    stream: BinaryIO,
    filename: str | None,
    *,
    actor: User | None,
    label: str = "",
    task_item: TaskItem | None = None,
    field: str | None = None,
    channel: str = "officer",
    limits: Limits | None = None,
    actor_name: str | None = None,
) -> Attachment:
    limits = limits or Limits.officers()
    name = clean_name(filename)
    key = field or "file"
    kind = types.detect(stream, name)
    if kind is None or kind not in limits.kinds:
        raise Invalid(
            f"“{name}”的文件类型不被接受（{limits.describe()}）",
            {key: f"“{name}”不是可接受的文件（{limits.describe()}）"},
        )
    count = session.scalar(select(func.count(Attachment.id)).where(Attachment.case_id == case.id))
    if count >= current_app.config["ATTACHMENTS_PER_CASE"]:
        raise Invalid(
            "本案附件已达上限", {key: f"每个案件最多 {current_app.config['ATTACHMENTS_PER_CASE']} 个附件"}
        )
    try:
        sha256, size = storage().put(stream, limits.max_bytes)
    except TooLarge as exc:
        raise TooLarge(f"“{name}”{exc.message}", {key: f"“{name}”{exc.message}"}) from None
    label = (label or "").strip()[:200]
    who = actor_name or (actor.display_name if actor else "系统")
    attachment = Attachment(
        case_id=case.id,
        bureau_id=case.bureau_id,
        task_item_id=task_item.id if task_item else None,
        field=field,
        label=label,
        original_name=name,
        size=size,
        sha256=sha256,
        content_type=types.CONTENT_TYPES[kind],
        channel=channel,
        uploaded_by_id=actor.id if actor else None,
        uploaded_by_name=who[:64],
    )
    session.add(attachment)
    session.flush()
    audit(
        session,
        case,
        actor,
        "attach",
        step=task_item.step if task_item else None,
        summary=name + (f"（{label}）" if label else ""),  # shown after the action's label 上传附件
        data={"attachment_id": attachment.id, "name": name, "size": size, "sha256": sha256},
    )
    return attachment


def case_attachments(session: Session, case_id: int) -> list[Attachment]:
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.case_id == case_id)
            .order_by(Attachment.uploaded_at, Attachment.id)
            .limit(1000)
        )
    )


def attachment_json(attachment: Attachment) -> dict:
    return {
        "id": attachment.id,
        "name": attachment.original_name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "content_type": attachment.content_type,
        "label": attachment.label,
        "task_id": attachment.task_item_id,
        "uploaded_by": attachment.uploaded_by_name,
        "uploaded_at": attachment.uploaded_at.isoformat(),
    }
