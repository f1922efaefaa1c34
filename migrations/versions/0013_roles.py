"""roles: the role table (code, Chinese name), seeded with the roles the code knew

Revision ID: 0013_roles
Revises: 0012_portal
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0013_roles"
down_revision = "0012_portal"
branch_labels = None
depends_on = None

# The roles as they stood in app/domain/roles.py when the table was made (frozen here).
SEED = [
    ("officer", "承办人"),
    ("legal", "法制审核"),
    ("leader", "负责人"),
    ("clerk", "受理窗口"),
    ("verifier", "核查人员"),
    ("publisher", "信用信息管理员"),
    ("supervisor", "督办"),
    ("designer", "流程设计"),
    ("admin", "系统管理员"),
]


def upgrade() -> None:
    role = op.create_table(
        "role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
        sa.UniqueConstraint("code", name=op.f("uq_role_code")),
        sa.UniqueConstraint("name", name=op.f("uq_role_name")),
    )
    at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    op.bulk_insert(role, [{"code": code, "name": name, "created_at": at} for code, name in SEED])


def downgrade() -> None:
    op.drop_table("role")
