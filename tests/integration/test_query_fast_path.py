"""Recurring query pages answered in front of Flask (app/platform/query_fast_path.py), still counted."""

import datetime
import re

import pytest
from werkzeug.http import parse_date

from app.models import SiteSetting
from app.platform import query_fast_path, site_settings
from app.services.platform.shared_store import get_store
from app.services.registers import query_limits
from tests.integration.test_query_cache import results

QUERY = {"name": "陈立", "qualification": "constructor_1"}
CLIENT_IP = "198.51.100.23"


@pytest.fixture
def view_calls(app, monkeypatch):
    """How often Flask's query views ran (a page from the fast path runs none)."""
    calls = []
    for endpoint in ("queries.people", "queries.enterprises", "queries.person_detail"):
        view = app.view_functions[endpoint]

        def counting(*args, _view=view, _endpoint=endpoint, **kwargs):
            calls.append(_endpoint)
            return _view(*args, **kwargs)

        monkeypatch.setitem(app.view_functions, endpoint, counting)
    return calls


def visitor(app, ip=CLIENT_IP):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def session_cookie(client):
    return client.get_cookie("session")


def queries_counted(app, ip=CLIENT_IP) -> int:
    with app.app_context():
        return query_limits.queries_in_window(get_store(), app.config, ip)


@pytest.mark.usefixtures("generous_query_limits")
def test_a_repeated_page_is_answered_before_flask_with_the_same_page_and_headers(app, registers, view_calls):
    first = visitor(app, "198.51.100.1").get("/query/people", query_string=QUERY)
    assert first.status_code == 200 and "陈立新" in first.get_data(as_text=True) and view_calls == ["queries.people"]
    second = visitor(app, "198.51.100.2").get("/query/people", query_string=QUERY)
    assert second.status_code == 200 and view_calls == ["queries.people"]
    assert second.get_data() == first.get_data()
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert "Set-Cookie" not in second.headers  # nobody else's session travels with a shared page
    visitor(app, "198.51.100.3").get("/query/people")  # the empty form is kept too
    visitor(app, "198.51.100.4").get("/query/people")
    assert view_calls == ["queries.people", "queries.people"]


@pytest.mark.usefixtures("generous_query_limits")
def test_every_request_is_counted_exactly_once(app, registers, view_calls):
    client = visitor(app)
    for _ in range(4):
        assert client.get("/query/people", query_string=QUERY).status_code == 200
    assert len(view_calls) == 1 and queries_counted(app) == 4
    client.get("/query/people")  # showing the empty form is not a query
    assert queries_counted(app) == 4


def test_the_rate_limit_holds_for_pages_from_the_fast_path(app, registers, view_calls, monkeypatch):
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1000)
    monkeypatch.setitem(app.config, "QUERY_RATE_LIMIT_PER_MINUTE", 3)
    monkeypatch.setattr(query_limits, "_now", lambda: 1_800_000_000.0)
    visitor(app, "198.51.100.9").get("/query/people", query_string=QUERY)  # another client fills the cache
    client = visitor(app)
    statuses = [client.get("/query/people", query_string=QUERY).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert queries_counted(app) == 4  # the 429 page did not count the request a second time


def test_the_picture_code_holds_for_pages_from_the_fast_path(app, registers, monkeypatch):
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 2)
    monkeypatch.setattr(query_limits, "_now", lambda: 1_800_000_000.0)
    visitor(app, "198.51.100.9").get("/query/people", query_string=QUERY)
    client = visitor(app)
    pages = [client.get("/query/people", query_string=QUERY) for _ in range(3)]
    assert "陈立新" in results(pages[0]) and 'name="captcha"' not in pages[0].get_data(as_text=True)
    assert "陈立新" in results(pages[1]) and 'name="captcha"' in pages[1].get_data(
        as_text=True
    )  # the next one needs it
    assert results(pages[2]) == "" and 'name="captcha"' in pages[2].get_data(as_text=True)
    assert 'name="captcha"' in client.get("/query/people").get_data(as_text=True)  # the form asks for it too
    assert queries_counted(app) == 3


@pytest.mark.usefixtures("generous_query_limits")
def test_a_visitor_who_chose_english_gets_english_pages_and_keeps_the_choice(app, registers, view_calls):
    first = visitor(app, "198.51.100.1")
    first.get("/language/en")
    first.get("/query/people", query_string=QUERY)
    client = visitor(app)
    client.get("/language/en")
    calls = len(view_calls)
    page = client.get("/query/people", query_string=QUERY)
    assert len(view_calls) == calls  # from the fast path
    assert "Personnel qualification query" in page.get_data(as_text=True)
    cookie = page.headers["Set-Cookie"]
    expires = parse_date(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert expires > datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=29)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Personnel qualification query" in client.get("/query/enterprises").get_data(as_text=True)
    assert "人员资格查询" in visitor(app, "198.51.100.5").get("/query/people", query_string=QUERY).get_data(
        as_text=True
    )


