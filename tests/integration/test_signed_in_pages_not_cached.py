"""Whatever a signed-in citizen or officer is served carries Cache-Control: no-store (issue 14, item 14);
anonymous public pages, and only they, may be kept by a reverse proxy (issue 17 item 4, app/platform/public_cache.py):
``Cache-Control: public, max-age=0, s-maxage=…``, ``Vary: Cookie``, no session cookie."""

import re

import pytest

from tests.integration.test_input_robustness import clients  # noqa: F401  (the fixture)


def plain_get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and "logout" not in rule.rule:
            yield rule


def test_every_page_a_signed_in_user_gets_carries_no_store(app, clients):  # noqa: F811
    checked, stored = 0, []
    for who, client in clients.items():
        for rule in plain_get_routes(app):
            response = client.get(rule.rule)
            if response.status_code >= 400:
                continue
            checked += 1
            cache_control = response.headers.get("Cache-Control", "")
            if "no-store" not in cache_control or "public" in cache_control:
                stored.append((who, rule.rule, response.status_code, response.headers.get("Cache-Control")))
    assert checked > 80 and stored == []


@pytest.mark.parametrize("path", ["/", "/notices/", "/query/enterprises"])
def test_anonymous_pages_and_static_files_keep_their_caching(client, db, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


def test_static_files_are_cached_for_signed_in_users_too(app, clients):  # noqa: F811
    response = clients["citizen"].get("/static/css/admin.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


PUBLIC = "public, max-age=0, s-maxage=60"


def assert_public(response):
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") == PUBLIC
    assert "Cookie" in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers, "a page a proxy keeps carries nobody's session"


@pytest.mark.parametrize(
    "path", ["/", "/notices/", "/help/faq", "/help/contact", "/query/enterprises", "/query/people"]
)
def test_anonymous_public_pages_may_be_kept_by_a_proxy(client, db, path):
    assert_public(client.get(path))


@pytest.mark.usefixtures("generous_query_limits")
def test_a_recurring_query_page_is_public_from_flask_and_from_the_fast_path(app, registers):
    query = {"name": "陈立", "qualification": "constructor_1"}
    for _ in range(2):  # rendered by Flask, then answered by the fast path in front of it
        assert_public(app.test_client().get("/query/people", query_string=query))


def test_no_page_with_a_form_token_is_public(app, db, monkeypatch):
    """Every anonymous GET page, with form tokens on as in production: a page marked public carries no token and
    no form that posts; the pages with forms carry tokens and are not marked."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    public, with_forms = [], []
    for rule in plain_get_routes(app):
        response = app.test_client().get(rule.rule)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        has_token = 'name="csrf_token"' in body or 'name="csrf-token"' in body
        if "public" in response.headers.get("Cache-Control", ""):
            public.append(rule.rule)
            assert not has_token and not re.search(r'method="post"', body, re.I), rule.rule
            assert "Set-Cookie" not in response.headers, rule.rule
        elif has_token:
            with_forms.append(rule.rule)
    assert {"/", "/help/faq", "/query/people"} <= set(public)
    assert {"/account/login", "/account/register/personal"} <= set(with_forms)
    assert not any(path.startswith(("/admin", "/user")) for path in public)


def test_a_visitor_with_a_session_gets_no_public_page(client, db):
    client.get("/language/en")  # the English interface lives in the session cookie
    response = client.get("/")
    assert "public" not in response.headers.get("Cache-Control", "") and "Cookie" in response.headers["Vary"]
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_public_caching_can_be_turned_off(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 0)
    assert "public" not in client.get("/").headers.get("Cache-Control", "")
