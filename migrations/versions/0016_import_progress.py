"""import_upload.imported_lines: chunked imports resume where they stopped

Revision ID: 0016_import_progress
Revises: 0015_throttle_counter
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_import_progress"
down_revision = "0015_throttle_counter"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_upload") as batch:
        batch.add_column(sa.Column("imported_lines", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("import_upload") as batch:
        batch.drop_column("imported_lines")
