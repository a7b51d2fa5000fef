"""Fixtures in the flaskr style: ``app``, ``client``, ``db``, factories.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL
is set. The schema is created once per session; every test starts from the
reference data only (roles, settings, FAQ), whatever the previous test did.
"""

import os

import pytest

os.environ["PORTAL_ENV"] = "test"

from flask_appbuilder import Model  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db as _db  # noqa: E402
from app.services.demo_data import seed_reference_data  # noqa: E402
from app.services.roles_sync import sync_roles  # noqa: E402


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal-test.db")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory)})
    with application.app_context():
        Model.metadata.drop_all(_db.engine)
        Model.metadata.create_all(_db.engine)
        sync_roles(application.appbuilder)
        seed_reference_data()
        _db.session.commit()
    yield application
    with application.app_context():
        _db.session.remove()
        Model.metadata.drop_all(_db.engine)
        _db.engine.dispose()


# Roles and permissions are synced once per session; everything else is reset.
SECURITY_TABLES = {"ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
                   "ab_permission_view_role"}


@pytest.fixture
def db(app):
    """The database, emptied of everything but reference data before the test."""
    with app.app_context():
        for table in reversed(Model.metadata.sorted_tables):
            if table.name not in SECURITY_TABLES:
                _db.session.execute(table.delete())
        seed_reference_data()
        _db.session.commit()
        yield _db
        _db.session.rollback()
        _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def staff_factory(app, db):
    """Create a back-office user with the given role names; returns the user."""
    counter = {"n": 0}

    def make(*role_names, username=None, password="Staff@2026pass"):
        counter["n"] += 1
        sm = app.appbuilder.sm
        roles = [sm.find_role(name) for name in role_names] or [sm.find_role("Admin")]
        user = sm.add_user(
            username or f"staff{counter['n']}", "测试", f"员工{counter['n']}",
            f"staff{counter['n']}@test.local", roles, password=password,
        )
        assert user, "could not create staff user"
        return user

    return make


@pytest.fixture
def login_staff(client):
    def do_login(username, password="Staff@2026pass"):
        return client.post("/admin/login/", data={"username": username, "password": password})

    return do_login
