"""No input is answered with a 5xx (issue 14, item 12): every route of the URL map, as staff and as a citizen,
with a NUL byte in its parameters and with ids of 2**31 and 2**63."""

import io
from urllib.parse import quote

import pytest
from werkzeug.routing import IntegerConverter

from tests.routes import routes, url_for_rule

NUL = "a\x00b"
BIG_IDS = (2**31, 2**63)


@pytest.fixture
def clients(app, db, client, staff_factory, login_staff, register_person):
    person = register_person()
    citizen = app.test_client()
    citizen.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    staff_factory("Admin", username="walker")
    login_staff("walker")
    return {"staff": client, "citizen": citizen}


def hit(client, rule, path, **kwargs):
    answers = []
    if "GET" in rule.methods:
        answers.append(("GET", path, client.get(path, **kwargs).status_code))
    if "POST" in rule.methods:
        answers.append(("POST", path, client.post(path, **kwargs).status_code))
    return answers


@pytest.mark.parametrize("number", BIG_IDS, ids=["2**31", "2**63"])
def test_ids_past_the_database_integer_are_a_404_never_a_5xx(app, clients, number):
    failures, answered = [], 0
    for rule in routes(app):
        if not any(isinstance(c, IntegerConverter) for c in rule._converters.values()) and "pk" not in rule.arguments:
            continue
        for who, client in clients.items():
            for method, path, status in hit(client, rule, url_for_rule(rule, number)):
                answered += 1
                if status >= 500 or status == 200:
                    failures.append((who, method, path, status))
    assert answered > 100 and failures == []


def test_a_nul_byte_anywhere_is_a_400_never_a_5xx(app, clients):
    """The public queries answer with a message beside the field, or a 404 for a number in the path, instead
    (exactly which: tests/integration/test_query_pages.py); here they only must not fail."""
    failures, answered = [], 0
    for rule in routes(app):
        checks_its_own = rule.endpoint.startswith("queries.")
        path = url_for_rule(rule, 1, NUL) + "?q=" + quote(NUL) + "&page=" + quote(NUL) + "&keyword=" + quote(NUL)
        for who, client in clients.items():
            for method, url, status in hit(client, rule, path):
                answered += 1
                if status >= 500 if checks_its_own else status != 400:
                    failures.append((who, method, url, status))
    assert answered > 300 and failures == []


def test_a_nul_byte_in_a_form_field_or_an_upload_name_is_a_400(app, clients):
    failures = []
    for rule in routes(app):
        if "POST" not in rule.methods or rule.endpoint.startswith("queries."):
            continue
        path = url_for_rule(rule, 1)
        for who, client in clients.items():
            for data in (
                {"identifier": NUL, "password": NUL, "code": NUL, "number": NUL, "token": NUL},
                {"document": (io.BytesIO(b"%PDF-1.4"), "c\x00.pdf")},
            ):
                status = client.post(path, data=data, content_type="multipart/form-data").status_code
                if status != 400:
                    failures.append((who, path, sorted(data), status))
    assert failures == []


def test_the_users_view_reset_passwords_action_finds_staff_only_and_is_no_5xx(app, db, clients):
    from app.models import Account, AccountKind

    staff = clients["staff"]
    walker = app.appbuilder.sm.find_user(username="walker").id
    citizen = db.session.query(Account).filter(Account.kind != AccountKind.STAFF).first().id
    response = staff.post(f"/users/action/resetpasswords/{walker}")
    assert response.status_code == 302 and f"pk={walker}" in response.headers["Location"]
    assert staff.post(f"/users/action/resetpasswords/{2**31 - 1}").status_code == 404
    assert staff.post(f"/users/action/resetpasswords/{citizen}").status_code == 404


def test_the_nul_refusal_is_the_translated_error_page(client, db):
    client.get("/language/zh")
    response = client.get("/notices/?keyword=" + quote(NUL))
    assert response.status_code == 400 and "请求有误" in response.get_data(as_text=True)
    response = client.post(
        "/certificates/verify",
        data={"document": (io.BytesIO(b"%PDF-1.4"), "c\x00.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "请求有误" in response.get_data(as_text=True)
