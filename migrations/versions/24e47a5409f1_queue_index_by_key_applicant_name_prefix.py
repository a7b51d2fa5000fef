"""the staff queue pages by key: a narrower, wider-keyed queue index; the applicant name prefix index

Revision ID: 24e47a5409f1
Revises: 80f1571a30f0
Create Date: 2026-12-04 16:40:00.000000

``ix_application_queue`` gets the status, province and applicant of the case as
further keys (checked in the index while the queue walks it) and, on PostgreSQL,
holds only the cases some staff step starts from: at a million cases the finished
ones (nine in ten) stay out of it. ``ix_application_queue_count`` answers the
queue's total from the index alone. ``ix_account_real_name_prefix`` serves the
queue's search by the applicant's name (``text_pattern_ops`` on PostgreSQL, so a
prefix LIKE is a range scan whatever the database's collation).
"""
from alembic import op
import sqlalchemy as sa


revision = '24e47a5409f1'
down_revision = '80f1571a30f0'
branch_labels = None
depends_on = None

QUEUE_INDEX_WHERE = (
    "status IN ('accepted', 'approved', 'resubmitted', 'reviewed', 'submitted', 'under_review')"
)


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_queue")
        batch_op.create_index(
            "ix_application_queue",
            ["due_on", "submitted_at", "id", "status", "province", "account_id"],
            unique=False,
            postgresql_where=sa.text(QUEUE_INDEX_WHERE),
        )
        batch_op.create_index(
            "ix_application_queue_count",
            ["status", "province", "account_id"],
            unique=False,
            postgresql_where=sa.text(QUEUE_INDEX_WHERE),
        )
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_real_name_prefix",
            ["real_name", "id"],
            unique=False,
            postgresql_ops={"real_name": "text_pattern_ops"},
        )


def downgrade():
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_index("ix_account_real_name_prefix")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_queue_count")
        batch_op.drop_index("ix_application_queue")
        batch_op.create_index("ix_application_queue", ["due_on", "submitted_at", "id"], unique=False)
