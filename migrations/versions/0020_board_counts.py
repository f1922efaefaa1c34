"""board counts: the supervisor board's state counts, shared by every web process

Counting a million open rows on every board request is too slow; the counts of each
view are kept here with the time they were taken (app.supervision.board_counts).
Also an index for the board's last pages: open tasks without a due time, by creation.

Revision ID: 0020_board_counts
Revises: 0019_process_owner
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_board_counts"
down_revision = "0019_process_owner"
branch_labels = None
depends_on = None

OPEN_UNDATED = sa.text("completed_at IS NULL AND due_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "board_count",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("due_soon", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("undated", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("took_ms", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_board_count_used", "board_count", ["used_at"], unique=False)
    op.create_index(
        "ix_task_board_undated",
        "task_item",
        ["created_at", "id", "bureau_id"],
        unique=False,
        postgresql_where=OPEN_UNDATED,
        sqlite_where=OPEN_UNDATED,
    )


def downgrade() -> None:
    op.drop_index("ix_task_board_undated", table_name="task_item")
    op.drop_index("ix_board_count_used", table_name="board_count")
    op.drop_table("board_count")
