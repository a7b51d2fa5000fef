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

Rotation (``rotate_key``, ``flask portal rotate-signing-key``) replaces the key
file with a new pair and appends the old public key (never its private key) to
the retired keyring next to it (``certificate-sm2-retired.json``), so that
endorsements signed before still verify by the ``key_id`` they carry.
"""

import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from gmssl import sm2

from app import clock
from app.extensions import db
from app.services.platform import audit

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


def retired_path() -> Path:
    """The keyring of retired public keys, next to the key file."""
    path = key_path()
    return path.with_name(path.stem + "-retired" + path.suffix)


def forget_key() -> None:
    """Read the key file and the keyring again at the next use (after a restore or a rotation replaced them)."""
    current_app.extensions.pop("certificate_signing_key", None)
    current_app.extensions.pop("certificate_retired_keys", None)


def _write_atomically(path: Path, data: dict | list) -> None:
    """Write ``data`` as JSON to ``path`` (mode 0600): a temporary file beside it, then os.replace."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def retired_keys() -> list[dict]:
    """The retired public keys (``key_id``, ``public_key``, ``retired_at``), oldest first; none before a rotation."""
    path = retired_path()
    cached = current_app.extensions.get("certificate_retired_keys")
    if cached and cached[0] == path:
        return cached[1]
    keys = json.loads(path.read_text()) if path.is_file() else []
    current_app.extensions["certificate_retired_keys"] = (path, keys)
    return keys


def _known_public_key(key_id: str) -> str | None:
    current = installation_key()
    if key_id == current.key_id:
        return current.public_key
    for retired in retired_keys():
        if retired.get("key_id") == key_id:
            return retired.get("public_key")
    return None


def public_key_for(key_id: str) -> str | None:
    """The public key (128 hex digits) that ``key_id`` names: the current one or a retired one; None if unknown.

    On a miss the key file and the keyring are read again once: another process may have rotated the key
    since this one cached it.
    """
    if not isinstance(key_id, str) or not key_id:
        return None
    found = _known_public_key(key_id)
    if found is None:
        forget_key()
        found = _known_public_key(key_id)
    # A keyring entry is trusted only when its public key has the fingerprint it is filed under.
    if found is None or sm3_hex(bytes.fromhex(found))[:16] != key_id:
        return None
    return found


@dataclass(frozen=True)
class Rotation:
    old_key_id: str
    new_key_id: str
    retired_at: str


def rotate_key() -> Rotation:
    """A new key pair in place of the current one, whose public key joins the retired keyring.

    The keyring is written before the key file, so that no moment exists where the old key is in neither.
    The caller records nothing: the rotation is audited here and committed.
    """
    forget_key()
    old = installation_key()
    retired_at = clock.in_china(clock.now()).replace(microsecond=0).isoformat()
    keyring = [entry for entry in retired_keys() if entry.get("key_id") != old.key_id]
    keyring.append({"key_id": old.key_id, "public_key": old.public_key, "retired_at": retired_at})
    _write_atomically(retired_path(), keyring)
    new = generate_key_pair()
    _write_atomically(
        key_path(), {"algorithm": "SM2-with-SM3", "private_key": new.private_key, "public_key": new.public_key}
    )
    forget_key()
    audit.record("certificate.signing_key_rotated", old_key_id=old.key_id, new_key_id=new.key_id)
    db.session.commit()
    return Rotation(old_key_id=old.key_id, new_key_id=new.key_id, retired_at=retired_at)


def canonical_json(data: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
