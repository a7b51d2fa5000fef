"""Picture codes (图形验证码), drawn locally: never a third-party captcha service."""

import hashlib
import hmac
import secrets

from captcha.image import ImageCaptcha
from flask import current_app

from app.services.platform.shared_store import get_store

# No 0/O, 1/I/L: a citizen must be able to read every character.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 4
TTL_SECONDS = 300

_image = ImageCaptcha(width=120, height=40, font_sizes=(30, 32, 34))


def _generate_text() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _digest(answer: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, answer.strip().upper().encode(), hashlib.sha256).hexdigest()


def new_challenge() -> tuple[str, bytes]:
    text = _generate_text()
    challenge_id = secrets.token_urlsafe(16)
    get_store().set(f"captcha:{challenge_id}", _digest(text), TTL_SECONDS)
    return challenge_id, _image.generate(text).getvalue()


def check(challenge_id: str, answer: str) -> bool:
    """Single use: the challenge is gone after any answer, right or wrong."""
    expected = get_store().pop(f"captcha:{challenge_id}")
    if expected is None or not answer:
        return False
    return hmac.compare_digest(expected, _digest(answer))
