"""A running or finished process instance and its indexes.

The inbox, the supervisor board and the API read TaskItem and Timer rows; only
the engine adapter ever deserializes `Case.state`.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text, and_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.models.base import Base
from app.models.org import Bureau, User
from app.models.process import ProcessVersion


class CaseStatus(enum.StrEnum):
    """A case is active while its diagram runs.  A finished case's status is the result
    its diagram set (`case_result`: granted, refused, listed, …, else "completed"): the
    diagrams name those, so the column stays an open VARCHAR and only these are fixed."""

    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # ended by an administrator (app.engine.rescue)


class Case(Base):
    __tablename__ = "case_instance"
    __table_args__ = (Index("ix_case_process_created", "process_key", "created_at", "bureau_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    subject_name: Mapped[str] = mapped_column(String(200), default="")
    credit_code: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    register_entry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("register_entry.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), default=CaseStatus.ACTIVE.value, index=True)
    # The serialized workflow: only the engine reads it, so lists never load it.
    state: Mapped[str] = mapped_column(Text, default="", deferred=True)
    # Business facts shown on the case page (eligibility checks, subject): read
    # without deserializing the workflow.
    facts: Mapped[dict] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(default=1)  # optimistic lock counter
    started_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)
    ended_at: Mapped[Optional[dt.datetime]]

    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")
    bureau: Mapped[Bureau] = relationship(lazy="joined")
    started_by: Mapped[Optional[User]] = relationship()


class TaskItem(Base):
    """One row per user task that is or was open: the inbox index."""

    __tablename__ = "task_item"
    __table_args__ = (
        Index("ix_task_open_bureau_role", "bureau_id", "role", "completed_at"),
        Index("ix_task_open_due", "completed_at", "due_at"),
        # The supervisor's board (migration 0003): counts, and pages in due order.
        Index(
            "ix_task_board_count",
            "completed_at",
            "bureau_id",
            "due_at",
            "warn_at",
            "step",
            "claimed_by_id",
            "case_id",
        ),
        # The figures (app/stats): tasks finished in a period, read from the index alone.
        # Led by the outcome, which only finished tasks have: the board's plans stay theirs.
        Index(
            "ix_task_finished",
            "outcome",
            "completed_at",
            "bureau_id",
            "step",
            "due_at",
            "created_at",
            "case_id",
            "name",
        ),
        Index(
            "ix_task_board_due",
            "due_at",
            "id",
            "bureau_id",
            postgresql_where=text("completed_at IS NULL"),
            sqlite_where=text("completed_at IS NULL"),
        ),
        # The board's last pages: open tasks without a due time, by creation (0020).
        Index(
            "ix_task_board_undated",
            "created_at",
            "id",
            "bureau_id",
            postgresql_where=text("completed_at IS NULL AND due_at IS NULL"),
            sqlite_where=text("completed_at IS NULL AND due_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id", ondelete="CASCADE"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36), index=True)
    step: Mapped[str] = mapped_column(String(100))  # BPMN element id
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"))
    due_at: Mapped[Optional[dt.datetime]]
    warn_at: Mapped[Optional[dt.datetime]]
    escalated_at: Mapped[Optional[dt.datetime]]  # a deadline timer fired while open
    claimed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    completed_at: Mapped[Optional[dt.datetime]]
    completed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[Optional[str]] = mapped_column(String(16))  # completed | cancelled

    case: Mapped[Case] = relationship(lazy="joined")
    claimed_by: Mapped[Optional[User]] = relationship(foreign_keys=[claimed_by_id], lazy="joined")
    completed_by: Mapped[Optional[User]] = relationship(foreign_keys=[completed_by_id])

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    def is_overdue(self, at: dt.datetime) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < at


class Timer(Base):
    """One row per timer event the engine is waiting on (and, once fired, when)."""

    __tablename__ = "timer"
    __table_args__ = (
        Index("ix_timer_pending_due", "fired_at", "due_at"),
        # The supervisor's board and timer list (migration 0003).
        Index("ix_timer_board", "fired_at", "cancelled_at", "step", "due_at", "id", "bureau_id"),
        Index("ix_timer_fired", "fired_at"),
        Index(
            "ix_timer_board_wait",
            "due_at",
            "id",
            "bureau_id",
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL AND step IS NULL"),
            sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL AND step IS NULL"),
        ),
        Index(
            "ix_timer_failed",
            "failed_at",
            postgresql_where=text("failed_at IS NOT NULL"),
            sqlite_where=text("failed_at IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_instance.id", ondelete="CASCADE"), index=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    engine_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    step: Mapped[Optional[str]] = mapped_column(String(100))  # the user task it guards, if any
    kind: Mapped[str] = mapped_column(String(16))  # deadline | warning | cutoff | wait
    due_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    fired_at: Mapped[Optional[dt.datetime]]
    cancelled_at: Mapped[Optional[dt.datetime]]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    failed_at: Mapped[Optional[dt.datetime]]
    next_attempt_at: Mapped[Optional[dt.datetime]]  # a due timer that did not fire: try again then

    case: Mapped[Case] = relationship(lazy="joined")

    @hybrid_property
    def is_pending(self) -> bool:
        """Still waiting: neither fired nor cancelled (a failed timer is still pending)."""
        return self.fired_at is None and self.cancelled_at is None

    @is_pending.inplace.expression
    @classmethod
    def _is_pending_expression(cls):
        return and_(cls.fired_at.is_(None), cls.cancelled_at.is_(None))


class AuditEvent(Base):
    """Append-only history: who did what, when, to which case and step."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_case_action", "case_id", "action"),
        # The figures: early removals and follow-ups of a period (app/stats/figures.py).
        Index("ix_audit_event_action_at", "action", "at", "step", "case_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("case_instance.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="系统")
    action: Mapped[str] = mapped_column(String(40))
    step: Mapped[Optional[str]] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(500), default="")
    data: Mapped[dict] = mapped_column(default=dict)
    # The chain per case (app/engine/audit_chain.py): the previous event's hash, this one's.
    prev_hash: Mapped[Optional[str]] = mapped_column(String(64))
    hash: Mapped[Optional[str]] = mapped_column(String(64))


class Notification(Base):
    """Something a user should see in the inbox: reminders, escalations."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("bureau.id"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[Optional[str]] = mapped_column(String(32))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case_instance.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # overdue | due_soon | reminder
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    read_at: Mapped[Optional[dt.datetime]]
