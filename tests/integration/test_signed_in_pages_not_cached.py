"""Whatever a signed-in citizen or officer is served carries Cache-Control: no-store (issue 14, item 14)."""

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
            if "no-store" not in response.headers.get("Cache-Control", ""):
                stored.append((who, rule.rule, response.status_code, response.headers.get("Cache-Control")))
    assert checked > 80 and stored == []


@pytest.mark.parametrize("path", ["/", "/notices/", "/query/enterprises"])
def test_anonymous_pages_and_static_files_keep_their_caching(client, db, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


def test_static_files_are_cached_for_signed_in_users_too(app, clients):  # noqa: F811
    response = clients["citizen"].get("/static/css/admin.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
