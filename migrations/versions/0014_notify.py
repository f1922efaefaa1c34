"""notify: per-user contact channels and the outbound message queue

Revision ID: 0014_notify
Revises: 0013_roles
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_notify"
down_revision = "0013_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_setting",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("wecom_id", sa.String(length=64), nullable=True),
        sa.Column("email_on", sa.Boolean(), nullable=False),
        sa.Column("sms_on", sa.Boolean(), nullable=False),
        sa.Column("wecom_on", sa.Boolean(), nullable=False),
        sa.Column("digest_on", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "outbound_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbound_message_dedupe"),
    )
    op.create_index("ix_outbound_message_user_id", "outbound_message", ["user_id"])
    op.create_index("ix_outbound_message_bureau_id", "outbound_message", ["bureau_id"])
    op.create_index("ix_outbound_message_status", "outbound_message", ["status"])
    op.create_index("ix_outbound_message_next_attempt_at", "outbound_message", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbound_message")
    op.drop_table("contact_setting")
