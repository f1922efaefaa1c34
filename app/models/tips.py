"""Public tips (举报): what the tipster may later look up by its tracking code."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.case import Case


class Tip(Base):
    __tablename__ = "tip"
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case_instance.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    # A keyed hash of the sender's address: enough to limit submissions per address,
    # never the address itself.
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    finding: Mapped[str] = mapped_column(String(16), default="")  # true | partly | false | not_accepted
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[Optional[dt.datetime]]
    reward_amount: Mapped[Optional[int]]  # yuan, for a tip found true
    case: Mapped[Optional[Case]] = relationship()
