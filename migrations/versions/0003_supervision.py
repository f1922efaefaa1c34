"""supervision: indexes for the supervisor's board, timer list and figures

The board reads open tasks and pending timers of a set of bureaus in due order;
partial indexes keep those reads to the open rows only (both SQLite and PostgreSQL
support them).  Reminders, reassignments and notes need no table of their own:
they are audit events (the case history) and notifications (the inbox).

Revision ID: 0003_supervision
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_supervision"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN_TASK = sa.text("completed_at IS NULL")
PENDING_TIMER = sa.text("fired_at IS NULL AND cancelled_at IS NULL")
FAILED_TIMER = sa.text("failed_at IS NOT NULL")


def _partial(name: str, table: str, columns: list[str], where) -> None:
    op.create_index(name, table, columns, unique=False, postgresql_where=where, sqlite_where=where)


def upgrade() -> None:
    _partial("ix_task_board_open", "task_item", ["bureau_id", "due_at", "warn_at"], OPEN_TASK)
    _partial("ix_task_board_case_step", "task_item", ["case_id", "step"], OPEN_TASK)
    _partial("ix_timer_board_pending", "timer", ["bureau_id", "due_at"], PENDING_TIMER)
    _partial("ix_timer_failed", "timer", ["failed_at"], FAILED_TIMER)
    op.create_index("ix_timer_fired", "timer", ["fired_at"], unique=False)
    op.create_index("ix_case_process_created", "case_instance", ["process_key", "created_at"], unique=False)
    op.create_index("ix_audit_event_case_action", "audit_event", ["case_id", "action"], unique=False)


def downgrade() -> None:
    for name, table in (("ix_audit_event_case_action", "audit_event"), ("ix_case_process_created", "case_instance"),
                        ("ix_timer_fired", "timer"), ("ix_timer_failed", "timer"),
                        ("ix_timer_board_pending", "timer"), ("ix_task_board_case_step", "task_item"),
                        ("ix_task_board_open", "task_item")):
        op.drop_index(name, table_name=table)
