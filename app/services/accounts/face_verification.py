"""人脸识别 before 在线办理 and 我的证照 (manual 三.1, figures 3-1-2 to 3-1-5; chapter 六).

A desktop page starts a face session for the signed-in account: a random token,
bound to the account, the browser's sign-in session, the purpose and the page to
go to afterwards, valid five minutes. The phone opens the token's page (``scan``)
and, once the provider's liveness check passes, ``complete`` marks the token
verified and remembers, for ``FACE_CHECK_VALID_MINUTES``, that THAT sign-in
session passed face recognition for THAT purpose: signing out (or in elsewhere)
asks again, and a check for 在线办理 does not open 我的证照.

Everything lives in the shared store, so every server process sees it:

* ``face:token:{token}`` - JSON {account_id, session_id, purpose, target, state}; state is
  "pending" until the token is verified, then "verified".
* ``face:scan:{token}`` - present once the phone opened the page. A key of its
  own, so a late scan can never overwrite "verified".
* ``face:claim:{token}`` - taken with ``add`` by the one ``complete`` that wins.
* ``face:ok:{session_id}:{purpose}`` - the sign-in session passed, for a few minutes. Its value is
  JSON {account_id, subject}: what was checked.

法人变更 (二.5) has no signed-in account: its face check (``LEGAL_REP_CHANGE``) is started by the
recovery pages for the anonymous browser session, on the identity of the NEW legal representative
(``subject``: name, document type and number, and the id of the 实名认证 it follows), and
``passed_for`` returns what was checked so that the pages use it only for that 实名认证.

The provider is pluggable (``FACE_PROVIDER``, a dotted path); the built-in
``SimulatedFaceProvider`` stands in for the WeChat/Alipay mini-program.
"""

import dataclasses
import json
import secrets
from dataclasses import dataclass

from flask import current_app
from werkzeug.utils import import_string

from app.services.errors import ServiceError
from app.services.platform.shared_store import get_store

ONLINE_SERVICE = "online_service"
MY_CERTIFICATES = "my_certificates"
PURPOSES = (ONLINE_SERVICE, MY_CERTIFICATES)
# Face checks of a browser that is not signed in (法人变更): never started by the /face/<purpose> pages.
LEGAL_REP_CHANGE = "legal_rep_change"
ANONYMOUS_PURPOSES = (LEGAL_REP_CHANGE,)
ALL_PURPOSES = PURPOSES + ANONYMOUS_PURPOSES

TOKEN_TTL_SECONDS = 5 * 60
DEFAULT_VALID_MINUTES = 5
# A token verified just before it expires still lets the desktop page move on.
VERIFIED_TOKEN_MIN_TTL_SECONDS = 2 * 60

PENDING, SCANNED, VERIFIED, EXPIRED, FORBIDDEN = "pending", "scanned", "verified", "expired", "forbidden"
STATES = (PENDING, SCANNED, VERIFIED, EXPIRED, FORBIDDEN)

DEFAULT_PROVIDER = "app.services.accounts.face_verification.SimulatedFaceProvider"


class FaceError(ServiceError):
    """A token that cannot be used: ``reason`` is "expired" (unknown or too old),
    "used" (already verified), "failed" (liveness refused), "purpose" or "session" (no sign-in session)."""

    def __init__(self, reason: str):
        super().__init__(code=reason)
        self.reason = reason


@dataclass(frozen=True)
class FaceSession:
    token: str
    account_id: int
    purpose: str
    target: str
    state: str
    expires_in: int
    session_id: str = ""
    # Whose face is checked when it is not the account holder's own (法人变更: the new representative).
    subject: dict | None = None


class FaceProvider:
    """The face-recognition service behind the mini-program.

    A real provider (WeChat or Alipay real-person verification) subclasses this
    and is named by ``FACE_PROVIDER``.
    """

    name = "provider"

    def mini_program_url(self, channel: str) -> str | None:
        """What the 第一步 QR code of ``channel`` ("alipay" or "wechat") opens.

        None means the portal's own stand-in page for the mini-program.
        """
        return None

    def begin(self, session: FaceSession) -> None:
        """A face session was started (a real provider may register it remotely)."""

    def check_liveness(self, session: FaceSession, evidence: dict) -> bool:
        """Whether the person in front of the phone passed the liveness check."""
        raise NotImplementedError


class SimulatedFaceProvider(FaceProvider):
    """Behaves like the mini-program: the phone page shows a liveness check and passes."""

    name = "simulated"

    def check_liveness(self, session: FaceSession, evidence: dict) -> bool:
        return True


def provider() -> FaceProvider:
    return import_string(current_app.config.get("FACE_PROVIDER", DEFAULT_PROVIDER))()


def _token_key(token: str) -> str:
    return f"face:token:{token}"


def _scan_key(token: str) -> str:
    return f"face:scan:{token}"


def _claim_key(token: str) -> str:
    return f"face:claim:{token}"


def _ok_key(session_id: str, purpose: str) -> str:
    return f"face:ok:{session_id}:{purpose}"


def valid_seconds() -> int:
    """How long a passed check opens its purpose's pages in the session that passed it."""
    return int(current_app.config.get("FACE_CHECK_VALID_MINUTES", DEFAULT_VALID_MINUTES)) * 60


