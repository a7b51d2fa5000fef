"""The access matrix: every rule of the URL map, every method, as a stranger, as citizen A (the owner), as
citizen B, as a company, as every staff role and as an officer of another province, with A's ids in the path
and in the form. Nothing answers 5xx; nobody but A (and the staff whose role and scope allow it) gets A's
things or sees any of A's data."""

import re

import pytest

from app.roles import ADMIN
from tests.access_rules import STAFF_ROLES, back_office_routes, granted, refused
from tests.routes import methods_of, routes, url_for_rule

# FAB's own security views keep the roles and permissions every test shares (they are not emptied between
# tests): an administrator's crawl names an id none of them has.
SHARED_SECURITY_VIEWS = ("RoleModelView", "PermissionModelView", "ViewMenuModelView", "PermissionViewModelView")
UNKNOWN_ID = 2**31 - 1
TEXT_ARGUMENTS = {"fmt": "pdf", "purpose": "online_service", "filename": "x.csv"}
# Public by design: the registers anyone may search, the QR code's page and the help pages show what they
# show to everyone; they are requested (and must not fail) but A's registration may legitimately be there.
PUBLIC_REGISTERS = ("queries.", "certificates.verify")


def attack_urls(app, world):
    """(rule, method, url, form data, names of A's objects in the request) for every rule and method."""
    code = world.case.item.code
    for rule in routes(app):
        view_name = rule.endpoint.partition(".")[0]
        values = {**TEXT_ARGUMENTS, **world.ids}
        if rule.endpoint.startswith("services."):
            values["code"] = code
        if view_name in SHARED_SECURITY_VIEWS:
            values["pk"] = UNKNOWN_ID
        url = url_for_rule(rule, 1, "x", values)
        targets = sorted(name for name in rule.arguments if name in world.ids and values[name] == world.ids[name])
        form = {"certificate_id": world.ids["certificate_id"], "message_id": world.ids["message_id"]}
        if view_name not in SHARED_SECURITY_VIEWS:
            form["rowid"] = str(world.ids["pk"])
        for method in methods_of(rule):
            yield rule, method, url, (form if method == "POST" else None), targets


def request(client, method, url, data):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data=data)


def body_of(response) -> str:
    if response.mimetype and (response.mimetype.startswith("text/") or response.mimetype.endswith("json")):
        return response.get_data(as_text=True)
    return response.get_data().decode("utf-8", "replace")


@pytest.mark.parametrize("who", ["anonymous", "citizen B", "company"])
def test_strangers_get_nothing_of_citizen_a(app, world, ledger, who):
    client = world.clients[who]
    wrong = []
    for rule, method, url, data, targets in attack_urls(app, world):
        response = request(client, method, url, data)
        if response.status_code >= 500:
            wrong.append(f"{method} {url}: {response.status_code}")
            continue
        if targets and response.status_code == 200:
            wrong.append(f"{method} {url}: 200 with A's {', '.join(targets)}")
        if not rule.endpoint.startswith(PUBLIC_REGISTERS):
            shown = ledger.check_body(who, f"{method} {url}", body_of(response), world.secrets)
            if shown:
                wrong.append(f"{method} {url} shows {', '.join(shown)}")
    assert not wrong, "\n".join(wrong)
    # A's message is still unread, A's certificate not endorsed by anyone else.
    from app.models import CertificateEndorsement, InboxMessage

    assert app.extensions["sqlalchemy"].session.get(InboxMessage, world.ids["message_id"]).read_at is None
    assert app.extensions["sqlalchemy"].session.query(CertificateEndorsement).count() == 0


def test_citizen_a_walks_every_route_without_a_5xx_and_reaches_the_own_things(app, world):
    client = world.clients["citizen A"]
    failed = []
    for _rule, method, url, data, _targets in attack_urls(app, world):
        status = request(client, method, url, data).status_code
        if status >= 500:
            failed.append(f"{method} {url}: {status}")
    assert not failed, "\n".join(failed)
    for own in (
        f"/user/cases/{world.case.number}",
        f"/user/attachments/{world.ids['attachment_id']}",
        f"/user/certificates/{world.ids['certificate_id']}/preview.png",
    ):
        assert client.get(own).status_code == 200, own


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_staff_role_gets_what_it_is_granted_and_no_5xx(app, world, ledger, role):
    client = world.clients[role]
    permissions = {url: (permission, methods) for _e, url, methods, permission in back_office_routes(app)}
    wrong = []
    for rule, method, url, data, _targets in attack_urls(app, world):
        response = request(client, method, url, data)
        if response.status_code >= 500:
            wrong.append(f"{method} {url}: {response.status_code}")
            continue
        view_name = rule.endpoint.partition(".")[0]
        generic = re.sub(r"/\d+(?=/|$|\.)", "/1", url)
        permission = permissions.get(generic)
        allowed = permission is not None and granted(role, *permission[0])
        if permission is not None and method == "GET" and not allowed and not refused(response):
            wrong.append(f"GET {url} ({view_name}): not refused ({response.status_code})")
        if permission is not None and not allowed and not rule.endpoint.startswith(PUBLIC_REGISTERS):
            shown = ledger.check_body(role, f"{method} {url}", body_of(response), world.secrets)
            if shown:
                wrong.append(f"{method} {url} shows {', '.join(shown)} to {role}")
        if rule.rule.startswith("/user/") and response.status_code == 200:
            wrong.append(f"{method} {url}: a citizen's page answered a staff member")
    assert not wrong, "\n".join(wrong)


def test_an_officer_outside_the_cases_province_neither_sees_nor_handles_it(app, world, ledger):
    client = world.clients["officer of another province"]
    case = world.case
    secrets = {"A's case number": case.number, "A's name": world.secrets["A's name"]}
    for url in (
        "/admin/workflow/",
        f"/admin/workflow/case/{case.id}",
        f"/admin/workflow/attachment/{world.ids['attachment_id']}",
        f"/admin/cases/{case.id}/return",
        "/applicationadminview/list/",
        f"/applicationadminview/show/{case.id}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        if url.rstrip("/").endswith(("workflow", "list")):
            assert response.status_code == 200, url
        else:
            assert response.status_code in (403, 404), url
        assert not ledger.check_body("scoped officer", url, body_of(response), secrets), url
    response = client.post(f"/admin/workflow/case/{case.id}", data={"action": "start_review", "remarks": "x"})
    assert response.status_code in (403, 404)
    app.extensions["sqlalchemy"].session.refresh(case)
    assert case.status == "accepted"


def test_an_administrator_sees_a_case_the_matrix_hides_from_strangers(world):
    """The matrix's leak check is not blind: the case page does show A's case number to its handlers."""
    response = world.clients[ADMIN].get(f"/admin/workflow/case/{world.case.id}")
    assert response.status_code == 200 and world.case.number in response.get_data(as_text=True)
