"""The supervisor board's state counts, kept per scope and filter (app.supervision.board_counts)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class BoardCount(Base):
    """How many rows a board view had in each state when counted, and when.

    One row per view (the bureaus seen, the process, step, officer and due-soon
    window), so every web process reads the same figures; see board_counts."""

    __tablename__ = "board_count"
    __table_args__ = (Index("ix_board_count_used", "used_at"),)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the scope
    scope: Mapped[dict]  # what to count again: bureaus, process, step, officer, within
    overdue: Mapped[int]
    due_soon: Mapped[int]
    pending: Mapped[int]
    undated: Mapped[int]
    taken_at: Mapped[dt.datetime]  # when these counts were taken
    took_ms: Mapped[int] = mapped_column(default=0)  # how long counting took
    used_at: Mapped[dt.datetime]  # last read by a board page (to the minute)