def _valid_token_text(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= 128


def _load(token: str) -> FaceSession | None:
    if not _valid_token_text(token):
        return None
    store = get_store()
    raw = store.get(_token_key(token))
    if raw is None:
        return None
    try:
        entry = json.loads(raw)
        account_id = int(entry["account_id"])
        purpose, target, state = entry["purpose"], entry["target"], entry["state"]
        session_id = str(entry.get("session_id") or "")
        subject = entry.get("subject")
    except (ValueError, KeyError, TypeError):
        return None
    if state == PENDING and store.get(_scan_key(token)) is not None:
        state = SCANNED
    expires_in = store.ttl(_token_key(token)) or 0
    return FaceSession(token, account_id, purpose, target, state, expires_in, session_id, subject)


def _dump(session: FaceSession, state: str) -> str:
    entry = {
        "account_id": session.account_id,
        "session_id": session.session_id,
        "purpose": session.purpose,
        "target": session.target,
        "state": state,
    }
    if session.subject:
        entry["subject"] = session.subject
    return json.dumps(entry)


def start(account_id: int, purpose: str, target: str, *, session_id: str, subject: dict | None = None) -> FaceSession:
    """A new token for ``account_id`` signed in as ``session_id``: valid five minutes, for ``purpose``,
    going to ``target``. ``subject`` names the person to check when it is not the account holder
    (required for the anonymous purposes)."""
    if purpose not in ALL_PURPOSES or (purpose in ANONYMOUS_PURPOSES and not subject):
        raise FaceError("purpose")
    if not session_id:
        raise FaceError("session")
    token = secrets.token_urlsafe(32)
    session = FaceSession(
        token, int(account_id), purpose, target, PENDING, TOKEN_TTL_SECONDS, session_id, dict(subject or {}) or None
    )
    get_store().set(_token_key(token), _dump(session, PENDING), TOKEN_TTL_SECONDS)
    provider().begin(session)
    return session


def scan(token: str) -> FaceSession:
    """The phone opened the token's page. Refuses unknown, expired and used tokens."""
    session = _load(token)
    if session is None:
        raise FaceError("expired")
    if session.state == VERIFIED:
        raise FaceError("used")
    get_store().add(_scan_key(token), "1", max(session.expires_in, 1))
    return dataclasses.replace(session, state=SCANNED)


def check_usable(token: str) -> FaceSession:
    """The token can still be verified (the phone pages check this before each step)."""
    session = _load(token)
    if session is None:
        raise FaceError("expired")
    if session.state == VERIFIED:
        raise FaceError("used")
    return session


def complete(token: str, evidence: dict | None = None) -> FaceSession:
    """The liveness check passed: verify the token, once only, even under parallel requests."""
    session = check_usable(token)
    store = get_store()
    if not store.add(_claim_key(token), "1", max(session.expires_in, VERIFIED_TOKEN_MIN_TTL_SECONDS)):
        raise FaceError("used")
    if not provider().check_liveness(session, dict(evidence or {})):
        store.delete(_claim_key(token))  # the person may try again with the same code
        raise FaceError("failed")
    store.set(_token_key(token), _dump(session, VERIFIED), max(session.expires_in, VERIFIED_TOKEN_MIN_TTL_SECONDS))
    if session.session_id:
        passed = json.dumps({"account_id": session.account_id, "subject": session.subject})
        store.set(_ok_key(session.session_id, session.purpose), passed, valid_seconds())
    return dataclasses.replace(session, state=VERIFIED)


def session_for(token: str, account_id: int) -> FaceSession | None:
    """The token's session when it belongs to ``account_id``, else None."""
    session = _load(token)
    if session is None or session.account_id != int(account_id):
        return None
    return session


def status(token: str, account_id: int) -> str:
    """One of pending, scanned, verified, expired, forbidden (another account's token)."""
    session = _load(token)
    if session is None:
        return EXPIRED
    if session.account_id != int(account_id):
        return FORBIDDEN
    return session.state


def is_verified(session_id: str, purpose: str) -> bool:
    """The sign-in session passed face recognition for ``purpose`` in the last few minutes."""
    if purpose not in PURPOSES or not session_id:
        return False
    return get_store().get(_ok_key(session_id, purpose)) is not None


def passed_for(session_id: str, purpose: str) -> dict | None:
    """What the browser session ``session_id`` passed face recognition for (``purpose``) in the last few
    minutes: {"account_id", "subject"}; None if it did not."""
    if purpose not in ALL_PURPOSES or not session_id:
        return None
    raw = get_store().get(_ok_key(session_id, purpose))
    if raw is None:
        return None
    try:
        passed = json.loads(raw)
    except ValueError:
        return None
    return passed if isinstance(passed, dict) else None


def status_for_session(token: str, session_id: str, purpose: str) -> str:
    """``status`` for a browser that is not signed in: the token must belong to its session and purpose."""
    session = _load(token)
    if session is None:
        return EXPIRED
    if not session_id or session.session_id != session_id or session.purpose != purpose:
        return FORBIDDEN
    return session.state


def consume_target(token: str, account_id: int) -> str | None:
    """Where to go once verified: the token's target, for its own account only.

    Idempotent while the token lives: the page's poll and 【手动跳转】 may both ask.
    """
    session = session_for(token, account_id)
    if session is None or session.state != VERIFIED:
        return None
    return session.target


def forget(session_id: str, purpose: str | None = None) -> None:
    """Drop the session's face verification (one purpose, or all), e.g. on sign-out."""
    store = get_store()
    for name in (purpose,) if purpose else ALL_PURPOSES:
        store.delete(_ok_key(session_id, name))
