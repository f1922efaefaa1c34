"""Applicants online (企业和个人): an applicant is a user account bound to one subject
(credit code, or a person's ID number) once the bureau's clerk has confirmed it."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import User


class ApplicantProfile(Base):
    __tablename__ = "applicant_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    subject_kind: Mapped[str] = mapped_column(String(16))  # unit | person
    subject_name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    id_number_masked: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(
        String(16), default="pending", index=True
    )  # pending|approved|rejected
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[Optional[dt.datetime]]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    user: Mapped[User] = relationship(
        foreign_keys=[user_id],
        backref=backref("applicant_profile", uselist=False, lazy="selectin"),
    )


class DocumentReceipt(Base):
    """电子送达: when an applicant first opened a document served to them."""

    __tablename__ = "document_receipt"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(default=now)
