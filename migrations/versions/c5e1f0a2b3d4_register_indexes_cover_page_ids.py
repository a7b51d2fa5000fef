"""register indexes that answer a page of person ids alone

Revision ID: c5e1f0a2b3d4
Revises: 70fdb18f5a0a
Create Date: 2026-11-29 10:40:00

人员资格查询 finds the ids of a result page first (registry_queries.person_search_statement):
the name and province+name indexes now carry the category (qualification), and
registered_specialty gets (registration_id, specialty) in place of (registration_id),
so a surname + province + category + specialty page reads no table row until the
twenty it shows (PostgreSQL: index-only scans).
"""
from alembic import op


revision = 'c5e1f0a2b3d4'
down_revision = '70fdb18f5a0a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_person_registration_name_qualification", "person_registration",
                    ["holder_name", "id", "qualification"])
    op.drop_index("ix_person_registration_holder_name_prefix", table_name="person_registration")
    op.create_index("ix_person_registration_province_name_qualification", "person_registration",
                    ["province", "holder_name", "id", "qualification"])
    op.drop_index("ix_person_registration_province_name", table_name="person_registration")
    op.create_index("ix_registered_specialty_registration_specialty", "registered_specialty",
                    ["registration_id", "specialty"])
    op.drop_index("ix_registered_specialty_registration_id", table_name="registered_specialty")


def downgrade():
    op.create_index("ix_registered_specialty_registration_id", "registered_specialty", ["registration_id"])
    op.drop_index("ix_registered_specialty_registration_specialty", table_name="registered_specialty")
    op.create_index("ix_person_registration_province_name", "person_registration", ["province", "holder_name", "id"])
    op.drop_index("ix_person_registration_province_name_qualification", table_name="person_registration")
    op.create_index("ix_person_registration_holder_name_prefix", "person_registration", ["holder_name", "id"])
    op.drop_index("ix_person_registration_name_qualification", table_name="person_registration")
