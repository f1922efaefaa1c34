"""A file attached to a case: its metadata here, its bytes in the storage (by SHA-256).
`bureau_id` is the case's, so the one visibility rule (app.org.access) applies."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.case import Case
from app.models.org import User


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_case_uploaded", "case_id", "uploaded_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id", ondelete="CASCADE"))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    task_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("task_item.id", ondelete="SET NULL"))
    field: Mapped[Optional[str]] = mapped_column(String(100))  # the form field it was uploaded with
    label: Mapped[str] = mapped_column(String(200), default="")
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content_type: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16), default="officer")  # officer | portal | tip
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    uploaded_by_name: Mapped[str] = mapped_column(String(64), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=now)

    case: Mapped[Case] = relationship()
    uploaded_by: Mapped[Optional[User]] = relationship()

    def ref(self) -> dict:
        """What a form field keeps in the case data for this file."""
        return {"id": self.id, "name": self.original_name}
