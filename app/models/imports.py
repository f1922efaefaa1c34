"""A CSV upload waiting for the administrator's confirmation, kept on the server so
that its rows (full ID numbers among them) never go back to the browser."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.models.base import Base


class ImportUpload(Base):
    __tablename__ = "import_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    content: Mapped[str] = mapped_column(Text)
    # Lines already imported by committed chunks: a repeated confirmation resumes after them.
    imported_lines: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
