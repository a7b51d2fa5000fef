"""Where the portal keeps its files: a local folder (the default) or an S3 bucket, chosen by STORAGE_BACKEND.

Every file belongs to an *area* ("uploads", "certificates", "notices", "audit" for the archived audit
trail) and has a plain name (no folders). A store can ``save`` bytes, ``open`` them for reading,
tell whether they ``exist``, ``remove`` them, list the ``names`` of an area (backups), and ``send`` them to the browser as
a download (a Flask response; for S3 either streamed through the portal or a
redirect to a short-lived signed URL, S3_SEND). Nothing outside this module
knows a path or a bucket key.

- ``local`` (default): ``instance/uploads`` (UPLOAD_DIR), ``instance/cache/certificates``
  (CERTIFICATE_CACHE_DIR), ``instance/cache/notices`` (NOTICE_CACHE_DIR) and ``instance/archive/audit``
  (AUDIT_ARCHIVE_DIR); one machine.
- ``s3``: S3_BUCKET at S3_ENDPOINT_URL (SeaweedFS, MinIO, Ceph, any S3), keys
  ``S3_PREFIX + area + "/" + name``; any number of machines.
"""

import os
import tempfile
import unicodedata
from typing import IO, Any, Protocol
from urllib.parse import quote

from flask import Response, current_app, redirect, send_file
from werkzeug.http import dump_options_header

AREAS = ("uploads", "certificates", "notices", "audit")


def _check(area: str, name: str) -> None:
    if area not in AREAS:
        raise ValueError(f"unknown storage area {area!r}")
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise ValueError("invalid stored name")


