"""Notifications outside the system: how each user wants to be told (e-mail, SMS,
政务微信, the daily digest) and the messages queued for those channels."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import User


class ContactSetting(Base):
    """One row per user who has chosen; no row means the inbox only."""

    __tablename__ = "contact_setting"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[Optional[str]] = mapped_column(String(254))
    mobile: Mapped[Optional[str]] = mapped_column(String(20))
    wecom_id: Mapped[Optional[str]] = mapped_column(String(64))  # 政务微信 account
    email_on: Mapped[bool] = mapped_column(default=False)
    sms_on: Mapped[bool] = mapped_column(default=False)
    wecom_on: Mapped[bool] = mapped_column(default=False)
    digest_on: Mapped[bool] = mapped_column(default=True)  # the daily due-soon digest
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, onupdate=now)


class OutboundMessage(Base):
    """One message to one user on one channel; sent by the scheduler, retried with
    backoff, then marked failed (shown to administrators)."""

    __tablename__ = "outbound_message"
    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_outbound_message_dedupe"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # email | sms | wecom
    address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))  # reminder | overdue | digest
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The digest of one user on one day is queued once, however often the job runs.
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    sent_at: Mapped[Optional[dt.datetime]]
    user: Mapped[User] = relationship(lazy="joined")
