"""Picture codes (图形验证码), drawn locally: never a third-party captcha service.

长辈版 / 适老化: every picture code can also be heard. ``audio`` speaks the same characters as
a WAV, made here from the voice samples the ``captcha`` package bundles (one recording per
letter and digit, read in English, mixed with light noise): nothing is fetched from elsewhere.
"""

import hashlib
import hmac
import secrets

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from flask import current_app

from app.services.platform.shared_store import get_store

# No 0/O, 1/I/L: a citizen must be able to read every character.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 4
TTL_SECONDS = 300

_image = ImageCaptcha(width=120, height=40, font_sizes=(30, 32, 34))
_audio = AudioCaptcha()  # the package's own voice data (captcha/data/<character>/*.wav)


def _generate_text() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _digest(answer: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, answer.strip().upper().encode(), hashlib.sha256).hexdigest()


def new_challenge() -> tuple[str, bytes]:
    text = _generate_text()
    challenge_id = secrets.token_urlsafe(16)
    store = get_store()
    store.set(f"captcha:{challenge_id}", _digest(text), TTL_SECONDS)
    store.set(f"captcha-audio:{challenge_id}", text, TTL_SECONDS)  # for ``audio``: server side only
    return challenge_id, _image.generate(text).getvalue()


def audio(challenge_id: str) -> bytes | None:
    """The challenge's characters spoken (WAV), or None when it is unknown, answered or expired."""
    if not challenge_id or len(challenge_id) > 64 or get_store().get(f"captcha:{challenge_id}") is None:
        return None
    text = get_store().get(f"captcha-audio:{challenge_id}")
    if not text:
        return None
    return bytes(_audio.generate(text))


def check(challenge_id: str, answer: str) -> bool:
    """Single use: the challenge is gone after any answer, right or wrong."""
    expected = get_store().pop(f"captcha:{challenge_id}")
    get_store().delete(f"captcha-audio:{challenge_id}")
    if expected is None or not answer:
        return False
    return hmac.compare_digest(expected, _digest(answer))
