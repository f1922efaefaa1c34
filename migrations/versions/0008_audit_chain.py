"""audit chain: each audit event carries the hash of its case's previous event

Existing events are chained in id order per case.

Revision ID: 0008_audit_chain
Revises: 0007_security
"""

import datetime as dt
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0008_audit_chain"
down_revision = "0007_security"
branch_labels = None
depends_on = None


def _hash(prev, row) -> str:
    at = row.at
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    data = row.data
    if isinstance(data, str):
        data = json.loads(data)
    content = [
        prev,
        row.case_id,
        at.isoformat(timespec="microseconds"),
        row.actor_id,
        row.actor_name,
        row.action,
        row.step,
        row.summary,
        data or {},
    ]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    table = sa.table(
        "audit_event",
        sa.column("id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("at", sa.DateTime),
        sa.column("actor_id", sa.Integer),
        sa.column("actor_name", sa.String),
        sa.column("action", sa.String),
        sa.column("step", sa.String),
        sa.column("summary", sa.String),
        sa.column("data", sa.JSON),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    heads: dict = {}
    rows = conn.execute(sa.select(table).order_by(table.c.case_id, table.c.id)).all()
    for row in rows:
        prev = heads.get(row.case_id)
        digest = _hash(prev, row)
        conn.execute(table.update().where(table.c.id == row.id).values(prev_hash=prev, hash=digest))
        heads[row.case_id] = digest


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
