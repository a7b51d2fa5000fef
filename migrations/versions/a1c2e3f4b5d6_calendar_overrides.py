"""calendar overrides for the statutory working-day clock

Revision ID: a1c2e3f4b5d6
Revises: 6e08a18cb5b7
Create Date: 2026-11-29 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c2e3f4b5d6'
down_revision = '6e08a18cb5b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_override',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('is_workday', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day'),
    )


def downgrade():
    op.drop_table('calendar_override')
