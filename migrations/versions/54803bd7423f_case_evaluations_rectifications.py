"""好差评: case evaluations and the rectifications (差评整改) a bad rating opens

Revision ID: 54803bd7423f
Revises: a9e4c1d7b2f3
Create Date: 2026-12-04 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '54803bd7423f'
down_revision = 'a9e4c1d7b2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_evaluation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('province', sa.String(length=20), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('efficiency', sa.Integer(), nullable=False),
        sa.Column('attitude', sa.Integer(), nullable=False),
        sa.Column('openness', sa.Integer(), nullable=False),
        sa.Column('convenience', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['application_id'], ['application.id']),
        sa.ForeignKeyConstraint(['item_id'], ['service_item.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('application_id'),
    )
    with op.batch_alter_table('case_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_evaluation_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_evaluation_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_evaluation_province'), ['province'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_evaluation_created_at'), ['created_at'], unique=False)
    op.create_table(
        'rectification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('evaluation_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('reply', sa.Text(), nullable=False),
        sa.Column('replied_at', sa.DateTime(), nullable=True),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmation', sa.String(length=16), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['evaluation_id'], ['case_evaluation.id']),
        sa.ForeignKeyConstraint(['replied_by_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('evaluation_id'),
    )
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_status'))
    op.drop_table('rectification')
    with op.batch_alter_table('case_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_evaluation_created_at'))
        batch_op.drop_index(batch_op.f('ix_case_evaluation_province'))
        batch_op.drop_index(batch_op.f('ix_case_evaluation_item_id'))
        batch_op.drop_index(batch_op.f('ix_case_evaluation_account_id'))
    op.drop_table('case_evaluation')
