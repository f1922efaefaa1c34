"""Incidents: a step of a case that failed at run time (a condition, a script, a
timer, a message), kept until an administrator rescues the case."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.case import Case


class Incident(Base):
    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id", ondelete="CASCADE"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # step | timer | message
    element_id: Mapped[Optional[str]] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)  # in Chinese, as the user saw it
    created_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    resolved_at: Mapped[Optional[dt.datetime]]
    resolved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[Case] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
