"""Every back-office route × every role: a role reaches exactly what app/roles.py grants it.

The expectation is computed from the declared rules (ROLE_PERMISSIONS), not from
FAB's own answer, so a view added without ``@has_access``, a permission granted too
widely or a rule that does not match its view all show up here.
"""

import pytest

from app.roles import ADMIN
from tests.access_rules import FILE_COLUMN_DOWNLOAD, STAFF_ROLES, back_office_routes, granted, refused


def test_every_back_office_route_is_checked(app):
    routes = back_office_routes(app)
    assert len(routes) > 90
    endpoints = {endpoint for endpoint, *_ in routes}
    for expected in (
        "CaseWorkflowView.queue",
        "CaseWorkflowView.case",
        "CaseWorkflowView.notice",
        "StatisticsView.index",
        "ArticleAdminView.list",
        "StaffUserView.list",
    ):
        assert expected in endpoints


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_role_reaches_exactly_what_it_is_granted(app, db, staff_factory, role):
    staff_factory(role, username="officer")
    client = app.test_client()
    assert client.post("/admin/login/", data={"username": "officer", "password": "Staff@2026pass"}).status_code == 302
    wrong = []
    for _endpoint, url, methods, (view_name, permission, declared) in back_office_routes(app):
        allowed = granted(role, view_name, permission, declared)
        if "GET" in methods:
            response = client.get(url)
            if allowed == refused(response):
                wrong.append(f"GET {url} ({view_name}.{permission}): {'refused' if allowed else 'allowed'}")
        elif not allowed:  # a POST-only route: the refused roles must be turned away before anything happens
            response = client.post(url, data={})
            if not refused(response):
                wrong.append(f"POST {url} ({view_name}.{permission}): allowed")
    assert not wrong, "\n".join(wrong)


def test_citizens_and_strangers_reach_no_back_office_route(app, db, client, register_person):
    person = register_person()
    citizen = app.test_client()
    citizen.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    for endpoint, url, methods, _permission in back_office_routes(app):
        for visitor in (client, citizen):
            response = visitor.get(url) if "GET" in methods else visitor.post(url, data={})
            assert refused(response, signed_in=visitor is citizen), f"{endpoint} {url}: {response.status_code}"


def test_the_jwt_login_api_is_not_offered(client, staff_factory):
    staff_factory("Admin", username="boss")
    response = client.post(
        "/api/v1/security/login", json={"username": "boss", "password": "Staff@2026pass", "provider": "db"}
    )
    assert response.status_code == 404


def test_the_file_column_download_routes_fab_adds_answer_not_found_to_everyone(app, db, client, staff_factory):
    # No model of the portal has a FAB FileColumn; the route used to fail with a 500 for the administrator.
    downloads = [rule.rule for rule in app.url_map.iter_rules() if rule.rule.endswith(FILE_COLUMN_DOWNLOAD)]
    assert (
        "/articleadminview/download/<string:filename>" in downloads and "/users/download/<string:filename>" in downloads
    )
    staff_factory(ADMIN, username="files-admin")
    admin = app.test_client()
    admin.post("/admin/login/", data={"username": "files-admin", "password": "Staff@2026pass"})
    for rule in downloads:
        url = rule.replace("<string:filename>", "x.csv")
        for visitor in (admin, client):
            response = visitor.get(url)
            assert response.status_code == 404, url
            assert "页面不存在" in response.get_data(as_text=True)
