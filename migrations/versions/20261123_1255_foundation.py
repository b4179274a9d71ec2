"""Foundation: units, learner profiles, role grants, standalone accounts, audit events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 12:55
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("lms_units.id"), nullable=True),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_lms_units_parent_id", "lms_units", ["parent_id"])
    op.create_index("ix_lms_units_path", "lms_units", ["path"])

    op.create_table(
        "lms_profiles",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("full_name", sa.String(255), nullable=False),
        sa.Column("sort_name", sa.String(1024), nullable=False),
        sa.Column("search_text", sa.String(512), nullable=False),
        sa.Column("official_code", sa.String(32), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("lms_units.id"), nullable=True),
        sa.Column("position", sa.String(255), nullable=False),
        sa.Column("rank", sa.String(64), nullable=False),
        sa.Column("education_level", sa.String(32), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("official_code"),
    )
    op.create_index("ix_lms_profiles_sort_name", "lms_profiles", ["sort_name"])
    op.create_index("ix_lms_profiles_unit_id", "lms_profiles", ["unit_id"])

    op.create_table(
        "lms_role_grants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("lms_units.id"), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "role", "unit_id"),
    )
    op.create_index("ix_lms_role_grants_user_id", "lms_role_grants", ["user_id"])
    op.create_index("ix_lms_role_grants_unit_id", "lms_role_grants", ["unit_id"])

    op.create_table(
        "lms_accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("username"),
    )

    op.create_table(
        "lms_audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_lms_audit_events_occurred_at", "lms_audit_events", ["occurred_at"])
    op.create_index("ix_lms_audit_events_action", "lms_audit_events", ["action"])
    op.create_index("ix_lms_audit_events_object_id", "lms_audit_events", ["object_id"])


def downgrade() -> None:
    op.drop_table("lms_audit_events")
    op.drop_table("lms_accounts")
    op.drop_table("lms_role_grants")
    op.drop_table("lms_profiles")
    op.drop_table("lms_units")
