"""Passwords: at least 8 characters, letters and digits, not the ID number or phone, not common or regular."""

import pytest

from app.services.accounts.registration import password_problem


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Qiang2026lu", True),
        ("Secure2026pass", True),
        ("Abc1234", False),  # 7 characters
        ("abcdefgh", False),  # no digit
        ("12345678", False),  # no letter
    ],
)
def test_shape(app, password, ok):
    with app.test_request_context():
        assert (password_problem(password) is None) is ok


def test_not_the_document_number_nor_the_phone(app):
    with app.test_request_context():
        assert password_problem("11010519491231002x", document_number="11010519491231002X") is not None
        assert password_problem("13812345678", phone="13812345678") is not None
        assert "证件号码" in str(password_problem("13812345678", phone="13812345678"))


@pytest.mark.parametrize("password", ["password1", "abc12345", "a1a1a1a1", "Abcdefg1", "Passw0rd1", "Qwer1234"])
def test_common_and_regular_passwords_are_refused(app, password):
    with app.test_request_context():
        assert "过于常见" in str(password_problem(password))


def test_a_password_built_on_the_phone_number_is_refused(app):
    with app.test_request_context():
        assert password_problem("a13812345678", phone="13812345678") is not None
