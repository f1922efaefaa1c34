"""timer attempts: when a due timer that did not fire may be tried again

A due timer the engine does not fire (the index and the workflow disagree, a cycle
fell behind) is marked with a later attempt instead of being selected again at once;
after a few attempts it becomes an incident (failed_at).

Revision ID: 0006_timer_attempts
Revises: 0005_incidents
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_timer_attempts"
down_revision = "0005_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timer") as batch:
        batch.drop_column("next_attempt_at")
