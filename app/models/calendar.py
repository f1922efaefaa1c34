"""Holiday overrides that administrators enter (they win over the packaged data)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.models.base import Base


class HolidayOverride(Base):
    __tablename__ = "holiday_override"
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(String(50), default="")
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)


class CalendarYear(Base):
    """A year whose official schedule an administrator has entered and confirmed."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(primary_key=True)
    confirmed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=now)
