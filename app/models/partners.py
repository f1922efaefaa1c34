"""Departments and banks outside the bureau: organisation accounts with API keys, the
record of their register checks (查询留痕), webhook subscriptions with the events and
deliveries they receive, and the measures they report back (联合惩戒 feedback)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import Bureau
from app.models.register import RegisterEntry


class Organisation(Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))  # bank | ndrc | market | land | other
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12))  # shown to administrators, never the key
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    bureau: Mapped[Bureau] = relationship(lazy="joined")


class RegisterQuery(Base):
    __tablename__ = "register_query"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    credit_code: Mapped[str] = mapped_column(String(32))
    listed: Mapped[bool]
    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Subscription(Base):
    __tablename__ = "subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list] = mapped_column(JSON, default=list)  # ["*"] or event kinds
    # The shared secret signs each body (HMAC-SHA256); it must be kept to sign, so it is
    # stored as it is, like every webhook sender does.
    secret: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class OutboundEvent(Base):
    """A change of the register that outside parties hear of, written in the same
    transaction as the change (an outbox), so no change is announced that did not
    happen and none that happened is missed."""

    __tablename__ = "outbound_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    register_entry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("register_entry.id"))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    register_entry: Mapped[Optional[RegisterEntry]] = relationship()


class Delivery(Base):
    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("event_id", "subscription_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbound_event.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    last_status: Mapped[Optional[int]]
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[Optional[dt.datetime]]
    event: Mapped[OutboundEvent] = relationship(lazy="joined")
    subscription: Mapped[Subscription] = relationship(lazy="joined")


class MeasureFeedback(Base):
    """A measure a department applied to a listed subject (a loan refused, a bid
    excluded …), reported back so the bureau can count joint punishment."""

    __tablename__ = "measure_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    register_entry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("register_entry.id"))
    credit_code: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    applied_on: Mapped[dt.date]
    at: Mapped[dt.datetime] = mapped_column(default=now)
    organisation: Mapped[Organisation] = relationship(lazy="joined")
