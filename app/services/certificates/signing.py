"""SM2 signatures over SM3 (GB/T 32918, GB/T 32905) for electronic certificates.

The arithmetic is gmssl's (pure Python). Two of its defaults are not used:
its nonce comes from ``random`` (a predictable nonce gives the private key
away), so nonces here come from ``secrets``; and its constructor strips every
leading "0" and "4" of a public key given with the 04 prefix, so the key is set
after construction.

One key pair per installation: generated on first use into
``CERTIFICATE_SIGNING_KEY_PATH`` (default ``instance/keys/certificate-sm2.json``,
created with mode 0600 and never overwritten, so that several worker processes
starting at once agree on one key). The public key is published on the
verification page.
"""

import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from gmssl import sm2

CURVE = sm2.default_ecc_table
ORDER = int(CURVE["n"], 16)
DEFAULT_SIGNER_ID = "1234567812345678"  # GM/T 0009's default user ID, the one gmssl's Z value uses


@dataclass(frozen=True)
class KeyPair:
    private_key: str  # 64 hex digits
    public_key: str  # 128 hex digits: x || y, without the 04 prefix

    @property
    def key_id(self) -> str:
        """A short fingerprint of the public key (SM3), stored with each signature."""
        return sm3_hex(bytes.fromhex(self.public_key))[:16]


def sm3_hex(data: bytes) -> str:
    from gmssl import func, sm3

    return sm3.sm3_hash(func.bytes_to_list(data))


def generate_key_pair() -> KeyPair:
    private = secrets.randbelow(ORDER - 2) + 1
    crypt = sm2.CryptSM2(private_key=f"{private:064x}", public_key="")
    return KeyPair(private_key=f"{private:064x}", public_key=crypt._kg(private, CURVE["g"]))


def _crypt(private_key: str, public_key: str) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_key, public_key="")
    crypt.public_key = public_key
    return crypt


def sign(data: bytes, key: KeyPair) -> str:
    """The SM2-with-SM3 signature of ``data``: r || s, 128 hex digits."""
    crypt = _crypt(key.private_key, key.public_key)
    while True:
        nonce = f"{secrets.randbelow(ORDER - 1) + 1:064x}"
        signature = crypt.sign_with_sm3(data, nonce)
        if signature:  # None when r or s came out zero: draw another nonce
            return signature


def verify(data: bytes, signature: str, public_key: str) -> bool:
    if not isinstance(signature, str) or len(signature) != 128:
        return False
    try:
        int(signature, 16)
        return bool(_crypt("", public_key).verify_with_sm3(signature, data))
    except (ValueError, TypeError):
        return False


def key_path() -> Path:
    """Where this installation's key pair is kept (backups copy it from there)."""
    return Path(
        current_app.config.get("CERTIFICATE_SIGNING_KEY_PATH")
        or Path(current_app.instance_path) / "keys" / "certificate-sm2.json"
    )


def forget_key() -> None:
    """Read the key file again at the next use (after a restore replaced it)."""
    current_app.extensions.pop("certificate_signing_key", None)


def installation_key() -> KeyPair:
    """This installation's key pair, created on first use."""
    path = key_path()
    cached = current_app.extensions.get("certificate_signing_key")
    if cached and cached[0] == path:
        return cached[1]
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = generate_key_pair()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race: use its key
        else:
            with os.fdopen(descriptor, "w") as out:
                json.dump(
                    {"algorithm": "SM2-with-SM3", "private_key": key.private_key, "public_key": key.public_key}, out
                )
    stored = json.loads(path.read_text())
    key = KeyPair(private_key=stored["private_key"], public_key=stored["public_key"])
    current_app.extensions["certificate_signing_key"] = (path, key)
    return key


def canonical_json(data: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
