"""BPMN messages between cases: who waits for which message, and every message
thrown (delivered or not: a message with no receiver is kept, never lost)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.models.base import Base


class MessageSubscription(Base):
    """A waiting message event of a running case, one row per correlation value
    (a listing case about three register entries waits under each of them)."""

    __tablename__ = "message_subscription"
    __table_args__ = (Index("ix_message_subscription_lookup", "message", "key", "value"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id", ondelete="CASCADE"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(100), default="")  # "" = no correlation key
    value: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class MessageEvent(Base):
    """A message one case threw, and which cases received it (none: undelivered)."""

    __tablename__ = "message_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    message: Mapped[str] = mapped_column(String(200), index=True)
    sender_case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("case_instance.id", ondelete="SET NULL"), index=True
    )
    bureau_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bureau.id"), index=True)
    correlation: Mapped[dict] = mapped_column(default=dict)  # {key: value}
    payload: Mapped[dict] = mapped_column(default=dict)
    receiver_case_ids: Mapped[list] = mapped_column(default=list)
    started_case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("case_instance.id", ondelete="SET NULL")
    )
    delivered: Mapped[bool] = mapped_column(default=False, index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
