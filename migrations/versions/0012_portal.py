"""portal: applicant accounts and electronic service receipts

Revision ID: 0012_portal
Revises: 0011_platforms
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_portal"
down_revision = "0011_platforms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applicant_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=32), nullable=True),
        sa.Column("id_number_masked", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_applicant_profile_reviewed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_applicant_profile_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant_profile")),
        sa.UniqueConstraint("user_id", name=op.f("uq_applicant_profile_user_id")),
    )
    with op.batch_alter_table("applicant_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applicant_profile_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_applicant_profile_id_number_masked"), ["id_number_masked"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_applicant_profile_status"), ["status"], unique=False)

    op.create_table(
        "document_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_receipt_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_document_receipt_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_receipt")),
    )
    with op.batch_alter_table("document_receipt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_receipt_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_receipt_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_receipt_user_id"))
        batch_op.drop_index(batch_op.f("ix_document_receipt_document_id"))

    op.drop_table("document_receipt")
    with op.batch_alter_table("applicant_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applicant_profile_status"))
        batch_op.drop_index(batch_op.f("ix_applicant_profile_id_number_masked"))
        batch_op.drop_index(batch_op.f("ix_applicant_profile_credit_code"))

    op.drop_table("applicant_profile")
