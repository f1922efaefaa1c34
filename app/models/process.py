"""Deployed process versions: the BPMN, its parsed spec and its forms."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import User


class ProcessVersion(Base):
    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("key", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "repair", "listing"
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published | retired
    # The two large columns load only when asked for: lists and engine steps never need them.
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The parsed spec, serialized once per version; case state is stored without it.
    spec_json: Mapped[Optional[str]] = mapped_column(Text, deferred=True)
    # Forms, roles and timers read from the BPMN at deploy time (see app.engine.model).
    meta: Mapped[dict] = mapped_column(default=dict)
    errors: Mapped[list] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    published_at: Mapped[Optional[dt.datetime]]
    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[Optional[User]] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_valid(self) -> bool:
        return not self.errors
