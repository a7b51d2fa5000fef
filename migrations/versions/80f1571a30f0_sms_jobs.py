"""SMS jobs: texts handed to the gateway by background jobs, and the dead letters of those that failed

Revision ID: 80f1571a30f0
Revises: cca57858e7f8
Create Date: 2026-12-04 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '80f1571a30f0'
down_revision = 'cca57858e7f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("content", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sms_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_job_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_job_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_sms_job_state"), ["state"], unique=False)


def downgrade():
    with op.batch_alter_table("sms_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_job_state"))
        batch_op.drop_index(batch_op.f("ix_sms_job_phone"))
        batch_op.drop_index(batch_op.f("ix_sms_job_created_at"))
    op.drop_table("sms_job")
