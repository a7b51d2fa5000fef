"""The files of a backup besides the database: every area of the file store, and the keys."""

import os
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.services.backup.manifest import BackupRefused
from app.services.certificates import signing
from app.services.platform.file_store import AREAS, file_store
from app.services.platform.file_store import read as read_file

STORE, KEYS = "store", "keys"
SIGNING_KEY, RETIRED_KEYS, SECRET_KEY = "certificate-sm2.json", "certificate-sm2-retired.json", "secret_key"


def save_store(folder: Path) -> list[str]:
    """Copy every file of the store into ``folder/store/<area>/``; their paths relative to ``folder``."""
    store, written = file_store(), []
    for area in AREAS:
        names = store.names(area)
        if names:
            (folder / STORE / area).mkdir(parents=True, exist_ok=True)
        for name in names:
            relative = f"{STORE}/{area}/{name}"
            (folder / relative).write_bytes(read_file(store, area, name))
            written.append(relative)
    return written


def key_files() -> dict[str, Path]:
    """The keys this installation uses, by their name in a backup."""
    keys = {SIGNING_KEY: signing.key_path(), RETIRED_KEYS: signing.retired_path()}  # the keyring after a rotation
    secret = Path(current_app.instance_path) / SECRET_KEY
    # The file only when it is where this portal's SECRET_KEY came from (not set in the environment).
    if secret.is_file() and secret.read_text(encoding="ascii").strip() == current_app.config.get("SECRET_KEY"):
        keys[SECRET_KEY] = secret
    return keys


def save_keys(folder: Path) -> list[str]:
    written = []
    for name, path in key_files().items():
        if path.is_file():
            (folder / KEYS).mkdir(parents=True, exist_ok=True)
            (folder / KEYS / name).write_bytes(path.read_bytes())
            os.chmod(folder / KEYS / name, 0o600)
            written.append(f"{KEYS}/{name}")
    return written


def store_in_use() -> bool:
    store = file_store()
    return any(store.names(area) for area in AREAS)


def _key_targets(files: list[str]) -> dict[str, Path]:
    targets = {
        SIGNING_KEY: signing.key_path(),
        RETIRED_KEYS: signing.retired_path(),
        SECRET_KEY: Path(current_app.instance_path) / SECRET_KEY,
    }
    return {relative: targets[relative.split("/", 1)[1]] for relative in files if relative.startswith(KEYS + "/")}


def conflicting_keys(folder: Path, files: list[str]) -> list[str]:
    """The signing key already in place, when it differs from the backup's (it signed certificates of its own).

    Not ``secret_key``: every new installation makes one when it first starts, and it signs nothing that lasts.
    """
    return [
        str(target)
        for relative, target in _key_targets(files).items()
        if relative.endswith(SIGNING_KEY)
        and target.is_file()
        and target.read_bytes() != (folder / relative).read_bytes()
    ]


def restore_store(folder: Path, files: list[str]) -> int:
    store, count = file_store(), 0
    for relative in files:
        if not relative.startswith(STORE + "/"):
            continue
        _prefix, area, name = relative.split("/", 2)
        if area not in AREAS:
            raise BackupRefused(_l("The backup holds files of an unknown area: %(name)s", name=relative))
        store.save(area, name, (folder / relative).read_bytes())
        count += 1
    return count


def restore_keys(folder: Path, files: list[str]) -> int:
    count = 0
    for relative, target in _key_targets(files).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".restoring")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write((folder / relative).read_bytes())
        os.replace(temporary, target)
        count += 1
    signing.forget_key()
    return count
