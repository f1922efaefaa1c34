"""Operations: when each scheduler last swept the due timers (read by /health)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class SchedulerRun(Base):
    __tablename__ = "scheduler_run"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # host:pid of the scheduler
    last_run_at: Mapped[dt.datetime]
    fired: Mapped[int] = mapped_column(default=0)  # timers this scheduler fired in all
