"""Uploaded materials: type checked by content, size-limited, stored outside the web root.

Files live under ``UPLOAD_DIR`` (default ``instance/uploads``) with random
names; only the views that check ownership ever read them back.
"""

import hashlib
import os
import uuid
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.services.errors import ServiceError
from app.services.unit_of_work import note_obsolete, note_written

# What each accepted format looks like inside (by content, never by name).
FORMAT_MIME = {
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "pdf": {"application/pdf"},
}
EXTENSION_FOR_MIME = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


class UploadRefused(ServiceError):
    def __init__(self, message):
        super().__init__(message=message)


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def upload_dir() -> str:
    return current_app.config.get("UPLOAD_DIR") or os.path.join(current_app.instance_path, "uploads")


def check(data: bytes, formats: list[str], max_size_mb: int) -> str:
    """The content type of ``data`` if it is an accepted format within the size limit."""
    if not data:
        raise UploadRefused(_l("The file is empty"))
    if len(data) > max_size_mb * 1024 * 1024:
        raise UploadRefused(_l("The file is larger than %(mb)s MB", mb=max_size_mb))
    kind = filetype.guess(data)
    accepted = set().union(*(FORMAT_MIME.get(f, set()) for f in formats))
    if kind is None or kind.mime not in accepted:
        raise UploadRefused(
            _l(
                "Only these formats are accepted: %(formats)s (checked by the file content)",
                formats=", ".join(f.upper() for f in formats),
            )
        )
    return kind.mime


def save(data: bytes, formats: list[str], max_size_mb: int) -> StoredFile:
    content_type = check(data, formats, max_size_mb)
    name = f"{uuid.uuid4().hex}.{EXTENSION_FOR_MIME[content_type]}"
    directory = os.path.join(upload_dir(), name[:2])
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "xb") as handle:
        handle.write(data)
    note_written(name)
    return StoredFile(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def path_of(stored_name: str) -> str:
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError("invalid stored name")
    return os.path.join(upload_dir(), stored_name[:2], stored_name)


def remove_after_commit(stored_name: str) -> bool:
    """Remove a file whose row this change deletes or replaces, once the unit of work commits.

    False outside a unit of work: the caller removes the file after its own commit.
    """
    return note_obsolete(stored_name)


def remove(stored_name: str) -> None:
    """Delete a file whose database row was never committed."""
    try:
        os.remove(path_of(stored_name))
    except FileNotFoundError:
        pass
