"""manifest.json: the SHA-256 and size of every file of a backup, checked before anything is restored."""

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import ServiceError

NAME = "manifest.json"
FORMAT = "portal-backup/1"
CHUNK = 1024 * 1024


class BackupRefused(ServiceError):
    def __init__(self, message):
        super().__init__(message=message)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def entry(folder: Path, relative: str) -> dict[str, Any]:
    path = folder / relative
    return {"sha256": sha256_of(path), "size": path.stat().st_size}


def write(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def _inside(folder: Path, relative: str) -> Path:
    path = (folder / relative).resolve()
    if os.path.isabs(relative) or ".." in Path(relative).parts or folder.resolve() not in path.parents:
        raise BackupRefused(_l("The backup names a file outside its folder: %(name)s", name=relative))
    return path


def read_and_verify(folder: Path) -> dict[str, Any]:
    """The manifest, once every file it names is there with its checksum; BackupRefused naming what is wrong."""
    try:
        manifest = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except FileNotFoundError as missing:
        raise BackupRefused(
            _l("%(folder)s holds no manifest.json: not a backup of the portal", folder=str(folder))
        ) from missing
    except (ValueError, UnicodeDecodeError) as damaged:
        raise BackupRefused(_l("The backup's manifest.json is damaged; nothing was restored")) from damaged
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise BackupRefused(_l("The backup's manifest.json is not one this portal wrote; nothing was restored"))
    wrong = []
    for relative, expected in sorted(manifest["files"].items()):
        path = _inside(folder, relative)
        if not path.is_file():
            wrong.append(_l("%(name)s is missing", name=relative))
        elif path.stat().st_size != expected.get("size") or sha256_of(path) != expected.get("sha256"):
            wrong.append(_l("%(name)s does not match its SHA-256 in manifest.json", name=relative))
    if wrong:
        raise BackupRefused(
            _l(
                "The backup is damaged or was changed (%(problems)s); nothing was restored",
                problems="; ".join(str(item) for item in wrong[:5]) + ("; …" if len(wrong) > 5 else ""),
            )
        )
    return manifest
