"""Deployed process versions: the BPMN, its parsed spec and its forms."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import User

# Versions that were published at some time (a draft or a discarded draft never ran).
RAN_STATES = ("published", "retired")


class Process(Base):
    """A process as a whole: who owns it.  Drafts and publishing are limited to the
    owning bureau and the bureaus above it.  No owner: the bureau the deployment is
    set up for (DEPLOYMENT_BUREAU), which owns the shipped workflows."""

    __tablename__ = "process"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_bureau_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bureau.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class ProcessVersion(Base):
    __tablename__ = "process_version"
    __table_args__ = (
        UniqueConstraint("key", "number"),
        # One working draft per process per author: saving again updates it.
        Index(
            "uq_process_version_working_draft",
            "key",
            "author_id",
            unique=True,
            sqlite_where=text("state = 'draft' AND author_id IS NOT NULL"),
            postgresql_where=text("state = 'draft' AND author_id IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # e.g. "repair", "listing"
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published | retired | discarded
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
    updated_at: Mapped[Optional[dt.datetime]]  # the working draft was saved again
    published_at: Mapped[Optional[dt.datetime]]
    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[Optional[User]] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_valid(self) -> bool:
        return not self.errors
