"""specialty rows carry the holder's name and province

Revision ID: d8a3b6c9e0f1
Revises: c5e1f0a2b3d4
Create Date: 2026-11-29 10:35:00

人员资格查询 by name and specialty (and province) reads one index range of
registered_specialty in name order (models/registry.py keeps the copies); the
new index leads with the specialty, so (specialty, registration_id) goes.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd8a3b6c9e0f1'
down_revision = 'c5e1f0a2b3d4'
branch_labels = None
depends_on = None


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    name_type = sa.String(100, collation="C") if postgresql else sa.String(100)
    with op.batch_alter_table("registered_specialty") as batch_op:
        batch_op.add_column(sa.Column("holder_name", name_type, nullable=False, server_default=""))
        batch_op.add_column(sa.Column("province", sa.String(20), nullable=False, server_default=""))
    op.execute("UPDATE registered_specialty SET "
               "holder_name = (SELECT holder_name FROM person_registration WHERE person_registration.id = "
               "registered_specialty.registration_id), "
               "province = (SELECT province FROM person_registration WHERE person_registration.id = "
               "registered_specialty.registration_id)")
    op.create_index("ix_registered_specialty_name", "registered_specialty",
                    ["specialty", "holder_name", "registration_id", "province"])
    op.drop_index("ix_registered_specialty_specialty", table_name="registered_specialty")  # the new one leads with it


def downgrade():
    op.create_index("ix_registered_specialty_specialty", "registered_specialty", ["specialty", "registration_id"])
    op.drop_index("ix_registered_specialty_name", table_name="registered_specialty")
    with op.batch_alter_table("registered_specialty") as batch_op:
        batch_op.drop_column("province")
        batch_op.drop_column("holder_name")
