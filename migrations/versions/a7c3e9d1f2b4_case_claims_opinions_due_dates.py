"""The strict back-office workflow: claims (领取/指派), review opinions, the queue's due date, what is granted

Revision ID: a7c3e9d1f2b4
Revises: a7c3e5f9b2d1
Create Date: 2026-12-03 17:00:00.000000

Adds to ``application`` the officer who holds it (claimed_by_id, claimed_at), the deadline
of its present stage (due_on, sorted by the queue in SQL through ix_application_queue) and
the registration number and validity a 准予 decision grants; to ``application_event`` the
reviewer's recommendation and its reasons. Cases returned or resubmitted after acceptance
take the new review-stage statuses, and every open case gets its due date.
"""
import types

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9d1f2b4"
down_revision = "a7c3e5f9b2d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("granted_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("granted_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("granted_to", sa.Date(), nullable=True))
        batch_op.create_foreign_key("fk_application_claimed_by_id_ab_user", "ab_user", ["claimed_by_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_application_claimed_by_id"), ["claimed_by_id"], unique=False)
        batch_op.create_index("ix_application_queue", ["due_on", "submitted_at", "id"], unique=False)
    with op.batch_alter_table("application_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recommendation", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("recommendation_reasons", sa.Text(), nullable=False, server_default=""))
    _review_stage_statuses()
    _due_dates()


def _review_stage_statuses():
    """A case returned (or corrected) after acceptance belongs to the review stage now."""
    bind = op.get_bind()
    accepted = "EXISTS (SELECT 1 FROM application_event e WHERE e.application_id = application.id AND e.action = 'accept')"
    bind.execute(sa.text(f"UPDATE application SET status = 'returned_in_review' WHERE status = 'returned' AND {accepted}"))
    bind.execute(sa.text(f"UPDATE application SET status = 'under_review' WHERE status = 'resubmitted' AND {accepted}"))


def _due_dates():
    from app.services.cases import deadlines
    from app.services.cases.working_days import WorkingCalendar

    bind = op.get_bind()
    calendar = WorkingCalendar(
        {row.day: bool(row.is_workday) for row in bind.execute(sa.text("SELECT day, is_workday FROM calendar_override"))}
    )
    cases = bind.execute(
        sa.text(
            "SELECT a.id, a.status, a.submitted_at, i.time_limit_days FROM application a "
            "JOIN service_item i ON i.id = a.item_id WHERE a.status IN "
            "('submitted', 'resubmitted', 'accepted', 'under_review', 'returned_in_review', 'reviewed', 'approved')"
        )
    ).fetchall()
    for case_id, status, submitted_at, limit in cases:
        events = [
            types.SimpleNamespace(id=row.id, action=row.action, from_status=row.from_status, created_at=_moment(row.created_at))
            for row in bind.execute(
                sa.text(
                    "SELECT id, action, from_status, created_at FROM application_event "
                    "WHERE application_id = :id ORDER BY id"
                ),
                {"id": case_id},
            )
        ]
        case = types.SimpleNamespace(
            status=status,
            submitted_at=_moment(submitted_at),
            events=events,
            item=types.SimpleNamespace(time_limit_days=limit or 0),
        )
        bind.execute(
            sa.text("UPDATE application SET due_on = :due WHERE id = :id"),
            {"due": deadlines.due_on(case, calendar), "id": case_id},
        )


def _moment(value):
    import datetime

    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value))


def downgrade():
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE application SET status = 'returned' WHERE status = 'returned_in_review'"))
    bind.execute(sa.text("UPDATE application SET status = 'under_review' WHERE status = 'reviewed'"))
    with op.batch_alter_table("application_event", schema=None) as batch_op:
        batch_op.drop_column("recommendation_reasons")
        batch_op.drop_column("recommendation")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_queue")
        batch_op.drop_index(batch_op.f("ix_application_claimed_by_id"))
        batch_op.drop_constraint("fk_application_claimed_by_id_ab_user", type_="foreignkey")
        batch_op.drop_column("granted_to")
        batch_op.drop_column("granted_from")
        batch_op.drop_column("granted_number")
        batch_op.drop_column("due_on")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by_id")
