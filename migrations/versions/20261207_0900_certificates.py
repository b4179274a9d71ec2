"""Completion rules, learners' completion and sign-offs, certificate templates and policies,
certificates (frozen PDF and signed snapshot), their serial counters, the public signing keys,
and the certificate jobs.

Revision ID: 0007_certificates
Revises: 0006
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from lms.db import UTCDateTime

revision = "0007_certificates"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lms_certificate_serials",
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_code", "year", name=op.f("pk_lms_certificate_serials")),
    )
    op.create_table(
        "lms_signing_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_lms_signing_keys")),
    )
    op.create_table(
        "lms_certificate_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("heading", sa.String(length=255), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("signer_name", sa.String(length=255), nullable=False),
        sa.Column("signer_title", sa.String(length=255), nullable=False),
        sa.Column("issue_place", sa.String(length=128), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["lms_units.id"],
            name=op.f("fk_lms_certificate_templates_unit_id_lms_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_certificate_templates")),
    )
    with op.batch_alter_table("lms_certificate_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_certificate_templates_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "lms_certificate_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("base_url", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_certificate_jobs_class_id_lms_classes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_certificate_jobs")),
    )
    with op.batch_alter_table("lms_certificate_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_certificate_jobs_class_id"), ["class_id"], unique=False
        )

    op.create_table(
        "lms_certificate_policies",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("auto_issue", sa.Boolean(), nullable=False),
        sa.Column("valid_months", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_certificate_policies_class_id_lms_classes"),
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["lms_certificate_templates.id"],
            name=op.f("fk_lms_certificate_policies_template_id_lms_certificate_templates"),
        ),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_lms_certificate_policies")),
    )
    op.create_table(
        "lms_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=False),
        sa.Column("revoke_reason", sa.String(length=500), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"], ["lms_classes.id"], name=op.f("fk_lms_certificates_class_id_lms_classes")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["lms_signing_keys.key_id"],
            name=op.f("fk_lms_certificates_key_id_lms_signing_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["lms_certificates.id"],
            name=op.f("fk_lms_certificates_replaced_by_id_lms_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["lms_certificates.id"],
            name=op.f("fk_lms_certificates_replaces_id_lms_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["lms_units.id"], name=op.f("fk_lms_certificates_unit_id_lms_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_certificates")),
        sa.UniqueConstraint("serial", name=op.f("uq_lms_certificates_serial")),
    )
    with op.batch_alter_table("lms_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_certificates_class_id"), ["class_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lms_certificates_issued_at"), ["issued_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lms_certificates_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lms_certificates_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_lms_certificates_current",
            ["class_id", "user_id"],
            unique=True,
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )

    op.create_table(
        "lms_completions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("evaluated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["lms_classes.id"], name=op.f("fk_lms_completions_class_id_lms_classes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_completions")),
        sa.UniqueConstraint("class_id", "user_id", name=op.f("uq_lms_completions_class_id")),
    )
    with op.batch_alter_table("lms_completions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lms_completions_class_id"), ["class_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lms_completions_completed_at"), ["completed_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lms_completions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lms_sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("signed_by", sa.String(length=64), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["lms_classes.id"], name=op.f("fk_lms_sign_offs_class_id_lms_classes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_sign_offs")),
        sa.UniqueConstraint("class_id", "user_id", name=op.f("uq_lms_sign_offs_class_id")),
    )
    with op.batch_alter_table("lms_sign_offs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lms_sign_offs_class_id"), ["class_id"], unique=False)

    op.create_table(
        "lms_completion_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=True),
        sa.Column("min_percent", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["lms_classes.id"],
            name=op.f("fk_lms_completion_rules_class_id_lms_classes"),
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"],
            ["lms_quizzes.id"],
            name=op.f("fk_lms_completion_rules_quiz_id_lms_quizzes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lms_completion_rules")),
    )
    with op.batch_alter_table("lms_completion_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_completion_rules_class_id"), ["class_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lms_completion_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_completion_rules_class_id"))

    op.drop_table("lms_completion_rules")
    with op.batch_alter_table("lms_sign_offs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_sign_offs_class_id"))

    op.drop_table("lms_sign_offs")
    with op.batch_alter_table("lms_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_completions_user_id"))
        batch_op.drop_index(batch_op.f("ix_lms_completions_completed_at"))
        batch_op.drop_index(batch_op.f("ix_lms_completions_class_id"))

    op.drop_table("lms_completions")
    with op.batch_alter_table("lms_certificates", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_lms_certificates_current",
            sqlite_where=sa.text("is_current"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index(batch_op.f("ix_lms_certificates_user_id"))
        batch_op.drop_index(batch_op.f("ix_lms_certificates_unit_id"))
        batch_op.drop_index(batch_op.f("ix_lms_certificates_issued_at"))
        batch_op.drop_index(batch_op.f("ix_lms_certificates_class_id"))

    op.drop_table("lms_certificates")
    op.drop_table("lms_certificate_policies")
    with op.batch_alter_table("lms_certificate_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_certificate_jobs_class_id"))

    op.drop_table("lms_certificate_jobs")
    with op.batch_alter_table("lms_certificate_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_certificate_templates_unit_id"))

    op.drop_table("lms_certificate_templates")
    op.drop_table("lms_signing_keys")
    op.drop_table("lms_certificate_serials")
