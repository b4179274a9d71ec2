"""Training records: yearly targets per rank or position, external training with its evidence,
and the successors of ceased units.

Revision ID: 0010_records
Revises: 0009_attendance
Create Date: 2026-12-09 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0010_records"
down_revision = "0009_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_records_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rank", sa.String(length=64), nullable=False),
        sa.Column("position", sa.String(length=255), nullable=False),
        sa.Column("periods", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["lms_units.id"], name=op.f("fk_lms_records_targets_unit_id_lms_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_records_targets")),
        sa.UniqueConstraint(
            "unit_id",
            "year",
            "rank",
            "position",
            name=op.f("uq_lms_records_targets_unit_id"),
        ),
    )
    op.create_index(op.f("ix_lms_records_targets_unit_id"), "lms_records_targets", ["unit_id"])
    op.create_table(
        "lms_records_external",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("provider", sa.String(length=255), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("periods", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=64), nullable=False),
        sa.Column("evidence_number", sa.String(length=100), nullable=False),
        sa.Column("scan_sha256", sa.String(length=64), nullable=False),
        sa.Column("scan_type", sa.String(length=64), nullable=False),
        sa.Column("scan_size", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_records_external")),
    )
    op.create_index(op.f("ix_lms_records_external_user_id"), "lms_records_external", ["user_id"])
    op.create_index(op.f("ix_lms_records_external_ends_on"), "lms_records_external", ["ends_on"])
    op.create_table(
        "lms_records_successors",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["lms_units.id"], name=op.f("fk_lms_records_successors_unit_id_lms_units")
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["lms_units.id"],
            name=op.f("fk_lms_records_successors_successor_id_lms_units"),
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_lms_records_successors")),
    )
    op.create_index(
        op.f("ix_lms_records_successors_successor_id"), "lms_records_successors", ["successor_id"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_lms_records_successors_successor_id"), table_name="lms_records_successors"
    )
    op.drop_table("lms_records_successors")
    op.drop_index(op.f("ix_lms_records_external_ends_on"), table_name="lms_records_external")
    op.drop_index(op.f("ix_lms_records_external_user_id"), table_name="lms_records_external")
    op.drop_table("lms_records_external")
    op.drop_index(op.f("ix_lms_records_targets_unit_id"), table_name="lms_records_targets")
    op.drop_table("lms_records_targets")
