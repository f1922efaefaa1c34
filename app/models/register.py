"""The register (名单): one entry per listed subject and listing decision."""
from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import Bureau


class EntryStatus(str, enum.Enum):
    PROPOSED = "proposed"
    LISTED = "listed"
    REMOVED_EARLY = "removed_early"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"proposed": "拟列入", "listed": "已列入", "removed_early": "已提前移出",
                "expired": "期满移出", "withdrawn": "已撤销列入"}[self.value]


class IllegalTransition(Exception):
    """A register entry was asked to move in a way the rules forbid."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegisterEntry(Base):
    __tablename__ = "register_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))  # unit | institution | person
    subject_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    id_number_masked: Mapped[Optional[str]] = mapped_column(String(32))
    situation: Mapped[str] = mapped_column(String(32))
    sector: Mapped[str] = mapped_column(String(50), default="")
    penalty_number: Mapped[str] = mapped_column(String(100))
    penalty_date: Mapped[Optional[dt.date]]
    penalty_carried_out: Mapped[bool] = mapped_column(default=False)
    penalty_revoked: Mapped[bool] = mapped_column(default=False)
    decision_number: Mapped[Optional[str]] = mapped_column(String(100))
    listed_on: Mapped[Optional[dt.date]]
    expires_on: Mapped[Optional[dt.date]]
    measures: Mapped[list] = mapped_column(default=list)
    facts: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EntryStatus] = mapped_column(String(20), default=EntryStatus.PROPOSED)
    published: Mapped[bool] = mapped_column(default=False, index=True)
    published_at: Mapped[Optional[dt.datetime]]
    removed_on: Mapped[Optional[dt.date]]
    removal_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    bureau: Mapped[Bureau] = relationship(lazy="joined")

    # --- transitions: each refuses an illegal move with a Chinese message ---

    def _require(self, allowed: set[EntryStatus], action: str) -> None:
        if EntryStatus(self.status) not in allowed:
            raise IllegalTransition(f"名单状态为“{EntryStatus(self.status).label}”，不能{action}")

    def publish(self, at: dt.datetime) -> None:
        self._require({EntryStatus.LISTED}, "公示")
        self.published, self.published_at = True, at

    def remove_early(self, on: dt.date) -> None:
        self._require({EntryStatus.LISTED}, "提前移出")
        self.status, self.removed_on, self.published = EntryStatus.REMOVED_EARLY, on, False
        self.removal_reason = "信用修复，提前移出"

    def expire(self, on: dt.date) -> None:
        self._require({EntryStatus.LISTED}, "期满移出")
        self.status, self.removed_on, self.published = EntryStatus.EXPIRED, on, False
        self.removal_reason = "管理期满，自动移出"

    @property
    def status_label(self) -> str:
        return EntryStatus(self.status).label

    @property
    def measures_active(self) -> bool:
        return EntryStatus(self.status) == EntryStatus.LISTED
