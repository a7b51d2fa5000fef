"""政府网站找错: visitors' reports of errors on a page, kept for the content editors

Revision ID: eb94470184ef
Revises: 9fd7e5602ef9
Create Date: 2026-12-04 17:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "eb94470184ef"
down_revision = "9fd7e5602ef9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "error_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("handled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_error_report_created_at"), ["created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_error_report_created_at"))
    op.drop_table("error_report")
