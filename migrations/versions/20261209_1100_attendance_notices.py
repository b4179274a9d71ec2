"""Attendance notices: what an organizer sent learners under the class's low-attendance percent.

Revision ID: 0011_attendance_notices
Revises: 0010_records
Create Date: 2026-12-09 11:00:00
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0011_attendance_notices"
down_revision = "0010_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_attendance_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.Column("low_percent", sa.Integer(), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_attendance_notices_class_id_lms_classes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attendance_notices")),
    )
    op.create_index(
        op.f("ix_lms_attendance_notices_class_id"), "lms_attendance_notices", ["class_id"]
    )
    op.create_index(
        op.f("ix_lms_attendance_notices_user_id"), "lms_attendance_notices", ["user_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lms_attendance_notices_user_id"), table_name="lms_attendance_notices")
    op.drop_index(op.f("ix_lms_attendance_notices_class_id"), table_name="lms_attendance_notices")
    op.drop_table("lms_attendance_notices")
