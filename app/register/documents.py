"""Documents: numbering (unique within bureau and year, never reused, safe under
concurrent creation), issuing with a snapshot of their fields, and Word output."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.clock import now, today
from app.domain.documents import KINDS, document_number
from app.models import Bureau, Document, DocumentCounter


def next_sequence(session: Session, bureau_id: int, year: int, kind: str) -> int:
    """Increment the counter row and return its new value in one statement.

    INSERT ... ON CONFLICT DO UPDATE ... RETURNING takes the row lock on PostgreSQL,
    so a concurrent transaction waits for ours and then sees our value; SQLite
    serialises writers (BEGIN IMMEDIATE).  A rolled-back number was never issued."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = DocumentCounter.__table__
    stmt = insert(table).values(bureau_id=bureau_id, year=year, kind=kind, value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.bureau_id, table.c.year, table.c.kind], set_={"value": table.c.value + 1}
    ).returning(table.c.value)
    return int(session.execute(stmt).scalar_one())


def issue_document(
    session: Session,
    bureau: Bureau,
    kind: str,
    fields: dict,
    *,
    case_id: int | None = None,
    entry_id: int | None = None,
    on: dt.date | None = None,
) -> Document:
    spec = KINDS[kind]
    issued_on = on or today()
    sequence = next_sequence(session, bureau.id, issued_on.year, kind)
    document = Document(
        bureau_id=bureau.id,
        kind=kind,
        year=issued_on.year,
        sequence=sequence,
        number=document_number(bureau.doc_prefix, spec, issued_on.year, sequence),
        title=spec.title,
        case_id=case_id,
        entry_id=entry_id,
        fields={k: str(v) for k, v in fields.items() if v not in (None, "")},
        issued_on=issued_on,
        created_at=now(),
    )
    session.add(document)
    session.flush()
    return document


def documents_for(
    session: Session, *, case_id: int | None = None, entry_id: int | None = None
) -> list[Document]:
    stmt = select(Document)
    if case_id is not None:
        stmt = stmt.where(Document.case_id == case_id)
    if entry_id is not None:
        stmt = stmt.where(Document.entry_id == entry_id)
    return list(session.scalars(stmt.order_by(Document.created_at, Document.id)).unique())


def printed_fields(document: Document) -> list[tuple[str, str]]:
    """(label, value) in the order the kind prints them; missing fields are left out."""
    spec = KINDS.get(document.kind)
    order = spec.fields if spec else tuple((k, k) for k in document.fields)
    return [(label, document.fields[key]) for key, label in order if document.fields.get(key)]


def to_docx(document: Document) -> bytes:
    word = WordDocument()
    section = word.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(3.7 - 1.0)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = word.styles["Normal"]
    style.font.size = Pt(14)
    style.font.name = "FangSong"
    for text, size, bold in ((document.bureau.name, 18, True), (document.title, 20, True)):
        para = word.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    number = word.add_paragraph(document.number)
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for label, value in printed_fields(document):
        para = word.add_paragraph()
        para.add_run(f"{label}：").bold = True
        para.add_run(value)
    for text in (
        document.bureau.name,
        f"{document.issued_on.year}年{document.issued_on.month}月{document.issued_on.day}日",
    ):
        para = word.add_paragraph(text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
