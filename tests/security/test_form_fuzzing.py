"""Form fuzzing: every form of every page (found by reading the pages each visitor gets), sent back with every
field overlong, with a NUL byte, full-width, SQL, a template expression, HTML and ids no database holds; and
raw bodies that are not UTF-8. Nothing answers 5xx, nothing comes back unescaped, ``{{7*7}}`` never becomes 49,
``' OR 1=1--`` signs nobody in."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from app.roles import ADMIN
from tests.routes import SKIP, methods_of, routes, url_for_rule

PAYLOADS = {
    "overlong": "长" * 5000 + "A" * 5000,
    "NUL": "a\x00b",
    "full-width": "１２３４５６７８９０ＡＢＣｘｙｚ＠．－",
    "SQL": "' OR 1=1--",
    "template": "模{{7*7}}板${7*7}<%= 7*7 %>",
    "HTML": '"><script>alert(1)</script><img src=x onerror=alert(2)>',
    "2**31": str(2**31),
    "2**63": str(2**63),
    "-1": "-1",
    "huge": "9" * 40,
}
# What must never come back as it was sent (the escaped form is fine).
# The template marker is framed by Chinese characters: "x49y" also turns up by chance inside a random
# token (CSRF, nonce) once in some tens of thousands of bodies; no token holds 模 or 板.
UNESCAPED = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "模49板")
# FAB's own security views keep the roles and permissions all tests share: not fuzzed (FAB's code, and a
# role named <script> would outlive the test).
SHARED_SECURITY_PAGES = ("/roles/", "/permissions/", "/viewmenus/", "/permissionviews/", "/groups/")
INVALID_UTF8_BODIES = (
    b"name=%FF%FE%FD&password=%C0%AF&q=%ED%A0%80",
    b"name=\xff\xfe\xfd&phone=\xc0\xaf&q=\xed\xa0\x80",
)


class FormReader(HTMLParser):
    """Every <form>: its method, action and fields (name → the value the page gave it)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = {
                "method": (attributes.get("method") or "get").upper(),
                "action": attributes.get("action") or "",
                "fields": {},
                "files": [],
            }
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = attributes.get("name")
            if not name:
                return
            if attributes.get("type") == "file":
                self._current["files"].append(name)
            elif tag != "button":
                self._current["fields"].setdefault(name, attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms_of(app, world, client):
    """(page, method, action, fields) of every form on every page this visitor can GET."""
    found = {}
    for rule in routes(app):
        if "GET" not in methods_of(rule) or rule.rule.startswith(SHARED_SECURITY_PAGES):
            continue
        page = url_for_rule(rule, 1, "x", {"code": world.case.item.code, **world.ids, "purpose": "online_service"})
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        reader = FormReader()
        reader.feed(response.get_data(as_text=True))
        for form in reader.forms:
            action = urlsplit(urljoin(page, form["action"] or page)).path
            if action.startswith(SKIP) or action.startswith(SHARED_SECURITY_PAGES):
                continue
            key = (form["method"], action, tuple(sorted(form["fields"])))
            found.setdefault(key, (page, form["method"], action, form["fields"]))
    return list(found.values())


def fuzz(client, ledger, who, forms):
    wrong, tried = [], 0
    for _page, method, action, fields in forms:
        for label, payload in PAYLOADS.items():
            data = {name: (value if name in ("csrf_token", "action") else payload) for name, value in fields.items()}
            tried += 1
            if method == "POST":
                response = client.post(action, data=data)
            else:
                response = client.get(action, query_string=data)
            body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
            if response.status_code >= 500:
                wrong.append(f"{who} {method} {action} [{label}]: {response.status_code}")
            shown = [marker for marker in UNESCAPED if marker in body]
            ledger.bodies_checked += 1
            if shown:
                ledger.leaks.append((who, f"{method} {action} [{label}]", shown))
                wrong.append(f"{who} {method} {action} [{label}]: echoes {shown}")
    return wrong, tried


@pytest.mark.parametrize("who", ["anonymous", "citizen A", "company", ADMIN])
def test_every_form_survives_every_payload(app, world, ledger, who):
    client = world.clients[who]
    forms = forms_of(app, world, client)
    assert len(forms) >= {"anonymous": 10, "citizen A": 10, "company": 10, ADMIN: 15}[who], forms
    wrong, tried = fuzz(client, ledger, who, forms)
    assert tried >= len(forms) * len(PAYLOADS) and not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", ["anonymous", "citizen A", ADMIN])
def test_bodies_that_are_not_utf8_are_no_5xx(app, world, who):
    client = world.clients[who]
    wrong = []
    for rule in routes(app):
        if "POST" not in rule.methods:
            continue
        url = url_for_rule(rule, 1, "x", {"code": world.case.item.code, **world.ids})
        for body in INVALID_UTF8_BODIES:
            response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                wrong.append(f"POST {url} {body[:20]!r}: {response.status_code}")
        response = client.get(url_for_rule(rule, 1, "x", {"code": world.case.item.code}) + "?q=%FF%FE&page=%C0%AF")
        if response.status_code >= 500:
            wrong.append(f"GET {url}?q=%FF: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_sql_in_the_sign_in_form_signs_nobody_in(world):
    client = world.clients["anonymous"]
    for identifier in ("' OR 1=1--", "13900010001' OR '1'='1", "13900010001'--"):
        response = client.post(
            "/account/login", data={"kind": "personal", "identifier": identifier, "password": "' OR 1=1--"}
        )
        assert response.status_code == 200
        assert client.get("/user/").status_code == 302
    response = client.post("/admin/login/", data={"username": "' OR 1=1--", "password": "' OR 1=1--"})
    assert client.get("/users/userinfo/").status_code != 200


def test_a_template_expression_in_a_search_is_shown_as_typed(world):
    response = world.clients["anonymous"].get("/notices/", query_string={"q": "模{{7*7}}板"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "模{{7*7}}板" in body and "模49板" not in body


def test_a_typed_item_group_comes_back_as_text_in_the_staff_form(world):
    """FAB shows form errors as markup: the 事项分组 error quotes what was typed, escaped (and a "%" in it is
    no longer a 500)."""
    admin = world.clients[ADMIN]
    response = admin.post(
        "/users/add",
        data={"username": "newbie", "case_groups": "<b>x</b>%d", "first_name": "a", "last_name": "b"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "&lt;b&gt;x&lt;/b&gt;%d" in body and "<b>x</b>" not in body


def test_the_reset_password_form_names_a_staff_member_or_is_a_404(world):
    admin = world.clients[ADMIN]
    data = {"password": "Changed@2026pass", "conf_password": "Changed@2026pass"}
    for pk in ("", "abc", str(2**31), str(world.ids["pk"])):  # none, not an id, past INTEGER, a citizen
        assert admin.post(f"/resetpassword/form?pk={pk}", data=data).status_code == 404, pk


def test_a_10000_character_user_name_is_just_a_wrong_sign_in(world):
    """The failure counters key on what was typed: a long one is hashed to fit the shared store (PostgreSQL
    refused the key with a 500)."""
    for url, data in (
        ("/admin/login/", {"username": "u" * 10_000, "password": "x"}),
        ("/account/login", {"kind": "personal", "identifier": "1" * 10_000, "password": "x"}),
    ):
        response = world.clients["anonymous"].post(url, data=data)
        assert response.status_code == 200, url
