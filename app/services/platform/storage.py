"""Uploaded materials: type checked by content, size-limited, stored outside the web root.

Files are kept in the "uploads" area of the file store (app/services/platform/file_store.py:
``UPLOAD_DIR``, default ``instance/uploads``, or the S3 bucket) with random
names; only the views that check ownership ever read them back, through ``send``.
"""

import hashlib
import uuid
from dataclasses import dataclass

import filetype
from flask import Response
from flask_babel import lazy_gettext as _l

from app.services.errors import ServiceError
from app.services.platform.file_store import file_store
from app.services.platform.file_store import read as read_file
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
    return store_checked(data, content_type, EXTENSION_FOR_MIME[content_type])


def store_checked(data: bytes, content_type: str, extension: str) -> StoredFile:
    """Store bytes already checked by the caller under a new random name (removed again if the unit of work fails)."""
    name = f"{uuid.uuid4().hex}.{extension}"
    file_store().save("uploads", name, data, content_type)
    note_written(name)
    return StoredFile(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def send(stored_name: str, *, mimetype: str, download_name: str, max_age: int = 0) -> Response:
    """A stored file as a download (the caller checked who may see it); FileNotFoundError if it is gone."""
    return file_store().send("uploads", stored_name, mimetype=mimetype, download_name=download_name, max_age=max_age)


def read(stored_name: str) -> bytes:
    return read_file(file_store(), "uploads", stored_name)


def exists(stored_name: str) -> bool:
    return file_store().exists("uploads", stored_name)


def remove_after_commit(stored_name: str) -> bool:
    """Remove a file whose row this change deletes or replaces, once the unit of work commits.

    False outside a unit of work: the caller removes the file after its own commit.
    """
    return note_obsolete(stored_name)


def remove(stored_name: str) -> None:
    """Delete a file whose database row was never committed (or whose deletion was)."""
    file_store().remove("uploads", stored_name)
