"""The supervisors' figures of one scope and period as last computed (app/stats/cache.py):
shared by every web process, recomputed once older than FIGURES_MAX_AGE_SECONDS, and
ahead of that by the scheduler while the scope is in use."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class FiguresSnapshot(Base):
    __tablename__ = "figures_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the period and the sorted bureau ids (a city's scope is a long list).
    key: Mapped[str] = mapped_column(String(64), unique=True)
    since: Mapped[dt.date]
    until: Mapped[dt.date]
    bureau_count: Mapped[int]
    computed_at: Mapped[dt.datetime] = mapped_column(index=True)
    data: Mapped[dict]
    # The scope itself, so that the scheduler can compute it again (None: written
    # before the scheduler kept figures fresh; such a row is left to its readers).
    bureau_ids: Mapped[Optional[list]] = mapped_column(JSON(none_as_null=True))
    used_at: Mapped[Optional[dt.datetime]]  # last read by a page or /api/stats
