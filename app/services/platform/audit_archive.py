"""Audit-trail retention: rows older than ``AUDIT_RETENTION_DAYS`` go to the file store, a month a file.

The table keeps at least the retention period (等保: six months; the portal refuses a shorter setting at start).
Only whole Beijing-time months are archived, those that ended before the cutoff day, so each month is one
file, ``audit-YYYY-MM.jsonl.gz`` in the "audit" area of the file store (a local folder or the S3 bucket):
gzip'd JSON lines, one record a line, in id order, written byte-for-byte the same for the same records.
``audit-manifest.json`` beside them names each file's SHA-256 and record count.

A month's rows are deleted from the table only after its file was written, read back, matched its checksum and
held every row, and the manifest saying so was written and read back. A run that stops half-way leaves the rows
in the table; the next run reads the month's existing file (refusing one whose checksum is wrong), merges and
writes it again. Run by ``flask portal archive-audit`` and by beat daily (``portal.housekeeping.audit_archive``);
being a job, not a user's action, it commits month by month itself, so that a month is gone from the table only
once its own file is safe.
"""

import datetime
import gzip
import hashlib
import json
import logging
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app import clock
from app.extensions import db
from app.models import AuditRecord
from app.services.errors import ServiceError
from app.services.platform import audit
from app.services.platform.file_store import file_store
from app.services.platform.file_store import read as read_file

AREA = "audit"
MANIFEST = "audit-manifest.json"
MINIMUM_DAYS = 180
DELETE_CHUNK = 500

log = logging.getLogger(__name__)


class ArchiveRefused(ServiceError):
    def __init__(self, message):
        super().__init__(message=message)


def file_name(month: datetime.date) -> str:
    return f"audit-{month:%Y-%m}.jsonl.gz"


def retention_days() -> int:
    days = int(current_app.config.get("AUDIT_RETENTION_DAYS", MINIMUM_DAYS))
    if days < MINIMUM_DAYS:  # the factory refuses it too; a job never deletes inside the statutory period
        raise ArchiveRefused(_l("The audit trail must be kept at least %(days)d days", days=MINIMUM_DAYS))
    return days


def boundary(now: datetime.datetime) -> datetime.datetime:
    """Naive UTC: the start (Beijing time) of the month of the cutoff day; everything before it is archived."""
    cutoff = clock.china_date(now) - datetime.timedelta(days=retention_days())
    return clock.utc_of(datetime.datetime(cutoff.year, cutoff.month, 1))


def _month_of(moment: datetime.datetime) -> datetime.date:
    day = clock.china_date(moment)
    return datetime.date(day.year, day.month, 1)


def _next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def as_line(record: AuditRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "created_at": record.created_at.isoformat() + "Z",
        "event": record.event,
        "account_id": record.account_id,
        "actor_id": record.actor_id,
        "subject": record.subject,
        "ip_address": record.ip_address,
        "detail": record.detail,
    }


def _encode(lines: list[dict[str, Any]]) -> bytes:
    text = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)
    return gzip.compress(text.encode("utf-8"), mtime=0)  # mtime 0: the same records, the same bytes


def _decode(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in gzip.decompress(data).decode("utf-8").splitlines() if line]


def read_manifest() -> dict[str, Any]:
    store = file_store()
    if not store.exists(AREA, MANIFEST):
        return {"format": 1, "files": {}}
    return json.loads(read_file(store, AREA, MANIFEST))


def read_month(name: str, manifest: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The records of an archive file, after checking it against the manifest (ArchiveRefused if it differs)."""
    entry = (manifest or read_manifest())["files"].get(name)
    if entry is None:
        raise ArchiveRefused(_l("The audit archive %(name)s is not in the manifest", name=name))
    data = read_file(file_store(), AREA, name)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ArchiveRefused(_l("The audit archive %(name)s does not match its checksum", name=name))
    return _decode(data)


def _archive_month(month: datetime.date, end: datetime.datetime, manifest: dict[str, Any]) -> int:
    start = clock.utc_of(datetime.datetime(month.year, month.month, 1))
    rows = db.session.scalars(
        select(AuditRecord)
        .where(AuditRecord.created_at >= start, AuditRecord.created_at < end)
        .order_by(AuditRecord.id)
    ).all()
    name = file_name(month)
    merged = {line["id"]: line for line in (read_month(name, manifest) if name in manifest["files"] else [])}
    merged.update((row.id, as_line(row)) for row in rows)
    data = _encode([merged[key] for key in sorted(merged)])
    store = file_store()
    store.save(AREA, name, data, "application/gzip")
    written = read_file(store, AREA, name)
    ids = {row.id for row in rows}
    if written != data or not ids <= {line["id"] for line in _decode(written)}:
        raise ArchiveRefused(_l("The audit archive %(name)s could not be read back as written", name=name))
    manifest["files"][name] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "records": len(merged),
        "first_id": min(merged),
        "last_id": max(merged),
        "written_at": clock.now().isoformat() + "Z",
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    store.save(AREA, MANIFEST, manifest_bytes, "application/json")
    if read_file(store, AREA, MANIFEST) != manifest_bytes:
        raise ArchiveRefused(_l("The audit archive manifest could not be read back as written"))
    ordered = sorted(ids)
    for index in range(0, len(ordered), DELETE_CHUNK):
        db.session.execute(delete(AuditRecord).where(AuditRecord.id.in_(ordered[index : index + DELETE_CHUNK])))
    db.session.commit()
    return len(ids)


def archive(now: datetime.datetime | None = None) -> dict[str, int]:
    """Archive every whole month older than the retention period; what was archived (months, records)."""
    end_of_archive = boundary(now or clock.now())
    manifest = read_manifest()
    months = archived = 0
    while True:
        oldest = db.session.scalar(
            select(func.min(AuditRecord.created_at)).where(AuditRecord.created_at < end_of_archive)
        )
        if oldest is None:
            break
        month = _month_of(oldest)
        end = min(clock.utc_of(datetime.datetime.combine(_next_month(month), datetime.time())), end_of_archive)
        archived += _archive_month(month, end, manifest)
        months += 1
    if months:
        audit.record("audit.archived", months=months, records=archived, before=end_of_archive.isoformat() + "Z")
        db.session.commit()
    log.info("audit archive: %d months, %d records before %s", months, archived, end_of_archive)
    return {"months": months, "records": archived}
