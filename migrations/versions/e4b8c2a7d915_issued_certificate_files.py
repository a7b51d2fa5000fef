"""The SHA-256 of every certificate file handed out (issued_certificate_file)

Revision ID: e4b8c2a7d915
Revises: 07248d0cc977
Create Date: 2026-12-03 09:05:00.000000

Files downloaded before this revision have no digest: 证照核验 says of such a
copy that its signed data is authentic but not that it is the issued file.
The holder's next download of the same endorsement (served from the cache,
byte for byte the same) records it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b8c2a7d915'
down_revision = '07248d0cc977'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_certificate_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endorsement_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['endorsement_id'], ['certificate_endorsement.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('issued_certificate_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_certificate_file_endorsement_id'), ['endorsement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_certificate_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_certificate_file_endorsement_id'))
    op.drop_table('issued_certificate_file')
