"""Courses (versions, modules, attachments) and classes (trainers, enrolments, history,
module completions).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:12:56.182892
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["lms_units.id"], name=op.f("fk_lms_courses_owner_unit_id_lms_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_courses")),
        sa.UniqueConstraint("slug", name=op.f("uq_lms_courses_slug")),
    )
    op.create_index("ix_lms_courses_owner_unit_id", "lms_courses", ["owner_unit_id"])

    op.create_table(
        "lms_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["lms_courses.id"], name=op.f("fk_lms_attachments_course_id_lms_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attachments")),
        sa.UniqueConstraint("course_id", "name", name=op.f("uq_lms_attachments_course_id")),
    )
    op.create_index("ix_lms_attachments_course_id", "lms_attachments", ["course_id"])

    op.create_table(
        "lms_course_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("quiz_slug", sa.String(length=64), nullable=True),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["lms_courses.id"],
            name=op.f("fk_lms_course_versions_course_id_lms_courses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_course_versions")),
        sa.UniqueConstraint("course_id", "number", name=op.f("uq_lms_course_versions_course_id")),
    )
    op.create_index("ix_lms_course_versions_course_id", "lms_course_versions", ["course_id"])

    op.create_table(
        "lms_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("course_version_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("enrol_opens_on", sa.Date(), nullable=True),
        sa.Column("enrol_closes_on", sa.Date(), nullable=True),
        sa.Column("decision_number", sa.String(length=64), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decision_issuer", sa.String(length=255), nullable=False),
        sa.Column("self_enrol", sa.Boolean(), nullable=False),
        sa.Column("self_enrol_unit_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_version_id"],
            ["lms_course_versions.id"],
            name=op.f("fk_lms_classes_course_version_id_lms_course_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["self_enrol_unit_id"],
            ["lms_units.id"],
            name=op.f("fk_lms_classes_self_enrol_unit_id_lms_units"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["lms_units.id"], name=op.f("fk_lms_classes_unit_id_lms_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_classes")),
        sa.UniqueConstraint("code", name=op.f("uq_lms_classes_code")),
    )
    op.create_index("ix_lms_classes_course_version_id", "lms_classes", ["course_version_id"])
    op.create_index("ix_lms_classes_unit_id", "lms_classes", ["unit_id"])

    op.create_table(
        "lms_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("quiz_slug", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["lms_course_versions.id"],
            name=op.f("fk_lms_modules_version_id_lms_course_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_modules")),
        sa.UniqueConstraint("version_id", "position", name=op.f("uq_lms_modules_version_id")),
    )
    op.create_index("ix_lms_modules_version_id", "lms_modules", ["version_id"])

    op.create_table(
        "lms_class_trainers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_class_trainers_class_id_lms_classes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_class_trainers")),
        sa.UniqueConstraint("class_id", "user_id", name=op.f("uq_lms_class_trainers_class_id")),
    )
    op.create_index("ix_lms_class_trainers_class_id", "lms_class_trainers", ["class_id"])
    op.create_index("ix_lms_class_trainers_user_id", "lms_class_trainers", ["user_id"])

    op.create_table(
        "lms_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("last_module_id", sa.Integer(), nullable=True),
        sa.Column("last_activity_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"], ["lms_classes.id"], name=op.f("fk_lms_enrolments_class_id_lms_classes")
        ),
        sa.ForeignKeyConstraint(
            ["last_module_id"],
            ["lms_modules.id"],
            name=op.f("fk_lms_enrolments_last_module_id_lms_modules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_enrolments")),
        sa.UniqueConstraint("class_id", "user_id", name=op.f("uq_lms_enrolments_class_id")),
    )
    op.create_index("ix_lms_enrolments_class_id", "lms_enrolments", ["class_id"])
    op.create_index("ix_lms_enrolments_user_id", "lms_enrolments", ["user_id"])

    op.create_table(
        "lms_enrolment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["lms_enrolments.id"],
            name=op.f("fk_lms_enrolment_events_enrolment_id_lms_enrolments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_enrolment_events")),
    )
    op.create_index(
        "ix_lms_enrolment_events_enrolment_id", "lms_enrolment_events", ["enrolment_id"]
    )

    op.create_table(
        "lms_module_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["lms_enrolments.id"],
            name=op.f("fk_lms_module_completions_enrolment_id_lms_enrolments"),
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["lms_modules.id"],
            name=op.f("fk_lms_module_completions_module_id_lms_modules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_module_completions")),
        sa.UniqueConstraint(
            "enrolment_id", "module_id", name=op.f("uq_lms_module_completions_enrolment_id")
        ),
    )
    op.create_index(
        "ix_lms_module_completions_enrolment_id", "lms_module_completions", ["enrolment_id"]
    )
    op.create_index("ix_lms_module_completions_module_id", "lms_module_completions", ["module_id"])


def downgrade() -> None:
    op.drop_table("lms_module_completions")
    op.drop_table("lms_enrolment_events")
    op.drop_table("lms_enrolments")
    op.drop_table("lms_class_trainers")
    op.drop_table("lms_modules")
    op.drop_table("lms_classes")
    op.drop_table("lms_course_versions")
    op.drop_table("lms_attachments")
    op.drop_table("lms_courses")
