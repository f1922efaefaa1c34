"""figures snapshot: the scope's bureau ids and when it was last read, so that the
scheduler computes the figures in use again before they go stale

Revision ID: 0022_figures_refresh
Revises: 0021_figures_snapshot
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_figures_refresh"
down_revision = "0021_figures_snapshot"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figures_snapshot") as batch:
        batch.add_column(sa.Column("bureau_ids", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("used_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("figures_snapshot") as batch:
        batch.drop_column("used_at")
        batch.drop_column("bureau_ids")
