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
