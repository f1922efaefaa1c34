"""bureau contact line and remedy bodies printed on documents

Revision ID: 0017_bureau_contact
Revises: 0016_import_progress
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_bureau_contact"
down_revision = "0016_import_progress"
branch_labels = None
depends_on = None

COLUMNS = ("address", "phone", "contact_person", "reconsideration_body", "court")


def upgrade() -> None:
    with op.batch_alter_table("bureau") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("bureau") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
