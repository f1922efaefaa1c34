"""The register (名单): one entry per listed subject and listing decision."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.errors import Conflict
from app.models.base import Base
from app.models.org import Bureau


class EntryStatus(enum.StrEnum):
    PROPOSED = "proposed"
    LISTED = "listed"
    REMOVED_EARLY = "removed_early"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    DROPPED = "dropped"
    RESTORED = "restored"
    SUSPENDED = "suspended"

    @property
    def label(self) -> str:
        return {
            "proposed": "拟列入",
            "listed": "已列入",
            "removed_early": "已提前移出",
            "expired": "期满移出",
            "withdrawn": "已撤销列入",
            "dropped": "不予列入",
            "restored": "已恢复列入",
            "suspended": "修复结果已中止",
        }[self.value]


# On the register, published and under measures: listed, restored after a revoked
# early removal, or with the repair result suspended.
ACTIVE_STATUSES = frozenset({EntryStatus.LISTED, EntryStatus.RESTORED, EntryStatus.SUSPENDED})


class IllegalTransition(Conflict):
    """A register entry was asked to move in a way the rules forbid.

    A Conflict (409), not Invalid: the request itself is well formed, it clashes with the
    entry's current state (usually because another case moved the entry first), and the
    message names that state."""


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
    # Typed, stored as VARCHAR(20) holding the value ("listed"): no database enum type.
    status: Mapped[EntryStatus] = mapped_column(
        Enum(EntryStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=EntryStatus.PROPOSED,
    )
    published: Mapped[bool] = mapped_column(default=False, index=True)
    published_at: Mapped[Optional[dt.datetime]]
    removed_on: Mapped[Optional[dt.date]]
    removal_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    # Added by the listing procedure (migration 0002_listing).
    # Cases point at entries and entries at the listing case that made them: the
    # constraint is added after both tables (use_alter) to break the cycle.
    listing_case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("case_instance.id", use_alter=True), index=True
    )
    subject_role: Mapped[str] = mapped_column(String(16), default="")
    penalty_amount: Mapped[Optional[int]]  # yuan
    eligible_on: Mapped[Optional[dt.date]]  # early removal may be applied for from this day
    origin: Mapped[str] = mapped_column(String(16), default="procedure")  # procedure | import | demo
    withdrawn_on: Mapped[Optional[dt.date]]
    restored_on: Mapped[Optional[dt.date]]
    suspended_on: Mapped[Optional[dt.date]]

    bureau: Mapped[Bureau] = relationship(lazy="joined")

    # --- transitions: each refuses an illegal move with a Chinese message ---

    def _require(self, allowed: set[EntryStatus], action: str) -> None:
        if EntryStatus(self.status) not in allowed:
            raise IllegalTransition(f"名单状态为“{EntryStatus(self.status).label}”，不能{action}")

    def list_(self, listed_on: dt.date, expires_on: dt.date, eligible_on: dt.date) -> None:
        self._require({EntryStatus.PROPOSED}, "作出列入决定")
        self.status, self.listed_on, self.expires_on = EntryStatus.LISTED, listed_on, expires_on
        self.eligible_on = eligible_on

    def drop(self, reason: str) -> None:
        self._require({EntryStatus.PROPOSED}, "决定不予列入")
        self.status, self.removal_reason = EntryStatus.DROPPED, reason[:200]

    def publish(self, at: dt.datetime) -> None:
        self._require(set(ACTIVE_STATUSES), "公示")
        self.published, self.published_at = True, at

    def remove_early(self, on: dt.date) -> None:
        self._require({EntryStatus.LISTED}, "提前移出")
        self.status, self.removed_on, self.published = EntryStatus.REMOVED_EARLY, on, False
        self.removal_reason = "信用修复，提前移出"

    def expire(self, on: dt.date) -> None:
        self._require(set(ACTIVE_STATUSES), "期满移出")
        self.status, self.removed_on, self.published = EntryStatus.EXPIRED, on, False
        self.removal_reason = "管理期满，自动移出"

    def withdraw(self, on: dt.date, reason: str) -> None:
        """The penalty was revoked or changed (复议/诉讼): the listing falls with it."""
        self._require({EntryStatus.PROPOSED, EntryStatus.REMOVED_EARLY, *ACTIVE_STATUSES}, "撤销列入")
        self.status, self.withdrawn_on, self.published = EntryStatus.WITHDRAWN, on, False
        self.penalty_revoked, self.removal_reason = True, reason[:200]

    def restore(self, on: dt.date, expires_on: dt.date) -> None:
        """An early removal was revoked (hidden facts, false materials): listed again."""
        self._require({EntryStatus.REMOVED_EARLY, EntryStatus.SUSPENDED}, "恢复列入")
        self.status, self.restored_on, self.expires_on = EntryStatus.RESTORED, on, expires_on
        self.removal_reason = ""

    def suspend(self, on: dt.date) -> None:
        """Hazards rebounded after an early removal: the repair result is suspended and
        the measures apply again until the rectification is confirmed."""
        self._require({EntryStatus.REMOVED_EARLY}, "中止信用修复结果")
        self.status, self.suspended_on = EntryStatus.SUSPENDED, on

    def resume(self) -> None:
        """Rectified: the early removal stands again."""
        self._require({EntryStatus.SUSPENDED}, "恢复信用修复结果")
        self.status, self.published = EntryStatus.REMOVED_EARLY, False

    @property
    def status_label(self) -> str:
        return EntryStatus(self.status).label

    @property
    def is_active(self) -> bool:
        return EntryStatus(self.status) in ACTIVE_STATUSES

    @property
    def measures_active(self) -> bool:
        return self.is_active

    @property
    def subject_identifier(self) -> str:
        return self.credit_code or self.id_number_masked or ""
