"""Documents: numbering (unique within bureau and year, never reused, safe under
concurrent creation), issuing with a snapshot of their fields, and what they print."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.clock import now, today
from app.domain.document_texts import render
from app.domain.documents import KINDS, cn_date, document_number, remedies_text
from app.models import Bureau, Document, DocumentCounter


def _counter_upsert(session: Session, bureau_id: int, year: int, kind: str, value: int, bump):
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = DocumentCounter.__table__
    stmt = insert(table).values(bureau_id=bureau_id, year=year, kind=kind, value=value)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.bureau_id, table.c.year, table.c.kind], set_={"value": bump(table.c.value)}
    ).returning(table.c.value)
    # on the session's connection: a counter row depends on nothing pending in the
    # session, so no autoflush and none of the ORM's statement handling
    return int(session.connection().execute(stmt).scalar_one())


def next_sequence(session: Session, bureau_id: int, year: int, kind: str) -> int:
    """Increment the counter row and return its new value in one statement.

    INSERT ... ON CONFLICT DO UPDATE ... RETURNING takes the row lock on PostgreSQL,
    so a concurrent transaction waits for ours and then sees our value; SQLite
    serialises writers (BEGIN IMMEDIATE).  A rolled-back number was never issued."""
    return _counter_upsert(session, bureau_id, year, kind, 1, lambda value: value + 1)


def take_number(session: Session, bureau: Bureau, kind: str, year: int, sequence: int) -> str:
    """A number issued outside this system (an imported listing): written in the
    kind's one form, and the series continues after it (never issued twice)."""
    _counter_upsert(
        session,
        bureau.id,
        year,
        kind,
        sequence,
        lambda value: sql_case((value < sequence, sequence), else_=value),
    )
    return document_number(bureau.doc_prefix, KINDS[kind], year, sequence)


def _printed_extras(bureau: Bureau, kind: str) -> dict:
    """What every document prints from the bureau, as it stands when issued."""
    spec = KINDS[kind]
    extras = {"contact": bureau.contact_line}
    if spec.remedies:
        noun = "本决定" if spec.title.endswith("决定书") else "本通知"
        extras["remedies"] = remedies_text(bureau.reconsideration_body, bureau.court, noun)
    return extras


def _text(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return cn_date(value)
    if isinstance(value, (list, tuple)):
        return "\n".join(f"{i}. {item}" for i, item in enumerate(value, 1))
    return str(value)


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
    values = {**_printed_extras(bureau, kind), **fields}
    document = Document(
        bureau_id=bureau.id,
        kind=kind,
        year=issued_on.year,
        sequence=sequence,
        number=document_number(bureau.doc_prefix, spec, issued_on.year, sequence),
        title=spec.title,
        case_id=case_id,
        entry_id=entry_id,
        fields={k: _text(v) for k, v in values.items() if v not in (None, "", [])},
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


def printed(document: Document) -> dict:
    """What the printed page and the Word file show, in order."""
    addressee, paragraphs = render(document.kind, document.fields or {})
    spec = KINDS.get(document.kind)
    return {
        "issuer": document.bureau.name,
        "title": document.title,
        "number": document.number,
        "addressee": addressee,
        "paragraphs": paragraphs,
        "signature": document.bureau.name,
        "date": cn_date(document.issued_on),
        "contact": (document.fields or {}).get("contact", ""),
        "receipt": bool(spec and spec.served),
    }
