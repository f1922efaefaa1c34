"""Bureaus, users, their roles, and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.clock import now
from app.models.base import Base


class Bureau(Base):
    __tablename__ = "bureau"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # province | city | county
    doc_prefix: Mapped[str] = mapped_column(String(20))  # e.g. 示应急 for document numbers
    # Printed on documents: the contact line, and the bodies named in the remedies
    # (行政复议机关: usually the people's government at the same level; 管辖法院).
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_person: Mapped[str] = mapped_column(String(200), default="", server_default="")
    reconsideration_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    court: Mapped[str] = mapped_column(String(200), default="", server_default="")
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("bureau.id"))
    parent: Mapped[Optional["Bureau"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Bureau"]] = relationship(back_populates="parent")

    @property
    def contact_line(self) -> str:
        parts = [
            f"{label}：{value}"
            for label, value in (
                ("联系人", self.contact_person),
                ("联系电话", self.phone),
                ("地址", self.address),
            )
            if value
        ]
        return "；".join(parts)


class Role(Base):
    """A role inside a bureau (lanes of diagrams name it); administrators add roles."""

    __tablename__ = "role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class User(UserMixin, Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    # Bumped on logout and password change: sessions carrying an older one are over.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # New accounts choose their own password at first login (demo accounts do not).
    must_change_password: Mapped[bool] = mapped_column(default=True, server_default=sa.false())
    password_changed_at: Mapped[Optional[dt.datetime]]
    bureau: Mapped[Bureau] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login: the session names the user and its generation
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), index=True)


class ApiToken(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime]
    user: Mapped[User] = relationship(lazy="joined")
