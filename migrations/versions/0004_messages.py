"""messages: waiting message events of running cases, and every message thrown

Revision ID: 0004_messages
Revises: 0003_supervision
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_messages"
down_revision = "0003_supervision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("engine_task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_instance.id"],
            name=op.f("fk_message_subscription_case_id_case_instance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_subscription")),
    )
    with op.batch_alter_table("message_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_subscription_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_message_subscription_lookup", ["message", "key", "value"], unique=False)
    op.create_table(
        "message_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("sender_case_id", sa.Integer(), nullable=True),
        sa.Column("bureau_id", sa.Integer(), nullable=True),
        sa.Column("correlation", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("receiver_case_ids", sa.JSON(), nullable=False),
        sa.Column("started_case_id", sa.Integer(), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"], name=op.f("fk_message_event_bureau_id_bureau")),
        sa.ForeignKeyConstraint(
            ["sender_case_id"],
            ["case_instance.id"],
            name=op.f("fk_message_event_sender_case_id_case_instance"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["started_case_id"],
            ["case_instance.id"],
            name=op.f("fk_message_event_started_case_id_case_instance"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_event")),
    )
    with op.batch_alter_table("message_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_event_message"), ["message"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_event_sender_case_id"), ["sender_case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_event_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_event_delivered"), ["delivered"], unique=False)


def downgrade() -> None:
    op.drop_table("message_event")
    op.drop_table("message_subscription")
