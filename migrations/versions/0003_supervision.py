"""supervision: indexes for the supervisor's board, timer list and figures

The board counts the open tasks and pending timers of a set of bureaus and reads
one page of them in due order; these indexes cover both reads.  Reminders,
reassignments and notes need no table of their own: they are audit events (the
case history) and notifications (the inbox).

Revision ID: 0003_supervision
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_supervision"
down_revision = "0002_listing"
branch_labels = None
depends_on = None

OPEN_TASK = sa.text("completed_at IS NULL")
PENDING_WAIT = sa.text("fired_at IS NULL AND cancelled_at IS NULL AND step IS NULL")
FAILED_TIMER = sa.text("failed_at IS NOT NULL")

# Covering indexes for the board's counts: seek the open (pending) rows of a set of
# bureaus, then ranges of due times.
INDEXES = [
    (
        "ix_task_board_count",
        "task_item",
        ["completed_at", "bureau_id", "due_at", "warn_at", "step", "claimed_by_id", "case_id"],
    ),
    ("ix_timer_board", "timer", ["fired_at", "cancelled_at", "step", "due_at", "id", "bureau_id"]),
    ("ix_timer_fired", "timer", ["fired_at"]),
    ("ix_case_process_created", "case_instance", ["process_key", "created_at", "bureau_id"]),
    ("ix_audit_event_case_action", "audit_event", ["case_id", "action"]),
]
# Partial indexes in the board's page order (due time, id): PostgreSQL cannot order by
# the columns after an "IS NULL" key, so the condition goes in the index's WHERE.
PARTIAL = [
    ("ix_task_board_due", "task_item", ["due_at", "id", "bureau_id"], OPEN_TASK),
    ("ix_timer_board_wait", "timer", ["due_at", "id", "bureau_id"], PENDING_WAIT),
    ("ix_timer_failed", "timer", ["failed_at"], FAILED_TIMER),  # the timer list's incidents
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    for name, table, columns, where in PARTIAL:
        op.create_index(name, table, columns, unique=False, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name, table, *_rest in reversed(INDEXES + PARTIAL):
        op.drop_index(name, table_name=table)
