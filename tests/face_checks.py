"""Passing 人脸识别 in a test without the phone: what the mini-program does, for one browser's sign-in session."""

import secrets

from app.services.accounts import face_verification as face
from app.views.portal.session import SESSION_ID_KEY


def pass_face_check(client, account_id: int, purpose: str, target: str = "/user/") -> None:
    """``client`` (signed in as ``account_id``) passed face recognition for ``purpose``."""
    with client.session_transaction() as session:
        session_id = session.setdefault(SESSION_ID_KEY, secrets.token_urlsafe(24))
    face.complete(face.start(account_id, purpose, target, session_id=session_id).token)
