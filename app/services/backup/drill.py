"""The two operations: ``backup`` into an empty folder, ``restore`` from one (checked before anything is written).

A backup of a running portal dumps the database first and copies the files after it: every file a dumped row
names was written before its row was committed (app/services/unit_of_work.py), so it is there to be copied.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.services.backup import content, database, manifest
from app.services.backup.manifest import BackupRefused


@dataclass(frozen=True)
class Summary:
    database: str
    files: int
    keys: int
    bytes: int
    seconds: float


def _summary(data: dict, seconds: float) -> Summary:
    files = data["files"]
    return Summary(
        database=data["database"]["file"],
        files=sum(1 for name in files if name.startswith(content.STORE + "/")),
        keys=sum(1 for name in files if name.startswith(content.KEYS + "/")),
        bytes=sum(entry["size"] for entry in files.values()),
        seconds=seconds,
    )


def backup(folder: Path) -> Summary:
    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupRefused(_l("%(folder)s is not empty: back up into a new folder", folder=str(folder)))
    os.chmod(folder, 0o700)  # it holds the signing key and personal data
    engine = db.engine
    dumped = database.dump(engine, folder)
    written = [dumped, *content.save_store(folder), *content.save_keys(folder)]
    data = {
        "format": manifest.FORMAT,
        "created_at": clock.now().isoformat() + "Z",
        "database": {"engine": database.engine_kind(engine), "file": dumped, "revision": database.revision(engine)},
        "files": {relative: manifest.entry(folder, relative) for relative in written},
    }
    manifest.write(folder, data)
    return _summary(data, time.monotonic() - started)


def restore(folder: Path, *, replace: bool = False) -> Summary:
    """Restore the backup in ``folder`` into the configured database, file store and key paths.

    Without ``replace`` the target must be new: an empty database, an empty store, no other key.
    """
    started = time.monotonic()
    data = manifest.read_and_verify(folder)  # before anything is written
    files = sorted(data["files"])
    engine = db.engine
    db.session.remove()
    if not replace:
        if not database.is_empty(engine):
            raise BackupRefused(
                _l("The database already holds tables: restore into a new, empty database (or replace it on purpose)")
            )
        if content.store_in_use():
            raise BackupRefused(_l("The file store already holds files: restore into an empty store"))
        conflicts = content.conflicting_keys(folder, files)
        if conflicts:
            raise BackupRefused(
                _l("A different key is already in place: %(paths)s; nothing was restored", paths=", ".join(conflicts))
            )
    database.restore(engine, folder, data["database"]["file"], replace=replace)
    content.restore_store(folder, files)
    content.restore_keys(folder, files)
    return _summary(data, time.monotonic() - started)
