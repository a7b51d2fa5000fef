"""Caches shared by every instance (issue 17 item 4): two portal instances (two applications in this process,
each with its own per-process caches) on one Redis and one database. A setting saved through one, and a
register changed through one, retire the settings, the page chrome and the kept query pages of the other."""

import pytest

from app import create_app
from app.extensions import db as _db
from app.models import SiteSetting
from app.services.content import site_settings as settings_generation
from app.services.registers import generation as register_generation
from app.services.registers import query_limits
from tests.integration.test_portal_shell import text_of
from tests.integration.test_query_cache import QUERY, add_person, results
from tests.private_redis import on_redis, redis_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("generous_query_limits")


@pytest.fixture
def instances(app, registers, on_redis, monkeypatch):  # noqa: F811
    """(A, B): A is the test application on the private Redis, B a second one built as another server would."""
    other = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": on_redis.url,
            "CERTIFICATE_SIGNING_KEY_PATH": app.config["CERTIFICATE_SIGNING_KEY_PATH"],
            "QUERY_CAPTCHA_AFTER": 1000,
            "QUERY_RATE_LIMIT_PER_MINUTE": 1000,
        }
    )
    monkeypatch.setattr(query_limits, "_now", lambda: 1_800_000_000.0)
    # Each instance looks at the shared generations on every request here (in service: at most once a second).
    monkeypatch.setattr(register_generation, "REFRESH_SECONDS", 0)
    monkeypatch.setattr(settings_generation, "REFRESH_SECONDS", 0)
    yield app, other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()


def visit(application, path, **kwargs):
    client = application.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    return client.get(path, **kwargs)


def test_a_register_change_on_one_instance_retires_the_query_pages_of_the_other(instances):
    a, b = instances
    for application in (a, b, a, b):  # each has the page kept (its fast path and the shared middle)
        assert "陈立安" not in results(visit(application, "/query/people", query_string=QUERY))
    with b.app_context():
        add_person(_db, "陈立安", "京111152699001")  # committed through B
    assert "陈立安" in results(visit(a, "/query/people", query_string=QUERY))
    with a.app_context():
        add_person(_db, "陈立平", "京111152699002")  # and the other way round
    assert "陈立平" in results(visit(b, "/query/people", query_string=QUERY))


def test_a_setting_saved_on_one_instance_shows_on_the_other(instances):
    a, b = instances
    for application in (a, b):
        assert "010-66660000" not in text_of(visit(application, "/"))
        visit(application, "/query/people", query_string=QUERY)
    with b.app_context():
        setting = _db.session.query(SiteSetting).filter_by(key="support_phone").one()
        setting.value = "010-66660000"
        _db.session.commit()
    assert "技术支持电话：010-66660000" in text_of(visit(a, "/"))  # the chrome
    assert "010-66660000" in text_of(visit(a, "/query/people", query_string=QUERY))  # a kept query page
    assert "010-66660000" in text_of(visit(a, "/help/contact"))