class FileStore(Protocol):
    def save(self, area: str, name: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        """Store ``data`` under ``name`` (whole or not at all; a second save replaces the first)."""

    def open(self, area: str, name: str) -> IO[bytes]:
        """The file for reading (close it); FileNotFoundError when there is none."""

    def exists(self, area: str, name: str) -> bool: ...

    def remove(self, area: str, name: str) -> None:
        """Delete the file; nothing happens when it is not there."""

    def names(self, area: str) -> list[str]:
        """Every file of the area, sorted (backups walk it)."""

    def send(self, area: str, name: str, *, mimetype: str, download_name: str, max_age: int = 0) -> Response:
        """The file as a download; FileNotFoundError when there is none."""


def read(store: FileStore, area: str, name: str) -> bytes:
    with store.open(area, name) as handle:
        return handle.read()


class LocalStore:
    """Files in folders of this machine (instance/ by default): what ``make run`` uses."""

    def __init__(self, folders: dict[str, str]):
        self.folders = folders

    def _path(self, area: str, name: str) -> str:
        _check(area, name)
        if area == "uploads":  # 256 sub-folders by the first two characters of the random name
            return os.path.join(self.folders[area], name[:2], name)
        return os.path.join(self.folders[area], name)

    def save(self, area, name, data, content_type="application/octet-stream"):
        path = self._path(area, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Written under a temporary name and renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    def open(self, area, name):
        return open(self._path(area, name), "rb")

    def exists(self, area, name):
        return os.path.isfile(self._path(area, name))

    def remove(self, area, name):
        try:
            os.remove(self._path(area, name))
        except FileNotFoundError:
            pass

    def names(self, area):
        _check(area, "x")
        found: list[str] = []
        for _folder, _subfolders, files in os.walk(self.folders[area]):
            found.extend(name for name in files if not name.startswith(".") and not name.endswith(".part"))
        return sorted(found)

    def send(self, area, name, *, mimetype, download_name, max_age=0):
        return send_file(
            self._path(area, name), mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=max_age
        )


class S3Store:
    """Files in an S3 bucket (boto3): every portal instance sees the same files."""

    def __init__(
        self,
        endpoint_url: str | None,
        bucket: str,
        access_key: str | None,
        secret_key: str | None,
        region: str = "us-east-1",
        prefix: str = "",
        send_mode: str = "proxy",
        url_seconds: int = 60,
    ):
        import boto3
        from botocore.config import Config as BotoConfig

        if send_mode not in {"proxy", "redirect"}:
            raise ValueError("S3_SEND must be 'proxy' or 'redirect'")
        self.bucket = bucket
        self.prefix = prefix
        self.send_mode = send_mode
        self.url_seconds = url_seconds
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region,
            config=BotoConfig(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def key(self, area: str, name: str) -> str:
        _check(area, name)
        return f"{self.prefix}{area}/{name}"

    def ensure_bucket(self) -> None:
        """Create the bucket if it is not there yet (deployment, tests)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def _missing(self, error: Exception) -> bool:
        from botocore.exceptions import ClientError

        if not isinstance(error, ClientError):
            return False
        code = str(error.response.get("Error", {}).get("Code", ""))
        return code in {"NoSuchKey", "404", "NotFound"}

    def save(self, area, name, data, content_type="application/octet-stream"):
        self.client.put_object(Bucket=self.bucket, Key=self.key(area, name), Body=data, ContentType=content_type)

    def open(self, area, name):
        key = self.key(area, name)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except Exception as error:
            if self._missing(error):
                raise FileNotFoundError(key) from error
            raise

    def exists(self, area, name):
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(area, name))
        except Exception as error:
            if self._missing(error):
                return False
            raise
        return True

    def remove(self, area, name):
        self.client.delete_object(Bucket=self.bucket, Key=self.key(area, name))

    def names(self, area):
        prefix = self.key(area, "x")[:-1]
        found: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            found.extend(item["Key"][len(prefix) :] for item in page.get("Contents", []))
        return sorted(name for name in found if name and "/" not in name)

    def send(self, area, name, *, mimetype, download_name, max_age=0):
        if self.send_mode == "redirect":
            if not self.exists(area, name):
                raise FileNotFoundError(self.key(area, name))
            # The disposition header a local download would carry, signed into the URL.
            disposition = _attachment_disposition(download_name)
            url = self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": self.key(area, name),
                    "ResponseContentType": mimetype,
                    "ResponseContentDisposition": disposition,
                },
                ExpiresIn=self.url_seconds,
            )
            response = redirect(url, code=302)
            response.headers["Cache-Control"] = "no-store"
            return response
        key = self.key(area, name)
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as error:
            if self._missing(error):
                raise FileNotFoundError(key) from error
            raise
        response = send_file(
            found["Body"],
            mimetype=mimetype,
            as_attachment=True,
            download_name=download_name,
            max_age=max_age,
            conditional=False,
            etag=False,
        )
        response.content_length = found["ContentLength"]
        return response


def _attachment_disposition(download_name: str) -> str:
    """``attachment; filename=...`` as werkzeug's send_file writes it (RFC 6266 ``filename*`` for Chinese names)."""
    try:
        download_name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode("ascii")
        return dump_options_header(
            "attachment", {"filename": simple, "filename*": "UTF-8''" + quote(download_name, safe="!#$&+-.^_`|~")}
        )
    return dump_options_header("attachment", {"filename": download_name})


def _local_folders() -> dict[str, str]:
    config, instance = current_app.config, current_app.instance_path
    return {
        "uploads": config.get("UPLOAD_DIR") or os.path.join(instance, "uploads"),
        "certificates": config.get("CERTIFICATE_CACHE_DIR") or os.path.join(instance, "cache", "certificates"),
        "notices": config.get("NOTICE_CACHE_DIR") or os.path.join(instance, "cache", "notices"),
        "audit": config.get("AUDIT_ARCHIVE_DIR") or os.path.join(instance, "archive", "audit"),
    }


def _s3_settings() -> tuple:
    config = current_app.config
    return (
        config.get("S3_ENDPOINT_URL"),
        config.get("S3_BUCKET") or "portal",
        config.get("S3_ACCESS_KEY"),
        config.get("S3_SECRET_KEY"),
        config.get("S3_REGION") or "us-east-1",
        config.get("S3_PREFIX") or "",
        config.get("S3_SEND") or "proxy",
        int(config.get("S3_URL_SECONDS") or 60),
    )


def file_store() -> FileStore:
    """The configured store of the current application."""
    backend = (current_app.config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        return LocalStore(_local_folders())  # folders read each time: tests point UPLOAD_DIR elsewhere
    if backend != "s3":
        raise ValueError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")
    settings = _s3_settings()
    stores = current_app.extensions.setdefault("portal_s3_stores", {})
    if settings not in stores:  # one client per configuration (boto3 clients are thread-safe)
        stores[settings] = S3Store(*settings)
    return stores[settings]


def prepare() -> str | None:
    """At deploy (``flask portal bootstrap``): create the S3 bucket if it is missing; what was checked, or None."""
    store = file_store()
    if isinstance(store, S3Store):
        store.ensure_bucket()
        return f"S3 bucket {store.bucket} ready"
    return None
