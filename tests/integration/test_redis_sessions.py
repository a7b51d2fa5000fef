"""Sessions kept in Redis (issue 17 item 2): the cookie holds only a signed id, the data is on the server,
sign-out deletes it, and revocation per account works as with signed cookies (the revocation tests run here
again on Redis sessions). A private redis-server per test (tests/private_redis.py)."""

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from app.security import SESSION_VERSION_KEY
from app.sessions import PortalSessionInterface, RedisSessionInterface, session_interface
from tests import private_redis
from tests.integration import test_session_revocation as revocation

redis_server = private_redis.redis_server
person = revocation.person

# The revocation tests, again with the session in Redis (a copied cookie, other browsers, staff, locks ...).
test_portal_sign_out_ends_a_copied_session = revocation.test_portal_sign_out_ends_a_copied_session
test_sign_out_ends_the_sessions_of_other_browsers = revocation.test_sign_out_ends_the_sessions_of_other_browsers
test_a_password_change_ends_every_other_session = revocation.test_a_password_change_ends_every_other_session
test_an_administrators_lock_ends_the_staff_members_sessions = (
    revocation.test_an_administrators_lock_ends_the_staff_members_sessions
)
test_a_staff_password_change_ends_the_other_sessions = revocation.test_a_staff_password_change_ends_the_other_sessions
test_staff_sign_out_is_a_post_that_ends_every_session = revocation.test_staff_sign_out_is_a_post_that_ends_every_session
test_cancellation_ends_a_copied_session = revocation.test_cancellation_ends_a_copied_session
test_a_password_reset_ends_a_copied_session = revocation.test_a_password_reset_ends_a_copied_session


@pytest.fixture(autouse=True)
def redis_sessions(app, redis_server, monkeypatch):
    """The portal with its sessions in the private Redis, as SESSION_BACKEND=redis makes it."""
    interface = RedisSessionInterface(redis_server.url)
    monkeypatch.setattr(app, "session_interface", interface)
    return interface


def session_keys(interface) -> list[bytes]:
    return sorted(interface.client.scan_iter("portal:session:*"))


def signed_in(client) -> bool:
    return client.get("/user/").status_code == 200


def test_the_session_data_is_not_in_the_cookie(app, client, db, person, redis_sessions):
    revocation.portal_login(client, person)
    cookie = client.get_cookie("session").value
    sid, signature = cookie.split(".")
    assert len(sid) == 43 and len(cookie) < 100
    with pytest.raises(BadSignature):  # not a signed-cookie session
        SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie)
    [key] = session_keys(redis_sessions)
    stored = redis_sessions.client.get(key).decode()
    assert "_user_id" in stored and SESSION_VERSION_KEY in stored
    assert sid not in key.decode(), "Redis keeps a digest of the id, not a usable cookie"
    assert 0 < redis_sessions.client.ttl(key) <= int(app.permanent_session_lifetime.total_seconds())


def test_sign_out_deletes_the_session_from_redis_and_a_copied_cookie_is_refused(
    app, client, db, person, redis_sessions
):
    revocation.portal_login(client, person)
    copy = revocation.copy_of(app, client)
    assert signed_in(copy)
    client.post("/account/logout")
    assert not any(b"_user_id" in redis_sessions.client.get(key) for key in session_keys(redis_sessions))
    assert not signed_in(copy)
    assert not signed_in(client)


def test_signing_in_gives_the_session_a_new_id(app, client, db, person, redis_sessions):
    client.get("/account/login")  # a visitor's session (form token) before signing in
    before = client.get_cookie("session").value
    planted = revocation.copy_of(app, client)
    revocation.portal_login(client, person)
    after = client.get_cookie("session").value
    assert after != before
    assert signed_in(client) and not signed_in(planted), "an id known before the sign-in does not follow it"


def test_another_instance_on_the_same_redis_sees_the_session(app, client, db, person, redis_server, monkeypatch):
    revocation.portal_login(client, person)
    monkeypatch.setattr(app, "session_interface", RedisSessionInterface(redis_server.url))  # instance B
    assert signed_in(client)


def test_a_forged_or_unknown_id_is_a_new_empty_session(app, client, db, person, redis_sessions):
    revocation.portal_login(client, person)
    sid, signature = client.get_cookie("session").value.split(".")
    forged = app.test_client()
    forged.set_cookie("session", f"{sid[:-1]}{'A' if sid[-1] != 'A' else 'B'}.{signature}")
    assert not signed_in(forged)
    unknown = app.test_client()
    unknown.set_cookie("session", redis_sessions._signer(app).sign("x" * 43).decode())
    assert not signed_in(unknown)


def test_static_files_neither_store_nor_set_a_session(app, client, db, redis_sessions):
    response = client.get("/static/css/articles.css")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and session_keys(redis_sessions) == []


class _App:
    def __init__(self, **config):
        self.config = config


def test_the_backend_follows_the_configuration():
    assert isinstance(session_interface(_App()), PortalSessionInterface)
    # REDIS_URL alone keeps signed cookies: the portal keeps serving signed-in visitors while Redis is down.
    assert isinstance(session_interface(_App(REDIS_URL="redis://127.0.0.1:6379/9")), PortalSessionInterface)
    assert isinstance(
        session_interface(_App(REDIS_URL="redis://127.0.0.1:6379/9", SESSION_BACKEND="redis")),
        RedisSessionInterface,
    )
    assert isinstance(
        session_interface(_App(REDIS_URL="redis://127.0.0.1:6379/9", SESSION_BACKEND="cookie")),
        PortalSessionInterface,
    )
    with pytest.raises(ValueError):
        session_interface(_App(SESSION_BACKEND="redis"))
    with pytest.raises(ValueError):
        session_interface(_App(SESSION_BACKEND="memcached"))
