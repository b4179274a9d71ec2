"""Server-side log-in sessions (log-out ends a session for good) and the shared rate-limit
counters (log-in attempts counted alike by every worker and machine).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:20:00
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_login_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["lms_accounts.id"],
            name=op.f("fk_lms_login_sessions_account_id_lms_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_login_sessions")),
    )
    op.create_index(op.f("ix_lms_login_sessions_account_id"), "lms_login_sessions", ["account_id"])
    op.create_index(op.f("ix_lms_login_sessions_expires_at"), "lms_login_sessions", ["expires_at"])
    op.create_table(
        "lms_rate_limits",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lms_rate_limits")),
    )
    op.create_index(
        op.f("ix_lms_rate_limits_window_ends_at"), "lms_rate_limits", ["window_ends_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lms_rate_limits_window_ends_at"), table_name="lms_rate_limits")
    op.drop_table("lms_rate_limits")
    op.drop_index(op.f("ix_lms_login_sessions_expires_at"), table_name="lms_login_sessions")
    op.drop_index(op.f("ix_lms_login_sessions_account_id"), table_name="lms_login_sessions")
    op.drop_table("lms_login_sessions")
