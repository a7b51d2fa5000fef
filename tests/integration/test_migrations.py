"""The Alembic migrations build exactly the schema the models declare."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "migrated.db")
        return
    name = "portal_migrations_" + uuid.uuid4().hex[:8]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        engine = create_engine(empty_database_url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Model.metadata)
        engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_cases_submitted_before_the_data_scope_get_their_province(empty_database_url):
    from flask_migrate import downgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="b7c1d2e3f4a5")  # the revision before cases had a province
        engine = create_engine(empty_database_url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO service_item (id, code, category, "group", position, name, legal_basis, '
                    "conditions, process, time_limit_days, legal_time_limit_days, fee, phone, location) "
                    "VALUES (1, 'X1', 'personal', 'constructor', 0, '事项', '', '', '', 20, 20, '', '', '')"
                )
            )
            for user_id, number in ((1, "310104198001010011"), (2, "440106198001010012")):
                conn.execute(
                    text(
                        "INSERT INTO ab_user (id, first_name, last_name, username, email, active, kind, status, "
                        "document_type, document_number, session_version, needs_manual_check) VALUES "
                        f"({user_id}, 'a', 'b', 'u{user_id}', 'u{user_id}@x.cn', true, 'personal', 'active', "
                        f"'resident_id', '{number}', 0, false)"
                    )
                )
            for case_id, user_id, data in ((1, 1, '{"employer_uscc": "91110105MA01B2C3X6"}'), (2, 2, "{}")):
                conn.execute(
                    text(
                        "INSERT INTO application (id, number, account_id, item_id, status, data, correction, commitment, "
                        f"created_at, updated_at) VALUES ({case_id}, 'N{case_id}', {user_id}, 1, 'submitted', :data, '', "
                        "true, '2026-01-01', '2026-01-01')"
                    ),
                    {"data": data},
                )
        upgrade()
        with engine.connect() as conn:
            provinces = dict(conn.execute(text("SELECT id, province FROM application")).all())
        engine.dispose()
        downgrade(revision="b7c1d2e3f4a5")  # and the way back still works
    assert provinces == {1: "北京市", 2: "广东省"}
