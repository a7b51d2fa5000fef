"""长辈版: the switch and its cookie, the pages kept whole per mode, and the picture code read aloud."""

import re

import pytest

from app.services.platform import captcha
from tests.integration.test_query_fast_path import QUERY, view_calls, visitor  # noqa: F401 (a fixture)


def body_class(response) -> str:
    match = re.search(r"<body([^>]*)>", response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_the_switch_is_remembered_in_a_cookie_without_signing_in(client, db):
    assert 'class="elder"' not in body_class(client.get("/"))
    response = client.get("/display/elder", query_string={"next": "/services/?category=personal"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/services/?category=personal"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("elder_mode=1;") and "Max-Age=31536000" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.get("/")
    assert 'class="elder"' in body_class(home)
    page = home.get_data(as_text=True)
    assert 'id="elder-switch"' in page and "标准版" in page
    assert "常用服务" in page and "elder-services" in page  # the simplified home page
    off = client.get("/display/standard", query_string={"next": "/"})
    assert "elder_mode=;" in off.headers["Set-Cookie"]
    assert 'class="elder"' not in body_class(client.get("/"))
    assert "长辈版" in client.get("/").get_data(as_text=True)


def test_the_switch_never_sends_a_visitor_elsewhere(client, db):
    response = client.get("/display/elder", query_string={"next": "https://example.com/x"})
    assert response.headers["Location"] == "/"
    assert client.get("/display/large").status_code == 404


@pytest.mark.usefixtures("generous_query_limits")
def test_pages_kept_whole_for_visitors_are_kept_per_mode(app, registers, view_calls):  # noqa: F811
    standard = visitor(app, "198.51.100.61")
    standard.get("/query/people", query_string=QUERY)
    elder = visitor(app, "198.51.100.62")
    elder.get("/display/elder")
    calls = len(view_calls)
    page = elder.get("/query/people", query_string=QUERY)
    assert len(view_calls) == calls + 1  # not the standard page kept for the first visitor
    assert 'class="elder"' in body_class(page)
    again = visitor(app, "198.51.100.63")
    again.get("/display/elder")
    page = again.get("/query/people", query_string=QUERY)
    assert len(view_calls) == calls + 1  # the elder page, kept in its turn
    assert 'class="elder"' in body_class(page)
    assert 'class="elder"' not in body_class(visitor(app, "198.51.100.64").get("/query/people", query_string=QUERY))


def test_the_picture_code_is_read_aloud_until_it_is_answered(app, client, db):
    page = client.get("/account/register/personal").get_data(as_text=True)
    challenge = re.search(r'name="captcha_id" class="captcha-id" value="([^"]+)"', page).group(1)
    assert f"/verify/captcha/{challenge}.wav" in page
    audio = client.get(f"/verify/captcha/{challenge}.wav")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert audio.data[:4] == b"RIFF" and audio.data[8:12] == b"WAVE"
    assert audio.headers["Cache-Control"] == "no-store"
    with app.test_request_context():
        assert captcha.check(challenge, "WRONG") is False  # any answer uses the challenge up
    assert client.get(f"/verify/captcha/{challenge}.wav").status_code == 404
    assert client.get("/verify/captcha/unknown.wav").status_code == 404


def test_the_spoken_code_is_the_code_in_the_picture(app, monkeypatch):
    spoken = []
    monkeypatch.setattr(captcha._audio, "generate", lambda text: spoken.append(text) or bytearray(b"RIFF"))
    with app.test_request_context():
        challenge, _png = captcha.new_challenge()
        captcha.audio(challenge)
        assert len(spoken) == 1 and len(spoken[0]) == captcha.LENGTH
        assert captcha.check(challenge, spoken[0].lower()) is True
