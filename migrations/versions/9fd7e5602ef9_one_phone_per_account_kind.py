"""One live account per phone number and kind: a person's own account and the company account he is the legal
representative of may share his phone

Revision ID: 9fd7e5602ef9
Revises: 4b07145ee886
Create Date: 2026-12-04 16:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9fd7e5602ef9"
down_revision = '4b07145ee886'
branch_labels = None
depends_on = None

LIVE_WITH_PHONE = "status = 'active' AND phone IS NOT NULL"


def upgrade():
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_account_live_phone", sqlite_where=sa.text(LIVE_WITH_PHONE), postgresql_where=sa.text(LIVE_WITH_PHONE)
        )
        batch_op.create_index(
            "uq_account_live_phone",
            ["kind", "phone"],
            unique=True,
            sqlite_where=sa.text(LIVE_WITH_PHONE),
            postgresql_where=sa.text(LIVE_WITH_PHONE),
        )


def downgrade():
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_account_live_phone", sqlite_where=sa.text(LIVE_WITH_PHONE), postgresql_where=sa.text(LIVE_WITH_PHONE)
        )
        batch_op.create_index(
            "uq_account_live_phone",
            ["phone"],
            unique=True,
            sqlite_where=sa.text(LIVE_WITH_PHONE),
            postgresql_where=sa.text(LIVE_WITH_PHONE),
        )
