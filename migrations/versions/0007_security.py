"""security: session generation and first-login password change on user accounts;
CSV uploads kept on the server until confirmed; each scheduler's last sweep (/health)

Revision ID: 0007_security
Revises: 0006_timer_attempts
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_security"
down_revision = "0006_timer_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
    op.create_table(
        "import_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_import_upload_user_id_user_account", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_import_upload"),
        sa.UniqueConstraint("token", name="uq_import_upload_token"),
    )
    op.create_index("ix_import_upload_user_id", "import_upload", ["user_id"])
    op.create_table(
        "scheduler_run",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last_run_at", sa.DateTime(), nullable=False),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_scheduler_run"),
    )


def downgrade() -> None:
    op.drop_table("scheduler_run")
    op.drop_index("ix_import_upload_user_id", table_name="import_upload")
    op.drop_table("import_upload")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("password_changed_at")
        batch.drop_column("must_change_password")
        batch.drop_column("session_generation")
