"""证照加注 usage windows and the SM2 signature of a certificate's data."""

import datetime

import pytest

from app.services.certificates import signing
from app.services.certificates.lifecycle import endorsement_window

D = datetime.date


def test_an_endorsement_lasts_180_days_counting_its_first_day():
    assert endorsement_window(D(2026, 11, 29), D(2030, 1, 1), D(1980, 5, 12)) == (D(2026, 11, 29), D(2027, 5, 27))
    first, last = endorsement_window(D(2026, 1, 1), D(2030, 1, 1), None)
    assert (last - first).days + 1 == 180


def test_the_window_never_passes_the_registration_expiry():
    assert endorsement_window(D(2026, 11, 29), D(2027, 1, 15), None) == (D(2026, 11, 29), D(2027, 1, 15))


def test_the_window_ends_the_day_before_the_65th_birthday():
    assert endorsement_window(D(2026, 11, 29), D(2030, 1, 1), D(1962, 2, 10)) == (D(2026, 11, 29), D(2027, 2, 9))


def test_a_leap_day_birth_turns_65_on_the_first_of_march():
    assert endorsement_window(D(2026, 12, 1), D(2030, 1, 1), D(1962, 2, 28))[1] == D(2027, 2, 27)
    assert endorsement_window(D(2028, 12, 1), D(2030, 1, 1), D(1964, 2, 29))[1] == D(2029, 2, 28)


@pytest.mark.parametrize(
    "registration_end, birth",
    [
        (D(2026, 11, 28), None),  # registration already over
        (D(2030, 1, 1), D(1961, 11, 29)),  # 65 today
        (D(2030, 1, 1), D(1950, 1, 1)),  # long past 65
    ],
)
def test_nothing_is_left_to_endorse(registration_end, birth):
    assert endorsement_window(D(2026, 11, 29), registration_end, birth) is None


def test_the_last_day_of_a_registration_can_still_be_endorsed_for_that_day():
    assert endorsement_window(D(2026, 11, 29), D(2026, 11, 29), None) == (D(2026, 11, 29), D(2026, 11, 29))


@pytest.fixture(scope="module")
def key():
    return signing.generate_key_pair()


def test_a_signature_verifies_with_the_signing_key(key):
    data = signing.canonical_json({"holder_name": "张建国", "registration_number": "京1112010202400001"})
    signature = signing.sign(data, key)
    assert len(signature) == 128
    assert signing.verify(data, signature, key.public_key)


def test_one_changed_byte_breaks_the_signature(key):
    data = signing.canonical_json({"holder_name": "张建国", "valid_to": "2027-05-27"})
    signature = signing.sign(data, key)
    tampered = data.replace(b"2027-05-27", b"2027-05-28")
    assert not signing.verify(tampered, signature, key.public_key)
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not signing.verify(data, flipped, key.public_key)


def test_another_key_does_not_verify(key):
    data = b"certificate"
    assert not signing.verify(data, signing.sign(data, key), signing.generate_key_pair().public_key)


def test_nonces_are_fresh_so_two_signatures_of_the_same_data_differ(key):
    assert signing.sign(b"same", key) != signing.sign(b"same", key)


@pytest.mark.parametrize("garbage", ["", "zz" * 64, "00" * 64, "ab" * 10, None])
def test_malformed_signatures_are_refused_not_crashing(key, garbage):
    assert not signing.verify(b"data", garbage, key.public_key)


def test_canonical_json_does_not_depend_on_key_order():
    assert signing.canonical_json({"b": 1, "a": "中"}) == signing.canonical_json({"a": "中", "b": 1})
    assert signing.canonical_json({"a": "中"}) == '{"a":"中"}'.encode()


def test_the_key_id_is_the_sm3_fingerprint_of_the_public_key(key):
    assert key.key_id == signing.sm3_hex(bytes.fromhex(key.public_key))[:16]
    # GB/T 32905 test vector: SM3("abc")
    assert signing.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
