"""What a document check returns or refuses, and the normalisation every check starts with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.services.accounts.document_types import DocumentType
from app.services.errors import ServiceError

_DIGITS = "0123456789"

_DEFAULT_MESSAGES = {
    "required": _l("Please enter the number"),
    "inner_space": _l("The number must not contain spaces"),
    "document_type": _l("Unknown document type"),
    "check_digit": _l("The check digit is wrong"),
    "birth_date_mismatch": _l("The birth date does not match the document number"),
    "gender_mismatch": _l("The gender does not match the document number"),
    "start_future": _l("The start of validity cannot be in the future"),
    "end_before_start": _l("The end of validity is before its start"),
    "expired": _l("The document has expired"),
    "phone_invalid": _l("Enter an 11-digit mainland mobile number starting with 13 to 19"),
}


class DocumentError(ServiceError, ValueError):
    """A document number (or date, or code) was refused.

    ``code`` is a short, stable machine code (e.g. ``"check_digit"``);
    ``message`` is a lazy translatable string to show to the citizen.
    """

    def __init__(self, code: str, message=None):
        if message is None:
            message = _DEFAULT_MESSAGES.get(code) or _l("The number is not valid")
        super().__init__(message=message, code=code)

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"DocumentError(code={self.code!r})"


@dataclass(frozen=True)
class ParsedDocument:
    type: DocumentType
    number: str  # normalized
    birth_date: date | None = None
    gender: str | None = None  # "M", "F" or None
    needs_manual_check: bool = False  # e.g. old Taiwan booklet numbers
    country: str | None = None  # 2017 foreign ID alpha-3, foreign passport country


def normalize(raw: str) -> str:
    """Strip surrounding whitespace and upper-case; refuse whitespace inside."""
    value = ("" if raw is None else str(raw)).strip().upper()
    if any(ch.isspace() for ch in value):
        raise DocumentError("inner_space")
    return value


def is_digits(s: str) -> bool:
    """ASCII digits only (str.isdigit also accepts full-width and other digits)."""
    return bool(s) and all(ch in _DIGITS for ch in s)
