"""partners: organisations, query log, subscriptions, outbox, deliveries, feedback

Revision ID: 0009_partners
Revises: 0008_audit_chain
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_partners"
down_revision = "0008_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["bureau.id"], name=op.f("fk_organisation_bureau_id_bureau")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_organisation_key_hash")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_bureau_id"), ["bureau_id"], unique=False)

    op.create_table(
        "measure_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("register_entry_id", sa.Integer(), nullable=True),
        sa.Column("credit_code", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureau.id"], name=op.f("fk_measure_feedback_bureau_id_bureau")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_measure_feedback_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["register_entry_id"],
            ["register_entry.id"],
            name=op.f("fk_measure_feedback_register_entry_id_register_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_feedback")),
    )
    with op.batch_alter_table("measure_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_feedback_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_measure_feedback_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "outbound_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("register_entry_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureau.id"], name=op.f("fk_outbound_event_bureau_id_bureau")
        ),
        sa.ForeignKeyConstraint(
            ["register_entry_id"],
            ["register_entry.id"],
            name=op.f("fk_outbound_event_register_entry_id_register_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbound_event_event_id")),
    )
    with op.batch_alter_table("outbound_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbound_event_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbound_event_kind"), ["kind"], unique=False)

    op.create_table(
        "register_query",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=32), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bureau_id"], ["bureau.id"], name=op.f("fk_register_query_bureau_id_bureau")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_register_query_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_query")),
    )
    with op.batch_alter_table("register_query", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_query_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_register_query_bureau_id"), ["bureau_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_register_query_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_subscription_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscription_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["outbound_event.id"], name=op.f("fk_delivery_event_id_outbound_event")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"], ["subscription.id"], name=op.f("fk_delivery_subscription_id_subscription")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("event_id", "subscription_id", name=op.f("uq_delivery_event_id")),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_next_attempt_at"), ["next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_subscription_id"), ["subscription_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_status"))
        batch_op.drop_index(batch_op.f("ix_delivery_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_delivery_event_id"))

    op.drop_table("delivery")
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_organisation_id"))

    op.drop_table("subscription")
    with op.batch_alter_table("register_query", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_query_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_register_query_bureau_id"))
        batch_op.drop_index(batch_op.f("ix_register_query_at"))

    op.drop_table("register_query")
    with op.batch_alter_table("outbound_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_event_kind"))
        batch_op.drop_index(batch_op.f("ix_outbound_event_bureau_id"))

    op.drop_table("outbound_event")
    with op.batch_alter_table("measure_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_feedback_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_measure_feedback_bureau_id"))

    op.drop_table("measure_feedback")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_bureau_id"))

    op.drop_table("organisation")
