"""人脸识别 tokens: bound to one account, purpose and target; five minutes; verified once."""

import datetime
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.services.accounts import face_verification as face
from app.services.platform import shared_store
from app.services.platform.shared_store import DatabaseStore, get_store

ACCOUNT, OTHER = 101, 202
SESSION, OTHER_SESSION = "session-of-101", "another-session"


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


@pytest.fixture
def later(monkeypatch):
    """Move the database store's clock forward by ``seconds`` (real expiry, no key surgery)."""

    def move(seconds):
        if not isinstance(get_store(), DatabaseStore):
            pytest.skip("moves the database store's clock")
        moment = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(seconds=seconds)
        monkeypatch.setattr(shared_store, "_now", lambda: moment)

    return move


class RefusingProvider(face.FaceProvider):
    name = "refusing"

    def check_liveness(self, session, evidence):
        return False


def verified_token(account_id=ACCOUNT, purpose=face.ONLINE_SERVICE, target="/user/", session_id=SESSION):
    session = face.start(account_id, purpose, target, session_id=session_id)
    face.scan(session.token)
    face.complete(session.token)
    return session.token


def test_start_stores_a_random_token_bound_to_account_purpose_and_target(ctx):
    first = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/?tab=1", session_id=SESSION)
    second = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/?tab=1", session_id=SESSION)
    assert first.token != second.token and len(first.token) >= 40
    entry = json.loads(get_store().get(f"face:token:{first.token}"))
    assert entry == {
        "account_id": ACCOUNT,
        "session_id": SESSION,
        "purpose": "online_service",
        "target": "/user/?tab=1",
        "state": "pending",
    }
    assert 290 <= get_store().ttl(f"face:token:{first.token}") <= 300
    assert first.state == "pending" and first.expires_in == 300


def test_purposes_are_the_two_of_the_manual(ctx):
    assert (face.ONLINE_SERVICE, face.MY_CERTIFICATES) == ("online_service", "my_certificates")
    with pytest.raises(face.FaceError):
        face.start(ACCOUNT, "anything", "/user/", session_id=SESSION)


def test_states_go_pending_scanned_verified(ctx):
    session = face.start(ACCOUNT, face.MY_CERTIFICATES, "/user/", session_id=SESSION)
    assert face.status(session.token, ACCOUNT) == "pending"
    assert face.scan(session.token).state == "scanned"
    assert face.status(session.token, ACCOUNT) == "scanned"
    face.scan(session.token)  # the phone reloads the page: still fine
    assert face.complete(session.token).state == "verified"
    assert face.status(session.token, ACCOUNT) == "verified"


def test_scan_refuses_unknown_and_used_tokens(ctx):
    with pytest.raises(face.FaceError) as unknown:
        face.scan("no-such-token")
    assert unknown.value.reason == "expired"
    token = verified_token()
    with pytest.raises(face.FaceError) as used:
        face.scan(token)
    assert used.value.reason == "used"


def test_a_late_scan_never_undoes_verified(ctx):
    session = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    face.complete(session.token)
    with pytest.raises(face.FaceError):
        face.scan(session.token)
    assert face.status(session.token, ACCOUNT) == "verified"


def test_a_deleted_or_garbled_token_is_expired(ctx):
    session = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    get_store().delete(f"face:token:{session.token}")
    assert face.status(session.token, ACCOUNT) == "expired"
    with pytest.raises(face.FaceError):
        face.scan(session.token)
    with pytest.raises(face.FaceError):
        face.complete(session.token)
    other = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    get_store().set(f"face:token:{other.token}", "not json", 300)
    assert face.status(other.token, ACCOUNT) == "expired"
    assert face.status("", ACCOUNT) == "expired" and face.status("x" * 500, ACCOUNT) == "expired"


def test_a_token_lives_five_minutes(ctx, later):
    session = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    later(299)
    assert face.status(session.token, ACCOUNT) == "pending"
    later(301)
    assert face.status(session.token, ACCOUNT) == "expired"
    with pytest.raises(face.FaceError) as expired:
        face.complete(session.token)
    assert expired.value.reason == "expired"
    assert not face.is_verified(SESSION, face.ONLINE_SERVICE)


def test_verification_lasts_the_configured_few_minutes(app, ctx, later, monkeypatch):
    assert app.config["FACE_CHECK_VALID_MINUTES"] == 5
    verified_token()
    later(4 * 60)
    assert face.is_verified(SESSION, face.ONLINE_SERVICE)
    later(5 * 60 + 1)
    assert not face.is_verified(SESSION, face.ONLINE_SERVICE)
    monkeypatch.setitem(app.config, "FACE_CHECK_VALID_MINUTES", 1)
    verified_token(purpose=face.MY_CERTIFICATES)
    later(5 * 60 + 62)
    assert not face.is_verified(SESSION, face.MY_CERTIFICATES)


def test_a_token_needs_a_sign_in_session(ctx):
    with pytest.raises(face.FaceError) as refused:
        face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id="")
    assert refused.value.reason == "session"
    assert not face.is_verified("", face.ONLINE_SERVICE)


