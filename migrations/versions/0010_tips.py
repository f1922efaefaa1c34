"""tips: public tips and their tracking codes

Revision ID: 0010_tips
Revises: 0009_partners
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_tips"
down_revision = "0009_partners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=16), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("reward_amount", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"], name=op.f("fk_tip_bureau_id_bureau")),
        sa.ForeignKeyConstraint(["case_id"], ["case_instance.id"], name=op.f("fk_tip_case_id_case_instance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_tip_tracking_code")),
    )
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_client_hash"), ["client_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_tip_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_created_at"))
        batch_op.drop_index(batch_op.f("ix_tip_client_hash"))
        batch_op.drop_index(batch_op.f("ix_tip_case_id"))
        batch_op.drop_index(batch_op.f("ix_tip_bureau_id"))

    op.drop_table("tip")
