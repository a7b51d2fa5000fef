"""The audit trail of a period (Beijing dates, both included) as CSV or Excel, for the auditor (审计员).

Every export is itself an audit row (``audit.exported``: who, which period, which format). Only what the table
still holds is exported; months past the retention period are in the archive files (audit_archive.py).
"""

import csv
import datetime
import io
import json
from collections.abc import Iterator

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditRecord
from app.services.errors import ServiceError
from app.services.platform import audit

FORMATS = ("csv", "xlsx")
MAX_DAYS = 366
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportRefused(ServiceError):
    pass


def default_period() -> tuple[datetime.date, datetime.date]:
    """What the export form offers first: the last 30 days (Beijing)."""
    today = clock.today()
    return today - datetime.timedelta(days=30), today


def _date(text: str, field: str, errors: dict) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        errors[field] = _l("Enter a date as YYYY-MM-DD")
        return None


def period(start_text: str, end_text: str) -> tuple[datetime.date, datetime.date]:
    """The period asked for; ExportRefused with the field's message when it is not one."""
    errors: dict = {}
    start, end = _date(start_text, "start", errors), _date(end_text, "end", errors)
    if start and end:
        if end < start:
            errors["end"] = _l("The end date is before the start date")
        elif (end - start).days >= MAX_DAYS:
            errors["end"] = _l("At most %(days)d days at a time", days=MAX_DAYS)
    if errors or start is None or end is None:
        raise ExportRefused(errors)
    return start, end


def records(start: datetime.date, end: datetime.date) -> Iterator[AuditRecord]:
    first = clock.utc_of(datetime.datetime.combine(start, datetime.time()))
    after = clock.utc_of(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    query = (
        select(AuditRecord)
        .where(AuditRecord.created_at >= first, AuditRecord.created_at < after)
        .order_by(AuditRecord.created_at, AuditRecord.id)
        .execution_options(yield_per=1000)
    )
    yield from db.session.scalars(query)


def header() -> list[str]:
    return [
        gettext("Record ID"),
        gettext("Time (Beijing)"),
        gettext("Event code"),
        gettext("Event"),
        gettext("Account identifier"),
        gettext("Account ID"),
        gettext("Operator ID"),
        gettext("IP address"),
        gettext("Details"),
    ]


def rows(start: datetime.date, end: datetime.date) -> Iterator[list]:
    labels = audit.EVENT_LABELS
    for record in records(start, end):
        yield [
            record.id,
            clock.in_china(record.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            record.event,
            str(labels.get(record.event, "")),
            record.subject,
            record.account_id if record.account_id is not None else "",
            record.actor_id if record.actor_id is not None else "",
            record.ip_address,
            json.dumps(record.detail, ensure_ascii=False, sort_keys=True) if record.detail else "",
        ]


def _csv(start: datetime.date, end: datetime.date) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(out)
    writer.writerow(header())
    writer.writerows(rows(start, end))
    return out.getvalue().encode("utf-8")


def _xlsx(start: datetime.date, end: datetime.date) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Audit trail")
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(start, end):
        sheet.append(row)
    for column, width in zip("ABCDEFGHI", (10, 20, 26, 30, 24, 10, 10, 18, 60), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(actor, start_text: str, end_text: str, fmt: str, ip: str = "") -> tuple[bytes, str, str]:
    """(content, mimetype, file name) of the period's audit trail; the export is recorded. The caller commits."""
    if fmt not in FORMATS:
        raise ExportRefused({"format": _l("Choose CSV or Excel")})
    start, end = period(start_text, end_text)
    content = _csv(start, end) if fmt == "csv" else _xlsx(start, end)
    audit.record("audit.exported", actor=actor, ip=ip, start=start.isoformat(), end=end.isoformat(), format=fmt)
    name = f"audit-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    return content, ("text/csv" if fmt == "csv" else XLSX), name
