"""attachments: files on cases, stored by SHA-256

Revision ID: 0018_attachments
Revises: 0017_bureau_contact
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_attachments"
down_revision = "0017_bureau_contact"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("task_item_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=100), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_name", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"], name=op.f("fk_attachment_bureau_id_bureau")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_instance.id"],
            name=op.f("fk_attachment_case_id_case_instance"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_item_id"],
            ["task_item.id"],
            name=op.f("fk_attachment_task_item_id_task_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_attachment_uploaded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index("ix_attachment_case_uploaded", ["case_id", "uploaded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index(batch_op.f("ix_attachment_bureau_id"))
        batch_op.drop_index("ix_attachment_case_uploaded")
    op.drop_table("attachment")
