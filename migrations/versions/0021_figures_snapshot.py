"""figures snapshot: the supervisors' figures per scope and period, shared by all web
processes; indexes for the figures' reads of finished tasks and audit events

Revision ID: 0021_figures_snapshot
Revises: 0020_board_counts
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_figures_snapshot"
down_revision = "0020_board_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figures_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=False),
        sa.Column("bureau_count", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_figures_snapshot"),
        sa.UniqueConstraint("key", name="uq_figures_snapshot_key"),
    )
    op.create_index("ix_figures_snapshot_computed_at", "figures_snapshot", ["computed_at"])
    op.create_index(
        "ix_task_finished",
        "task_item",
        ["outcome", "completed_at", "bureau_id", "step", "due_at", "created_at", "case_id", "name"],
    )
    op.create_index("ix_audit_event_action_at", "audit_event", ["action", "at", "step", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_action_at", table_name="audit_event")
    op.drop_index("ix_task_finished", table_name="task_item")
    op.drop_index("ix_figures_snapshot_computed_at", table_name="figures_snapshot")
    op.drop_table("figures_snapshot")
