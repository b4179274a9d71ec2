"""Question banks: categories, questions and their immutable versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:18:17.397487
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_question_banks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"],
            ["lms_units.id"],
            name=op.f("fk_lms_question_banks_owner_unit_id_lms_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_question_banks")),
        sa.UniqueConstraint("slug", name=op.f("uq_lms_question_banks_slug")),
    )
    op.create_index("ix_lms_question_banks_owner_unit_id", "lms_question_banks", ["owner_unit_id"])

    op.create_table(
        "lms_question_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["lms_question_banks.id"],
            name=op.f("fk_lms_question_categories_bank_id_lms_question_banks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_question_categories")),
        sa.UniqueConstraint("bank_id", "path", name=op.f("uq_lms_question_categories_bank_id")),
    )
    op.create_index("ix_lms_question_categories_bank_id", "lms_question_categories", ["bank_id"])

    op.create_table(
        "lms_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("current_number", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["lms_question_banks.id"],
            name=op.f("fk_lms_questions_bank_id_lms_question_banks"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["lms_question_categories.id"],
            name=op.f("fk_lms_questions_category_id_lms_question_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_questions")),
        sa.UniqueConstraint("bank_id", "key", name=op.f("uq_lms_questions_bank_id")),
    )
    op.create_index("ix_lms_questions_bank_id", "lms_questions", ["bank_id"])
    op.create_index("ix_lms_questions_category_id", "lms_questions", ["category_id"])

    op.create_table(
        "lms_question_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("qtype", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("stem", sa.Text(), nullable=False),
        sa.Column("general_feedback", sa.Text(), nullable=False),
        sa.Column("default_mark", sa.Float(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["lms_questions.id"],
            name=op.f("fk_lms_question_versions_question_id_lms_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_question_versions")),
        sa.UniqueConstraint(
            "question_id", "number", name=op.f("uq_lms_question_versions_question_id")
        ),
    )
    op.create_index(
        "ix_lms_question_versions_question_id", "lms_question_versions", ["question_id"]
    )


def downgrade() -> None:
    op.drop_table("lms_question_versions")
    op.drop_table("lms_questions")
    op.drop_table("lms_question_categories")
    op.drop_table("lms_question_banks")
