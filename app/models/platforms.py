"""National credit platforms (no real connection here: file adapters).  Each item bound
for a platform is a row with its delivery record; each application pushed from
信用中国 is remembered by its external id, so importing a file twice starts one case."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.models.base import Base


class PlatformItem(Base):
    __tablename__ = "platform_item"
    __table_args__ = (UniqueConstraint("platform", "item_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), index=True)  # gsxt | share | creditchina
    item_key: Mapped[str] = mapped_column(String(64))  # the event id, or "repair-<case id>"
    kind: Mapped[str] = mapped_column(String(32))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|exported|failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=now)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    exported_at: Mapped[Optional[dt.datetime]]


class PlatformApplication(Base):
    __tablename__ = "platform_application"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), default="creditchina")
    external_id: Mapped[str] = mapped_column(String(64))
    credit_code: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case_instance.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # started | refused
    reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[Optional[dt.datetime]]
    imported_at: Mapped[dt.datetime] = mapped_column(default=now)
    result_exported: Mapped[bool] = mapped_column(default=False)
