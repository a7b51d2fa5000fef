"""Account enumeration: the sign-in, the forgotten-password check and the SMS button answer the same words for
an account that exists and one that does not, and in comparable time (medians of several attempts, compared
with a generous factor: a known account must not cost a password hash more, or less, than an unknown one)."""

import re
import statistics
import time

import pytest

from app.services.accounts.identity_documents import make_resident_id
from tests.factories import BIRTH, resident_id

ATTEMPTS = 7
TIME_FACTOR = 3.0


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def answer_of(response, *typed) -> str:
    """The page's words, without what the visitor typed (it is echoed back in the form)."""
    words = text(response)
    for value in typed:
        words = words.replace(value, "")
    return words


@pytest.fixture
def lenient(app, monkeypatch):
    """No picture code and no lock within the attempts: the answers compared are the plain ones."""
    monkeypatch.setitem(app.config, "LOGIN_CAPTCHA_AFTER_FAILURES", 1000)
    monkeypatch.setitem(app.config, "LOGIN_LOCK_AFTER_FAILURES", 1000)
    monkeypatch.setitem(app.config, "SMS_RATE_LIMIT_PER_HOUR", 1000)


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def compare(known_call, unknown_call, typed_known, typed_unknown):
    """Alternate known and unknown attempts; return (answers known, answers unknown, medians)."""
    known, unknown, known_times, unknown_times = [], [], [], []
    for _ in range(ATTEMPTS):
        response, seconds = timed(known_call)
        known.append(answer_of(response, *typed_known))
        known_times.append(seconds)
        response, seconds = timed(unknown_call)
        unknown.append(answer_of(response, *typed_unknown))
        unknown_times.append(seconds)
    return known, unknown, statistics.median(known_times), statistics.median(unknown_times)


def assert_comparable(known_median, unknown_median):
    slower, faster = max(known_median, unknown_median), min(known_median, unknown_median)
    assert slower < faster * TIME_FACTOR, f"known {known_median * 1000:.1f} ms, unknown {unknown_median * 1000:.1f} ms"


def test_sign_in_answers_alike_for_known_and_unknown_accounts(world, lenient):
    client = world.clients["anonymous"]
    known_phone, unknown_phone = "13900010001", "13900019999"  # citizen A's, and nobody's
    # B's document number (A's failures so far would show in the count of attempts left: one account counts
    # the failures of all its identifiers, an unknown identifier its own).
    for known_id, unknown_id in (
        (known_phone, unknown_phone),
        (resident_id(920_002), make_resident_id("110105", BIRTH, 777)),
    ):
        known, unknown, known_median, unknown_median = compare(
            lambda i=known_id: client.post(
                "/account/login", data={"kind": "personal", "identifier": i, "password": "Wrong2026pass"}
            ),
            lambda i=unknown_id: client.post(
                "/account/login", data={"kind": "personal", "identifier": i, "password": "Wrong2026pass"}
            ),
            (known_id,),
            (unknown_id,),
        )
        assert known == unknown
        assert "账号或密码错误" in known[0] or "The account or password is wrong" in known[0]
        assert_comparable(known_median, unknown_median)


def test_staff_sign_in_answers_alike_for_known_and_unknown_names(world, lenient, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURE_LIMIT", 1000)
    world.clients[ADMIN_NAME]  # creates a staff member: attack-<n>
    client = world.clients["anonymous"]
    known, unknown, known_median, unknown_median = compare(
        lambda: client.post("/admin/login/", data={"username": "attack-1", "password": "Wrong2026pass"}),
        lambda: client.post("/admin/login/", data={"username": "nobody-here", "password": "Wrong2026pass"}),
        ("attack-1",),
        ("nobody-here",),
    )
    assert known == unknown
    assert_comparable(known_median, unknown_median)


def test_the_forgotten_password_check_answers_alike(world, lenient):
    client = world.clients["anonymous"]
    a_document = world.secrets["A's document number"]
    nobody = make_resident_id("110105", BIRTH, 778)
    form = {"kind": "personal", "phone": "13600009999", "sms_code": "123456"}
    known, unknown, known_median, unknown_median = compare(
        lambda: client.post("/account/forgot", data={**form, "identifier": a_document}),
        lambda: client.post("/account/forgot", data={**form, "identifier": nobody}),
        (a_document,),
        (nobody,),
    )
    assert known == unknown
    assert_comparable(known_median, unknown_median)


def test_the_sms_button_answers_alike_for_a_bound_phone_and_a_free_one(world, lenient, known_captcha, app):
    client = world.clients["anonymous"]
    answers = []
    for phone in ("13900010001", "13900019998"):  # citizen A's, and nobody's
        challenge = client.get("/verify/captcha").get_json()["id"]
        response = client.post(
            "/verify/sms",
            data={"phone": phone, "purpose": "reset_password", "captcha": known_captcha, "captcha_id": challenge},
        )
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1]


ADMIN_NAME = "Admin"
