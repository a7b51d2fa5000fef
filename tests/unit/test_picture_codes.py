"""Picture codes: a PNG, case-insensitive, single use."""

import pytest

from app.services.platform import captcha


@pytest.fixture
def ctx(app, db, monkeypatch):
    monkeypatch.setattr(captcha, "_generate_text", lambda: "AB3D")
    with app.app_context():
        yield


def test_image_is_png(ctx):
    _, png = captcha.new_challenge()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_right_answer_once_case_insensitive(ctx):
    challenge, _ = captcha.new_challenge()
    assert captcha.check(challenge, " ab3d ")
    assert not captcha.check(challenge, "AB3D")


def test_wrong_answer_burns_the_challenge(ctx):
    challenge, _ = captcha.new_challenge()
    assert not captcha.check(challenge, "ZZZZ")
    assert not captcha.check(challenge, "AB3D")


def test_unknown_challenge(ctx):
    assert not captcha.check("nope", "AB3D")


def test_alphabet_has_no_ambiguous_characters():
    assert not set("01OIL") & set(captcha.ALPHABET)


def test_parallel_answers_pass_once(app, ctx):
    from concurrent.futures import ThreadPoolExecutor

    challenge, _ = captcha.new_challenge()

    def answer(_):
        with app.app_context():
            return captcha.check(challenge, "AB3D")

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert sum(pool.map(answer, range(10))) == 1
