"""Quizzes (settings, slots, per-learner overrides) and attempts with their questions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:29:28.134807
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_quizzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("module_id", sa.Integer(), nullable=True),
        sa.Column("open_at", UTCDateTime(), nullable=True),
        sa.Column("close_at", UTCDateTime(), nullable=True),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("overdue_rule", sa.String(length=16), nullable=False),
        sa.Column("grace_minutes", sa.Integer(), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("grading_method", sa.String(length=16), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("shuffle_questions", sa.Boolean(), nullable=False),
        sa.Column("shuffle_choices", sa.Boolean(), nullable=False),
        sa.Column("questions_per_page", sa.Integer(), nullable=False),
        sa.Column("navigation", sa.String(length=16), nullable=False),
        sa.Column("review", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["lms_question_banks.id"],
            name=op.f("fk_lms_quizzes_bank_id_lms_question_banks"),
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["lms_classes.id"], name=op.f("fk_lms_quizzes_class_id_lms_classes")
        ),
        sa.ForeignKeyConstraint(
            ["module_id"], ["lms_modules.id"], name=op.f("fk_lms_quizzes_module_id_lms_modules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_quizzes")),
    )
    op.create_index("ix_lms_quizzes_bank_id", "lms_quizzes", ["bank_id"])
    op.create_index("ix_lms_quizzes_class_id", "lms_quizzes", ["class_id"])

    op.create_table(
        "lms_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("deadline_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("fraction", sa.Float(), nullable=True),
        sa.Column("current_page", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["lms_quizzes.id"], name=op.f("fk_lms_attempts_quiz_id_lms_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attempts")),
        sa.UniqueConstraint("quiz_id", "user_id", "number", name=op.f("uq_lms_attempts_quiz_id")),
    )
    op.create_index("ix_lms_attempts_quiz_id", "lms_attempts", ["quiz_id"])
    op.create_index("ix_lms_attempts_user_id", "lms_attempts", ["user_id"])

    op.create_table(
        "lms_quiz_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("open_at", UTCDateTime(), nullable=True),
        sa.Column("close_at", UTCDateTime(), nullable=True),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=True),
        sa.Column("attempts_allowed", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["lms_quizzes.id"], name=op.f("fk_lms_quiz_overrides_quiz_id_lms_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_quiz_overrides")),
        sa.UniqueConstraint("quiz_id", "user_id", name=op.f("uq_lms_quiz_overrides_quiz_id")),
    )
    op.create_index("ix_lms_quiz_overrides_quiz_id", "lms_quiz_overrides", ["quiz_id"])

    op.create_table(
        "lms_quiz_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("draw_count", sa.Integer(), nullable=False),
        sa.Column("include_subcategories", sa.Boolean(), nullable=False),
        sa.Column("mark", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["lms_question_categories.id"],
            name=op.f("fk_lms_quiz_slots_category_id_lms_question_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["lms_questions.id"],
            name=op.f("fk_lms_quiz_slots_question_id_lms_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["lms_quizzes.id"], name=op.f("fk_lms_quiz_slots_quiz_id_lms_quizzes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_quiz_slots")),
        sa.UniqueConstraint("quiz_id", "position", name=op.f("uq_lms_quiz_slots_quiz_id")),
    )
    op.create_index("ix_lms_quiz_slots_quiz_id", "lms_quiz_slots", ["quiz_id"])

    op.create_table(
        "lms_attempt_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_version_id", sa.Integer(), nullable=False),
        sa.Column("choice_order", sa.JSON(), nullable=False),
        sa.Column("max_mark", sa.Float(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("saved_at", UTCDateTime(), nullable=True),
        sa.Column("fraction", sa.Float(), nullable=True),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("grader_comment", sa.Text(), nullable=False),
        sa.Column("graded_by", sa.String(length=64), nullable=False),
        sa.Column("graded_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["lms_attempts.id"],
            name=op.f("fk_lms_attempt_questions_attempt_id_lms_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["question_version_id"],
            ["lms_question_versions.id"],
            name=op.f("fk_lms_attempt_questions_question_version_id_lms_question_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_attempt_questions")),
        sa.UniqueConstraint(
            "attempt_id", "position", name=op.f("uq_lms_attempt_questions_attempt_id")
        ),
    )
    op.create_index("ix_lms_attempt_questions_attempt_id", "lms_attempt_questions", ["attempt_id"])
    op.create_index(
        "ix_lms_attempt_questions_question_version_id",
        "lms_attempt_questions",
        ["question_version_id"],
    )


def downgrade() -> None:
    op.drop_table("lms_attempt_questions")
    op.drop_table("lms_quiz_slots")
    op.drop_table("lms_quiz_overrides")
    op.drop_table("lms_attempts")
    op.drop_table("lms_quizzes")