@pytest.mark.usefixtures("generous_query_limits")
def test_a_signed_in_citizen_and_a_forged_cookie_go_through_flask(app, registers, view_calls, submit_constructor_case):
    visitor(app, "198.51.100.1").get("/query/people", query_string=QUERY)
    citizen = visitor(app)
    submit_constructor_case(citizen)
    calls = len(view_calls)
    assert "刘德明" in citizen.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert len(view_calls) == calls + 1
    forger = visitor(app, "198.51.100.2")
    forger.set_cookie("session", "eyJfdXNlcl9pZCI6IjEifQ.forged.signature")
    assert forger.get("/query/people", query_string=QUERY).status_code == 200
    assert len(view_calls) == calls + 2


@pytest.mark.usefixtures("generous_query_limits")
def test_a_waiting_message_is_shown_not_skipped(app, registers, view_calls):
    visitor(app, "198.51.100.1").get("/query/people", query_string=QUERY)
    client = visitor(app)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "您已安全退出")]
    calls = len(view_calls)
    assert "您已安全退出" in client.get("/query/people", query_string=QUERY).get_data(as_text=True)
    assert len(view_calls) == calls + 1


@pytest.mark.usefixtures("generous_query_limits")
def test_a_site_settings_change_retires_the_kept_pages(app, db, registers, monkeypatch):
    visitor(app, "198.51.100.1").get("/query/people", query_string=QUERY)
    setting = db.session.query(SiteSetting).filter_by(key="support_phone").one()
    setting.value = "010-87654321"
    db.session.commit()
    monkeypatch.setattr(site_settings, "SITE_SETTINGS_MAX_AGE", 0)
    assert "010-87654321" in visitor(app).get("/query/people", query_string=QUERY).get_data(as_text=True)


@pytest.mark.usefixtures("generous_query_limits")
def test_without_the_shared_store_flask_answers(app, registers, view_calls, monkeypatch):
    visitor(app, "198.51.100.1").get("/query/people", query_string=QUERY)

    def down():
        raise ConnectionError("store down")

    monkeypatch.setattr(query_fast_path, "get_store", down)
    page = visitor(app).get("/query/people", query_string=QUERY)
    assert page.status_code == 200 and "陈立新" in page.get_data(as_text=True) and len(view_calls) == 2


@pytest.mark.usefixtures("generous_query_limits")
def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(app, registers, monkeypatch):
    from app import _trust_proxies

    spoofer = visitor(app, "10.0.0.2")
    spoofer.get("/query/people", query_string=QUERY, headers={"X-Forwarded-For": "203.0.113.50"})
    assert queries_counted(app, "10.0.0.2") == 1 and queries_counted(app, "203.0.113.50") == 0
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    _trust_proxies(app)
    behind_nginx = visitor(app, "10.0.0.2")
    behind_nginx.get("/query/people", query_string=QUERY, headers={"X-Forwarded-For": "203.0.113.50"})
    assert queries_counted(app, "203.0.113.50") == 1 and queries_counted(app, "10.0.0.2") == 1


@pytest.mark.usefixtures("generous_query_limits")
def test_a_page_asked_under_another_address_prefix_is_not_given_to_others(app, registers):
    poisoner = visitor(app, "198.51.100.66")
    poisoner.get("/query/people", query_string=QUERY, environ_overrides={"SCRIPT_NAME": "//evil.example"})
    poisoner.get("/query/people", query_string=QUERY, environ_overrides={"SCRIPT_NAME": "//evil.example"})
    for ip in ("198.51.100.67", "198.51.100.68"):
        page = visitor(app, ip).get("/query/people", query_string=QUERY).get_data(as_text=True)
        assert "陈立新" in page and "evil.example" not in page


@pytest.mark.usefixtures("generous_query_limits")
def test_a_page_rendered_in_another_language_than_its_key_is_not_kept(app, registers, monkeypatch):
    """The session can expire between the fast path's look and Flask's: Chinese must not be kept as English."""
    monkeypatch.setattr(query_fast_path.QueryFastPath, "_visitor_session", lambda self, environ: {"locale": "en"})
    assert "人员资格查询" in visitor(app, "198.51.100.1").get("/query/people", query_string=QUERY).get_data(
        as_text=True
    )
    monkeypatch.undo()
    english = visitor(app)
    english.get("/language/en")
    assert "Personnel qualification query" in english.get("/query/people", query_string=QUERY).get_data(as_text=True)


@pytest.mark.usefixtures("generous_query_limits")
@pytest.mark.parametrize(
    "query_string",
    ["x=1", "name=陈立&qualification=constructor_1&x=1", "name=陈立&name=王雅&qualification=constructor_1"],
)
def test_addresses_with_parameters_a_page_does_not_read_are_never_kept(app, registers, view_calls, query_string):
    for ip in ("198.51.100.1", "198.51.100.2"):
        assert visitor(app, ip).get("/query/people?" + query_string).status_code == 200
    assert len(view_calls) == 2


def test_the_factory_installs_the_fast_path_unless_turned_off(app):
    from app import create_app

    assert isinstance(query_fast_path.installed(app), query_fast_path.QueryFastPath)
    without = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "QUERY_FAST_PATH": False})
    assert query_fast_path.installed(without) is None
