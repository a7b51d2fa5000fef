"""JSON kept in Text becomes sa.JSON

Revision ID: 07248d0cc977
Revises: d8a3b6c9e0f1
Create Date: 2026-12-03 08:00:00.000000

The values are kept. Empty strings, which stood for "nothing" in the Text columns,
become the empty JSON value the code now expects ({} or []), and go back to ""
on downgrade. certificate_endorsement.payload stays Text on purpose: it holds the
exact bytes that were signed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '07248d0cc977'
down_revision = 'd8a3b6c9e0f1'
branch_labels = None
depends_on = None

# table, column, the JSON value an empty string becomes (None: the column never held one)
COLUMNS = [
    ('application', 'data', '{}'),
    ('application', 'correction', '{}'),
    ('application_event', 'defects', '[]'),
    ('legal_rep_change', 'before', None),
    ('legal_rep_change', 'after', None),
    ('audit_record', 'detail', '{}'),
]


def _tables():
    tables = {}
    for table, column, empty in COLUMNS:
        tables.setdefault(table, []).append((column, empty))
    return tables


def _convert(table, columns, type_, using):
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for column, _empty in columns:
            op.alter_column(table, column, existing_nullable=False, type_=type_,
                            postgresql_using=f'"{column}"::{using}')
    else:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _empty in columns:
                batch_op.alter_column(column, existing_nullable=False, type_=type_)


def upgrade():
    for table, columns in _tables().items():
        for column, empty in columns:
            if empty is not None:
                op.execute(sa.text(f'UPDATE {table} SET "{column}" = :empty WHERE "{column}" = \'\'')
                           .bindparams(empty=empty))
        _convert(table, columns, sa.JSON(), 'json')


def downgrade():
    for table, columns in _tables().items():
        _convert(table, columns, sa.Text(), 'text')
        for column, empty in columns:
            if empty is not None and column != 'data':
                op.execute(sa.text(f'UPDATE {table} SET "{column}" = \'\' WHERE "{column}" = :empty')
                           .bindparams(empty=empty))
