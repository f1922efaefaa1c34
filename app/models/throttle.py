"""Login throttling counters (Flask-Limiter's fixed windows) kept in the database, so
that every web process counts the same failures (app/security/throttle_store.py)."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ThrottleCounter(Base):
    __tablename__ = "throttle_counter"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int]
    # Seconds since the epoch (time.time(), as the limits library counts), when the window ends.
    expires_at: Mapped[float] = mapped_column(Float, index=True)
