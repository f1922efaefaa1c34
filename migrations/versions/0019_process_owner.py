"""process owner: each process belongs to a bureau; one working draft per author

Revision ID: 0019_process_owner
Revises: 0018_attachments
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_process_owner"
down_revision = "0018_attachments"
branch_labels = None
depends_on = None

WORKING_DRAFT = "state = 'draft' AND author_id IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "process",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("owner_bureau_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_bureau_id"], ["bureau.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    # Processes deployed so far belong to the deployment's bureau (no owner row value).
    op.execute(
        "INSERT INTO process (key, owner_bureau_id, created_at) "
        "SELECT key, NULL, MIN(created_at) FROM process_version GROUP BY key"
    )
    with op.batch_alter_table("process_version") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    # Earlier saves made a draft each: keep each author's newest as their working draft.
    op.execute(
        "UPDATE process_version SET state = 'discarded' WHERE state = 'draft' AND author_id IS NOT NULL "
        "AND number < (SELECT MAX(p.number) FROM process_version p WHERE p.key = process_version.key "
        "AND p.author_id = process_version.author_id AND p.state = 'draft')"
    )
    op.create_index(
        "uq_process_version_working_draft",
        "process_version",
        ["key", "author_id"],
        unique=True,
        sqlite_where=sa.text(WORKING_DRAFT),
        postgresql_where=sa.text(WORKING_DRAFT),
    )


def downgrade() -> None:
    op.drop_index("uq_process_version_working_draft", table_name="process_version")
    with op.batch_alter_table("process_version") as batch:
        batch.drop_column("updated_at")
    op.drop_table("process")
