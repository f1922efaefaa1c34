"""listing procedure: register lifecycle columns, documents and their counters

Revision ID: 0002_listing
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_listing"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("register_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listing_case_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("subject_role", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("penalty_amount", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("eligible_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="procedure")
        )
        batch_op.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("restored_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("suspended_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_register_entry_listing_case_id"), ["listing_case_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_register_entry_listing_case_id_case_instance"),
            "case_instance",
            ["listing_case_id"],
            ["id"],
        )

    op.create_table(
        "document_counter",
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureau.id"], name=op.f("fk_document_counter_bureau_id_bureau")
        ),
        sa.PrimaryKeyConstraint("bureau_id", "year", "kind", name=op.f("pk_document_counter")),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"], name=op.f("fk_document_bureau_id_bureau")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_instance.id"],
            name=op.f("fk_document_case_id_case_instance"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["register_entry.id"], name=op.f("fk_document_entry_id_register_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("bureau_id", "number", name=op.f("uq_document_bureau_id")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_entry_id"), ["entry_id"], unique=False)


def downgrade() -> None:
    op.drop_table("document")
    op.drop_table("document_counter")
    with op.batch_alter_table("register_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_register_entry_listing_case_id_case_instance"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_register_entry_listing_case_id"))
        for column in (
            "suspended_on",
            "restored_on",
            "withdrawn_on",
            "origin",
            "eligible_on",
            "penalty_amount",
            "subject_role",
            "listing_case_id",
        ):
            batch_op.drop_column(column)
