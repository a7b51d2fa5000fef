"""Input cleaning of the public queries: raw query-string values -> filters, or a message per field."""

import re
import unicodedata
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from app.services.accounts.identity_documents import DocumentError, validate_uscc
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.errors import ServiceError
from app.services.registers.query_helpers import MAX_PAGE
from app.services.registers.vocabularies import (
    ENTERPRISE_KINDS,
    GRADES_BY_KIND,
    PROVINCES,
    QUALIFICATIONS_BY_KIND,
    SPECIALTIES,
    SPECIALTIES_BY_QUALIFICATION,
)

NAME_MAX_LENGTH = 50
ENTERPRISE_NAME_MAX_LENGTH = 100


class QueryInputError(ServiceError, ValueError):
    def __init__(self, message):
        super().__init__(message=message)


_RE_DOCUMENT = re.compile(r"[A-Z0-9]{5,18}")
_RE_REGISTRATION = re.compile(r"[\u4e00-\u9fffA-Z0-9]{6,20}")
_RE_CERTIFICATE = re.compile(r"[\u4e00-\u9fffA-Z0-9\-]{4,40}")
_RE_APPLICATION_NUMBER = re.compile(r"[A-Z0-9\-]{8,32}")
_RAW_MAX = 10_000  # longer raw values are cut before they are looked at (and refused by length)


def clean_text(raw, max_length: int) -> str:
    value = (raw or "").strip()
    if len(value) > max_length:
        raise QueryInputError(_l("At most %(n)s characters, please", n=max_length))
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise QueryInputError(_l("Remove the control characters from what you entered"))
    return value


def _compact(raw, max_length: int) -> str:
    """Upper case, without spaces (people paste numbers with spaces)."""
    value = re.sub(r"\s+", "", raw or "").upper()
    if len(value) > max_length:
        raise QueryInputError(_l("At most %(n)s characters, please", n=max_length))
    return value


def clean_page(raw) -> int:
    value = (raw or "").strip()
    if not value:
        return 1
    if len(value) > 4 or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise QueryInputError(
            _l("The page number must be a whole number from 1 to %(max)s; to see more, narrow the search", max=MAX_PAGE)
        )
    return int(value)


def clean_choice(raw, choices) -> str:
    value = (raw or "").strip()
    if value and value not in choices:
        raise QueryInputError(_l("Please choose from the list"))
    return value


def clean_uscc(raw) -> str:
    value = _compact(raw, 18)
    if not value:
        return ""
    try:
        return validate_uscc(value)
    except DocumentError as error:
        raise QueryInputError(error.message) from None


def clean_document_number(raw) -> str:
    value = _compact(raw, 18)
    if value and not _RE_DOCUMENT.fullmatch(value):
        raise QueryInputError(_l("Enter the whole document number: 5 to 18 letters or digits"))
    return value


def clean_registration_number(raw) -> str:
    value = _compact(raw, 20)
    if value and not _RE_REGISTRATION.fullmatch(value):
        raise QueryInputError(_l("Enter the whole registration number, for example 京111202000123"))
    return value


def clean_certificate_number(raw) -> str:
    value = _compact(raw, 40)
    if value and not _RE_CERTIFICATE.fullmatch(value):
        raise QueryInputError(_l("Enter the whole certificate number, for example D111000001"))
    return value


def _clean_all(args: Mapping, cleaners: dict) -> tuple[dict, dict]:
    values, errors = {}, {}
    for name, cleaner in cleaners.items():
        raw = args.get(name)
        if raw is not None and len(raw) > _RAW_MAX:
            raw = raw[:_RAW_MAX]
        try:
            values[name] = cleaner(raw)
        except QueryInputError as error:
            errors[name] = error.message
            values[name] = None
    return values, errors


def clean_progress_query(args: Mapping) -> tuple[dict, dict]:
    def number(raw):
        value = _compact(raw, 32)
        if not value:
            raise QueryInputError(_l("Please enter the application number"))
        if not _RE_APPLICATION_NUMBER.fullmatch(value):
            raise QueryInputError(_l("Enter the application number given on submission, for example 2026030112345678"))
        return value

    def name(raw):
        value = clean_text(raw, NAME_MAX_LENGTH)
        if not value:
            raise QueryInputError(_l("Please enter the applicant's name or the certificate number"))
        return value

    return _clean_all(args, {"number": number, "name": name})


def clean_enterprise_query(args: Mapping) -> tuple[dict, dict]:
    """Filters of 企业资质查询; the kind is required and decides which qualifications and grades exist."""

    def kind(raw):
        value = clean_choice(raw, ENTERPRISE_KINDS)
        if not value:
            raise QueryInputError(_l("Please choose the kind of enterprise first"))
        return value

    values, errors = _clean_all(
        args,
        {
            "kind": kind,
            "name": lambda raw: clean_text(raw, ENTERPRISE_NAME_MAX_LENGTH),
            "uscc": clean_uscc,
            "certificate_number": clean_certificate_number,
            "province": lambda raw: clean_choice(raw, PROVINCES),
            "page": clean_page,
        },
    )
    chosen = values.get("kind") or ""
    more, more_errors = _clean_all(
        args,
        {
            "qualification": lambda raw: clean_choice(raw, QUALIFICATIONS_BY_KIND.get(chosen, ())),
            "grade": lambda raw: clean_choice(raw, GRADES_BY_KIND.get(chosen, ())),
        },
    )
    values.update(more)
    errors.update(more_errors)
    return values, errors


PEOPLE_KEY_FILTERS = ("name", "document_number", "registration_number", "employer")
KEY_FILTER_MESSAGE = _l("Enter a name, an identity document number, a registration number or an employer")


def clean_people_query(args: Mapping) -> tuple[dict, dict]:
    """Filters of 人员资格查询: at least a name, a document number, a registration number or an employer."""
    values, errors = _clean_all(
        args,
        {
            "name": lambda raw: clean_text(raw, NAME_MAX_LENGTH),
            "document_number": clean_document_number,
            "registration_number": clean_registration_number,
            "employer": lambda raw: clean_text(raw, ENTERPRISE_NAME_MAX_LENGTH),
            "qualification": lambda raw: clean_choice(raw, QUALIFICATION_NAMES),
            "province": lambda raw: clean_choice(raw, PROVINCES),
            "page": clean_page,
        },
    )
    chosen = values.get("qualification") or ""
    more, more_errors = _clean_all(
        args,
        {
            "specialty": lambda raw: clean_choice(raw, SPECIALTIES_BY_QUALIFICATION.get(chosen, SPECIALTIES)),
        },
    )
    values.update(more)
    errors.update(more_errors)
    if not errors and not any(values.get(key) for key in PEOPLE_KEY_FILTERS):
        errors["name"] = KEY_FILTER_MESSAGE
    return values, errors
