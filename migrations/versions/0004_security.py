"""security: session generation and first-login password change on user accounts

Revision ID: 0004_security
Revises: 0003_supervision
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_security"
down_revision = "0003_supervision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
        batch.drop_column("session_generation")
