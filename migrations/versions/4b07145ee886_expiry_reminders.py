"""Expiry reminders (到期提醒): the deliveries, the holder's preference, the inbox message's category

Revision ID: 4b07145ee886
Revises: a9e4c1d7b2f3
Create Date: 2026-12-04 16:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4b07145ee886"
down_revision = "a9e4c1d7b2f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminder_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("threshold_days", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("inbox_message_id", sa.Integer(), nullable=True),
        sa.Column("sms_wanted", sa.Boolean(), nullable=False),
        sa.Column("sms_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["inbox_message_id"], ["inbox_message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_delivery_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_delivery_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_delivery_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("statutory_reminders_only", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=16), server_default="case", nullable=False))


def downgrade():
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.drop_column("category")
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_column("statutory_reminders_only")
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_created_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_kind"))
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_account_id"))
    op.drop_table("reminder_delivery")
