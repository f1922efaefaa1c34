"""Documents (文书) issued in the listing procedure and the register's life, and the
counters that number them (one row per bureau, year and kind)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import Bureau


class DocumentCounter(Base):
    """The last sequence number used; only ever incremented (numbers are never reused)."""

    __tablename__ = "document_counter"
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("bureau_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    number: Mapped[str] = mapped_column(String(100))
    year: Mapped[int]
    sequence: Mapped[int]
    title: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("case_instance.id", ondelete="SET NULL"), index=True
    )
    entry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("register_entry.id"), index=True)
    # The printed fields, in the order of app.domain.documents (a snapshot: never recomputed).
    fields: Mapped[dict] = mapped_column(default=dict)
    issued_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    bureau: Mapped[Bureau] = relationship(lazy="joined")
