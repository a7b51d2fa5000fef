"""Redaction (issue 21): identity numbers, phone numbers, passwords, SMS codes and tokens sent through the portal's
forms reach no log line of the portal, even with every logger at DEBUG and the request log on.

The database driver's own logger (``sqlalchemy.engine``, off unless an operator turns SQL echo on) is left out: it
logs statement parameters by design. Everything else that writes a line in these requests is read.
"""

import logging
import re
from urllib.parse import parse_qs, urlsplit

from app import log_format
from tests.conftest import CAPTCHA_TEXT

IDENTITY_NUMBER = "11010519491231002X"  # valid check digit, born 1949-12-31
PHONE = "13800138000"
PASSWORD = "Hidden2026pass"
NEW_PASSWORD = "Renewed2026pass"
WRONG_PASSWORD = "Wrong2026guess"
WRONG_CODE = "864213"


def everything_logged(records) -> str:
    """Each record as the text and JSON handlers write it (message, arguments, extras, traceback)."""
    text_formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    json_formatter, context = log_format.json_formatter(), log_format.ContextFilter()
    lines = []
    for record in records:
        if record.name.startswith("sqlalchemy"):
            continue
        context.filter(record)
        lines.append(text_formatter.format(record))
        lines.append(json_formatter.format(record))
        lines.append(repr(record.args))
    return "\n".join(lines)


def sms_code(client, phone: str, purpose: str) -> str:
    from app.services.platform.sms import latest_outbox_code

    challenge = client.get("/verify/captcha").get_json()["id"]
    response = client.post(
        "/verify/sms", data={"phone": phone, "purpose": purpose, "captcha": CAPTCHA_TEXT, "captcha_id": challenge}
    )
    assert response.status_code == 200, response.get_json()
    return latest_outbox_code(phone, purpose)


def test_no_identity_number_phone_password_code_or_token_reaches_a_log_line(
    client, db, registers, known_captcha, personal_form, staff_factory, caplog
):
    caplog.set_level(logging.DEBUG)
    secrets = {IDENTITY_NUMBER, IDENTITY_NUMBER.lower(), PHONE, PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, WRONG_CODE}
    codes = set()

    # 个人注册: a wrong code first, then the right one
    code = sms_code(client, PHONE, "register")
    codes.add(code)
    form = personal_form(
        document_number=IDENTITY_NUMBER, gender="F", phone=PHONE, password=PASSWORD, password_confirm=PASSWORD
    )
    assert client.post("/account/register/personal", data=form | {"sms_code": WRONG_CODE}).status_code == 200
    registered = client.post("/account/register/personal", data=form | {"sms_code": code})
    assert registered.status_code == 302, re.findall(r"error[^>]*>([^<]+)<", registered.get_data(as_text=True))
    client.post("/account/logout")

    # 登录: wrong password, then by identity number and by phone
    login = {"kind": "personal", "identifier": IDENTITY_NUMBER, "password": WRONG_PASSWORD}
    assert client.post("/account/login", data=login).status_code == 200
    assert client.post("/account/login", data=login | {"password": PASSWORD}).status_code == 302
    client.post("/account/logout")
    assert client.post("/account/login", data=login | {"identifier": PHONE, "password": PASSWORD}).status_code == 302
    client.post("/account/logout")

    # 找回密码: a wrong code, then the right one and a new password
    code = sms_code(client, PHONE, "reset_password")
    codes.add(code)
    forgot = {"kind": "personal", "identifier": IDENTITY_NUMBER, "phone": PHONE, "sms_code": WRONG_CODE}
    assert client.post("/account/forgot", data=forgot).status_code == 200
    assert client.post("/account/forgot", data=forgot | {"sms_code": code}).status_code == 302
    reset = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert client.post("/account/forgot/reset", data=reset).status_code == 302

    # 热门服务: searches by identity number (swapped for a token), by name and phone-like text, progress query
    swapped = client.get("/query/people", query_string={"document_number": IDENTITY_NUMBER})
    assert swapped.status_code == 303
    token = parse_qs(urlsplit(swapped.headers["Location"]).query)["doc"][0]
    secrets.add(token)
    client.get(swapped.headers["Location"])
    client.get("/query/people", query_string={"name": PHONE})
    client.get("/query/enterprises", query_string={"legal_representative": IDENTITY_NUMBER})
    client.get("/query/progress", query_string={"number": "2026" + PHONE, "name": IDENTITY_NUMBER})

    # the back office's sign-in, wrong password then right
    staff_factory("Admin", username="ops21", password=PASSWORD)
    client.post("/admin/login/", data={"username": "ops21", "password": WRONG_PASSWORD})
    client.post("/admin/login/", data={"username": "ops21", "password": PASSWORD})
    session_cookie = client.get_cookie("session")
    if session_cookie is not None:
        secrets.add(session_cookie.value)

    logged = everything_logged(caplog.records)
    assert '"logger": "portal.requests"' in logged  # the request lines were read too
    assert logged.count('"logger": "portal.requests"') >= 20
    leaked = sorted(secret for secret in secrets if secret in logged)
    # Bounded by anything but a letter or digit: a code or phone number never stands inside a request id, but a
    # random one of 32 hex characters holds 11 or 6 digits in a row now and then ("…c17761669305d…").
    leaked += sorted(code for code in codes if re.search(rf"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])", logged))
    assert not leaked, (
        f"in the logs: {leaked}"
        + "\n".join(line for line in logged.splitlines() if any(s in line for s in leaked))[:3000]
    )
    assert re.search(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", logged) is None  # no phone number at all