def test_complete_is_single_use(ctx):
    session = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    face.scan(session.token)
    face.complete(session.token)
    with pytest.raises(face.FaceError) as again:
        face.complete(session.token)
    assert again.value.reason == "used"


def test_parallel_completes_succeed_once(app, ctx):
    session = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    face.scan(session.token)

    def complete(_):
        with app.app_context():
            try:
                face.complete(session.token)
            except face.FaceError:
                return False
            return True

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(complete, range(10)))
    assert sum(results) == 1
    assert face.status(session.token, ACCOUNT) == "verified"


def test_another_accounts_token_is_forbidden(ctx):
    token = verified_token(ACCOUNT)
    assert face.status(token, OTHER) == "forbidden"
    assert face.consume_target(token, OTHER) is None
    assert face.session_for(token, OTHER) is None
    assert not face.is_verified(OTHER_SESSION, face.ONLINE_SERVICE)


def test_is_verified_is_for_that_session_and_purpose_only(ctx):
    assert not face.is_verified(SESSION, face.ONLINE_SERVICE)
    verified_token(ACCOUNT, face.ONLINE_SERVICE)
    assert face.is_verified(SESSION, face.ONLINE_SERVICE)
    assert not face.is_verified(SESSION, face.MY_CERTIFICATES)
    assert not face.is_verified(OTHER_SESSION, face.ONLINE_SERVICE)
    assert not face.is_verified(SESSION, "anything")
    face.forget(SESSION)
    assert not face.is_verified(SESSION, face.ONLINE_SERVICE)


def test_consume_target_only_once_verified(ctx):
    session = face.start(ACCOUNT, face.MY_CERTIFICATES, "/user/certificates?page=2", session_id=SESSION)
    assert face.consume_target(session.token, ACCOUNT) is None
    face.scan(session.token)
    assert face.consume_target(session.token, ACCOUNT) is None
    face.complete(session.token)
    assert face.consume_target(session.token, ACCOUNT) == "/user/certificates?page=2"
    # the page's poll and 【手动跳转】 may both ask
    assert face.consume_target(session.token, ACCOUNT) == "/user/certificates?page=2"
    assert face.consume_target("no-such-token", ACCOUNT) is None


def test_the_provider_is_pluggable(app, ctx, monkeypatch):
    assert isinstance(face.provider(), face.SimulatedFaceProvider)
    monkeypatch.setitem(app.config, "FACE_PROVIDER", f"{__name__}.RefusingProvider")
    session = face.start(ACCOUNT, face.ONLINE_SERVICE, "/user/", session_id=SESSION)
    with pytest.raises(face.FaceError) as refused:
        face.complete(session.token)
    assert refused.value.reason == "failed"
    assert face.status(session.token, ACCOUNT) == "pending"
    assert not face.is_verified(SESSION, face.ONLINE_SERVICE)
    monkeypatch.setitem(app.config, "FACE_PROVIDER", "app.services.accounts.face_verification.SimulatedFaceProvider")
    face.complete(session.token)  # a refused check can be tried again with the same code
    assert face.is_verified(SESSION, face.ONLINE_SERVICE)


# --- 法人变更: the face of the new legal representative, in a browser that is not signed in ---------

NEW_REP = {"name": "王志强", "document_type": "resident_id", "document_number": "110102197811200176", "check": "c1"}


def test_a_legal_rep_check_needs_whose_face_to_check(ctx):
    with pytest.raises(face.FaceError):
        face.start(ACCOUNT, face.LEGAL_REP_CHANGE, "/account/legal-rep/next", session_id=SESSION)
    session = face.start(ACCOUNT, face.LEGAL_REP_CHANGE, "/account/legal-rep/next", session_id=SESSION, subject=NEW_REP)
    assert json.loads(get_store().get(f"face:token:{session.token}"))["subject"] == NEW_REP


def test_a_passed_legal_rep_check_says_what_was_checked_for_its_session_only(ctx):
    session = face.start(ACCOUNT, face.LEGAL_REP_CHANGE, "/account/legal-rep/next", session_id=SESSION, subject=NEW_REP)
    assert face.status_for_session(session.token, OTHER_SESSION, face.LEGAL_REP_CHANGE) == "forbidden"
    assert face.status_for_session(session.token, SESSION, face.ONLINE_SERVICE) == "forbidden"
    assert face.passed_for(SESSION, face.LEGAL_REP_CHANGE) is None
    face.complete(session.token)
    assert face.status_for_session(session.token, SESSION, face.LEGAL_REP_CHANGE) == "verified"
    assert face.passed_for(SESSION, face.LEGAL_REP_CHANGE) == {"account_id": ACCOUNT, "subject": NEW_REP}
    assert face.passed_for(OTHER_SESSION, face.LEGAL_REP_CHANGE) is None
    # It opens neither 在线办理 nor 我的证照.
    assert not face.is_verified(SESSION, face.ONLINE_SERVICE) and not face.is_verified(SESSION, face.LEGAL_REP_CHANGE)
