"""What the register queries share: page bounds, prefix matching, masking, registration status."""

import datetime
from collections.abc import Callable

from sqlalchemy import and_, bindparam

from app.extensions import db
from app.masking import mask_document
from app.models import PersonRegistration
from app.services.accounts.identity_documents import DocumentType

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 50
MAX_PAGE = 100  # deeper pages are refused: narrow the search instead


def bounds(page: int, per_page: int) -> tuple[int, int]:
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        page, per_page = 1, DEFAULT_PER_PAGE
    return max(1, min(page, MAX_PAGE)), max(1, min(per_page, MAX_PER_PAGE))


def _next_prefix(prefix: str) -> str:
    """The smallest string after every string that starts with ``prefix`` (code point order)."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:
        last = 0xE000
    if last > 0x10FFFF:
        return _next_prefix(prefix[:-1]) if len(prefix) > 1 else "\U0010ffff"
    return prefix[:-1] + chr(last)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def prefix_values(key: str, prefix: str, dialect_name: str) -> dict:
    """The values ``prefix_clause`` asks for, for names beginning with ``prefix``."""
    if dialect_name == "sqlite":
        return {f"{key}_from": prefix, f"{key}_before": _next_prefix(prefix)}
    escaped = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return {f"{key}_like": escaped + "%"}


def prefix_clause(column, key: str, dialect_name: str, value: Callable):
    """``column LIKE 'prefix%'`` as an index range scan on both databases; ``value(name)`` gives each value
    (the value itself, or a placeholder of a kept statement: ``literal`` / ``placeholder``).

    PostgreSQL: LIKE with the wildcards in the prefix escaped (as SQLAlchemy's ``autoescape``); the
    code-point-ordered name index serves it. SQLite: its LIKE is case-insensitive and ignores a plain index,
    so the same prefix is asked as a ``>= / <`` range (byte order = code point order).
    """
    if dialect_name == "sqlite":
        return and_(column >= value(f"{key}_from"), column < value(f"{key}_before"))
    return column.like(value(f"{key}_like"), escape="/")


def literal(values: dict) -> Callable:
    """Each value as it is: a statement built for one search."""
    return values.__getitem__


def placeholder(name: str):
    """A named placeholder: a statement built once for every search of its shape, run with each one's values
    (building a statement cost a results page more than running it)."""
    return bindparam(name)


def mask_document_number(number: str) -> str:
    """A document number of unknown type: 18 characters keep 4 + 4 visible, others 2 + 2."""
    value = (number or "").strip().upper()
    return mask_document(DocumentType.RESIDENT_ID if len(value) == 18 else DocumentType.PASSPORT, value)


def masked_document(doc_type: str, number: str) -> str:
    try:
        return mask_document(doc_type, number)
    except ValueError:
        return mask_document(DocumentType.PASSPORT, number)  # first 2 and last 2 only


def registration_status(registration: PersonRegistration, today: datetime.date) -> str:
    if registration.status == "cancelled":
        return "cancelled"
    return "valid" if registration.valid_to >= today else "expired"
