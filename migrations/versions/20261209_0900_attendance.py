"""Attendance: sessions of a class, per-class settings and statuses, and the marks.

Revision ID: 0009_attendance
Revises: 0008_api
Create Date: 2026-12-09 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0009_attendance"
down_revision = "0008_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_attendance_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("room", sa.String(length=255), nullable=False),
        sa.Column("meeting_url", sa.String(length=500), nullable=False),
        sa.Column("trainer_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=255), nullable=False),
        sa.Column("checkin_before_minutes", sa.Integer(), nullable=False),
        sa.Column("checkin_after_minutes", sa.Integer(), nullable=False),
        sa.Column("late_after_minutes", sa.Integer(), nullable=False),
        sa.Column("code_seconds", sa.Integer(), nullable=False),
        sa.Column("allowed_networks", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_attendance_sessions_class_id_lms_classes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attendance_sessions")),
    )
    op.create_index(
        op.f("ix_lms_attendance_sessions_class_id"), "lms_attendance_sessions", ["class_id"]
    )
    op.create_index(
        op.f("ix_lms_attendance_sessions_starts_at"), "lms_attendance_sessions", ["starts_at"]
    )
    op.create_table(
        "lms_attendance_settings",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("automark_absent", sa.Boolean(), nullable=False),
        sa.Column("low_percent", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_attendance_settings_class_id_lms_classes"),
        ),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_lms_attendance_settings")),
    )
    op.create_table(
        "lms_attendance_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_attendance_statuses_class_id_lms_classes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attendance_statuses")),
        sa.UniqueConstraint("class_id", "code", name=op.f("uq_lms_attendance_statuses_class_id")),
    )
    op.create_index(
        op.f("ix_lms_attendance_statuses_class_id"), "lms_attendance_statuses", ["class_id"]
    )
    op.create_table(
        "lms_attendance_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("remark", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("marked_by", sa.String(length=64), nullable=False),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("flags", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["lms_attendance_sessions.id"],
            name=op.f("fk_lms_attendance_marks_session_id_lms_attendance_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attendance_marks")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_lms_attendance_marks_session_id")
        ),
    )
    for column in ("session_id", "user_id", "device"):
        op.create_index(op.f(f"ix_lms_attendance_marks_{column}"), "lms_attendance_marks", [column])


def downgrade() -> None:
    for column in ("session_id", "user_id", "device"):
        op.drop_index(op.f(f"ix_lms_attendance_marks_{column}"), table_name="lms_attendance_marks")
    op.drop_table("lms_attendance_marks")
    op.drop_index(op.f("ix_lms_attendance_statuses_class_id"), table_name="lms_attendance_statuses")
    op.drop_table("lms_attendance_statuses")
    op.drop_table("lms_attendance_settings")
    op.drop_index(
        op.f("ix_lms_attendance_sessions_starts_at"), table_name="lms_attendance_sessions"
    )
    op.drop_index(op.f("ix_lms_attendance_sessions_class_id"), table_name="lms_attendance_sessions")
    op.drop_table("lms_attendance_sessions")
