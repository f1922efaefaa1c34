"""platforms: items for the national platforms, applications pushed from 信用中国

Revision ID: 0011_platforms
Revises: 0010_tips
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_platforms"
down_revision = "0010_tips"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("exported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"], name=op.f("fk_platform_item_bureau_id_bureau")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_item")),
        sa.UniqueConstraint("platform", "item_key", name=op.f("uq_platform_item_platform")),
    )
    with op.batch_alter_table("platform_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_item_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_platform_item_platform"), ["platform"], unique=False)
        batch_op.create_index(batch_op.f("ix_platform_item_status"), ["status"], unique=False)

    op.create_table(
        "platform_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("credit_code", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("result_exported", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_instance.id"], name=op.f("fk_platform_application_case_id_case_instance")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_application")),
        sa.UniqueConstraint("platform", "external_id", name=op.f("uq_platform_application_platform")),
    )
    with op.batch_alter_table("platform_application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_application_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("platform_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_application_case_id"))

    op.drop_table("platform_application")
    with op.batch_alter_table("platform_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_item_status"))
        batch_op.drop_index(batch_op.f("ix_platform_item_platform"))
        batch_op.drop_index(batch_op.f("ix_platform_item_bureau_id"))

    op.drop_table("platform_item")
