"""Legal-currency of course content: the documents a course version relies on, and the day each
module was last checked against the law.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lms_course_versions") as batch:
        # Existing versions rely on no listed document until a trainer or a content load says so.
        batch.add_column(sa.Column("sources", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("lms_modules") as batch:
        batch.add_column(sa.Column("reviewed", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lms_modules") as batch:
        batch.drop_column("reviewed")
    with op.batch_alter_table("lms_course_versions") as batch:
        batch.drop_column("sources")
