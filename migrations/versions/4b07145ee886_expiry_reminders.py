"""Expiry reminders (到期提醒): the deliveries, the holder's preference, the inbox message's category;
the REST API's clients and webhook outbox

Revision ID: 4b07145ee886
Revises: 24e47a5409f1
Create Date: 2026-12-04 16:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4b07145ee886"
down_revision = '24e47a5409f1'
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
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("case_groups", sa.String(length=200), nullable=False),
        sa.Column("case_province", sa.String(length=20), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=False),
        sa.Column("webhook_secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id"),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["api_client.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "event_key", name="uq_webhook_delivery_client_event"),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_delivery_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_delivery_next_attempt_at"), ["next_attempt_at"], unique=False)


def downgrade():
    op.drop_table("webhook_delivery")
    op.drop_table("api_client")
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.drop_column("category")
    with op.batch_alter_table("ab_user", schema=None) as batch_op:
        batch_op.drop_column("statutory_reminders_only")
    with op.batch_alter_table("reminder_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_created_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_kind"))
        batch_op.drop_index(batch_op.f("ix_reminder_delivery_account_id"))
    op.drop_table("reminder_delivery")
