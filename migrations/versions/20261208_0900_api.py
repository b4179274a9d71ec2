"""API tokens (only the SHA-256 of each secret), webhook endpoints (their signing secrets
encrypted) and the webhook outbox, which is also the delivery log.

Revision ID: 0008_api
Revises: 0007_certificates
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0008_api"
down_revision = "0007_certificates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["lms_units.id"], name=op.f("fk_lms_api_tokens_unit_id_lms_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_api_tokens")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_lms_api_tokens_secret_hash")),
    )
    op.create_index(op.f("ix_lms_api_tokens_unit_id"), "lms_api_tokens", ["unit_id"])
    op.create_table(
        "lms_webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("events", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["lms_units.id"], name=op.f("fk_lms_webhook_endpoints_unit_id_lms_units")
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["lms_api_tokens.id"],
            name=op.f("fk_lms_webhook_endpoints_token_id_lms_api_tokens"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_webhook_endpoints")),
    )
    op.create_index(op.f("ix_lms_webhook_endpoints_unit_id"), "lms_webhook_endpoints", ["unit_id"])
    op.create_index(
        op.f("ix_lms_webhook_endpoints_token_id"), "lms_webhook_endpoints", ["token_id"]
    )
    op.create_table(
        "lms_webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["lms_webhook_endpoints.id"],
            name=op.f("fk_lms_webhook_deliveries_endpoint_id_lms_webhook_endpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_webhook_deliveries")),
    )
    op.create_index(
        op.f("ix_lms_webhook_deliveries_endpoint_id"), "lms_webhook_deliveries", ["endpoint_id"]
    )
    op.create_index(
        op.f("ix_lms_webhook_deliveries_event_id"), "lms_webhook_deliveries", ["event_id"]
    )
    op.create_index(
        "ix_lms_webhook_deliveries_due", "lms_webhook_deliveries", ["status", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_lms_webhook_deliveries_due", table_name="lms_webhook_deliveries")
    op.drop_index(op.f("ix_lms_webhook_deliveries_event_id"), table_name="lms_webhook_deliveries")
    op.drop_index(
        op.f("ix_lms_webhook_deliveries_endpoint_id"), table_name="lms_webhook_deliveries"
    )
    op.drop_table("lms_webhook_deliveries")
    op.drop_index(op.f("ix_lms_webhook_endpoints_token_id"), table_name="lms_webhook_endpoints")
    op.drop_index(op.f("ix_lms_webhook_endpoints_unit_id"), table_name="lms_webhook_endpoints")
    op.drop_table("lms_webhook_endpoints")
    op.drop_index(op.f("ix_lms_api_tokens_unit_id"), table_name="lms_api_tokens")
    op.drop_table("lms_api_tokens")
