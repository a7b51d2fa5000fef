"""register names in code-point order; province + name index

Revision ID: b7c1d2e3f4a5
Revises: 962d92f821ff
Create Date: 2026-11-29 06:25:00

On PostgreSQL the name columns of the public registers get COLLATE "C" and plain
btree indexes (instead of text_pattern_ops), so one index serves both the prefix
search and the name order of the result pages. SQLite already compares names in
code-point order (BINARY): only the new index is added there.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c1d2e3f4a5'
down_revision = '962d92f821ff'
branch_labels = None
depends_on = None

NAME_COLUMNS = (
    # table, column, length, index, index columns
    ("person_registration", "holder_name", 100, "ix_person_registration_holder_name_prefix", ["holder_name", "id"]),
    ("person_registration", "employer_name", 200, "ix_person_registration_employer_name_prefix", ["employer_name"]),
    ("enterprise_qualification", "enterprise_name", 200, "ix_enterprise_qualification_name_prefix",
     ["enterprise_name"]),
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_enterprise_qualification_kind_name", table_name="enterprise_qualification")
        for table, column, length, index, columns in NAME_COLUMNS:
            op.drop_index(index, table_name=table)
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({length}) COLLATE "C"')
            op.create_index(index, table, columns)
        op.create_index("ix_enterprise_qualification_kind_name", "enterprise_qualification",
                        ["kind", "enterprise_name", "uscc"])
    else:
        with op.batch_alter_table("person_registration") as batch_op:
            batch_op.drop_index("ix_person_registration_holder_name_prefix")
            batch_op.create_index("ix_person_registration_holder_name_prefix", ["holder_name", "id"])
    op.create_index("ix_person_registration_province_name", "person_registration", ["province", "holder_name", "id"])


def downgrade():
    op.drop_index("ix_person_registration_province_name", table_name="person_registration")
    if op.get_bind().dialect.name == "postgresql":
        for table, column, length, index, columns in NAME_COLUMNS:
            op.drop_index(index, table_name=table)
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({length}) COLLATE "default"')
            op.create_index(index, table, [columns[0]], postgresql_ops={columns[0]: "text_pattern_ops"})
    else:
        with op.batch_alter_table("person_registration") as batch_op:
            batch_op.drop_index("ix_person_registration_holder_name_prefix")
            batch_op.create_index("ix_person_registration_holder_name_prefix", ["holder_name"])
