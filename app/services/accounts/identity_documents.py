"""Identity documents: formats, check digits and validity periods.

Pure domain logic (standard library plus lazy translation strings), following
/work/shared/identity-documents.md:

* 居民身份证 (GB 11643-1999, ISO 7064 MOD 11-2 check character)
* 外国人永久居留身份证 (2023 edition: 18 characters starting with 9, MOD 11-2;
  2017 edition: 3 letters + 12 digits)
* 港澳居民来往内地通行证 (H/M + 8 digits, optional 2-digit issue count)
* 台湾居民来往大陆通行证 (8 digits; older booklet numbers flagged for manual check)
* 普通护照 (Chinese E/G formats, foreign passports 5-17 letters and digits)
* 统一社会信用代码 (GB 32100-2015)
* mainland mobile numbers

The document types and their labels live in ``document_types``, the error and
parsed result in ``document_errors``, the credit code in ``uscc``, masking in
``app.masking``; this module re-exports them as the one place callers import
from.

Every refusal is a :class:`DocumentError` with a stable ``code`` and a lazy,
translatable ``message``.  Msgids are English; the Chinese translations are
listed in :data:`CHINESE_LABELS_FOR_TRANSLATORS` for the catalogue maintainer.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import overload

from flask_babel import lazy_gettext as _l

from app import clock
from app.regions import IDENTITY_PROVINCE_CODES
from app.services.accounts.document_errors import DocumentError, ParsedDocument, is_digits, normalize
from app.services.accounts.document_types import (
    CHINESE_LABELS_FOR_TRANSLATORS,
    DOCUMENT_TYPE_LABELS,
    LEGAL_ENTITY_TYPE_LABELS,
    DocumentType,
    LegalEntityType,
)
from app.services.accounts.uscc import (
    USCC_ALPHABET,
    USCC_AUTHORITY_TYPE_PAIRS,
    make_uscc,
    uscc_check_char,
    validate_uscc,
)

__all__ = [
    "CHINESE_LABELS_FOR_TRANSLATORS",
    "DOCUMENT_TYPE_LABELS",
    "DocumentError",
    "DocumentType",
    "LEGAL_ENTITY_TYPE_LABELS",
    "LegalEntityType",
    "ParsedDocument",
    "PROVINCE_CODES",
    "USCC_ALPHABET",
    "USCC_AUTHORITY_TYPE_PAIRS",
    "check_consistency",
    "check_validity_period",
    "is_chinese_passport_country",
    "make_resident_id",
    "make_uscc",
    "normalize",
    "period_end_for",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_document",
    "validate_mobile",
    "validate_uscc",
]


# ---------------------------------------------------------------------------
# Constants of the formats
# ---------------------------------------------------------------------------

PROVINCE_CODES = IDENTITY_PROVINCE_CODES

_MOD11_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MOD11_CHARS = "10X98765432"

#: Values of ``passport_country`` that mean a PRC passport.
_CHINA_COUNTRY_VALUES = frozenset({"CHN", "CN", "CHINA", "PRC", "中国", "中华人民共和国"})

_DIGITS = "0123456789"
_LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_RE_CN_PASSPORT = re.compile(r"(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8})")
_RE_ALNUM = re.compile(r"[A-Z0-9]+")
_RE_MOBILE = re.compile(r"1[3-9][0-9]{9}")


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _is_latin(s: str) -> bool:
    return bool(s) and all(ch in _LATIN for ch in s)


@overload
def _as_date(value: date) -> date: ...
@overload
def _as_date(value: date | None) -> date | None: ...


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def _today(today) -> date:
    return _as_date(today) or clock.today()


def _parse_yyyymmdd(s: str) -> date | None:
    if len(s) != 8 or not is_digits(s):
        return None
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of 17 digits (GB 11643-1999)."""
    if len(first17) != 17 or not is_digits(first17):
        raise ValueError("17 digits expected")
    total = sum(int(ch) * w for ch, w in zip(first17, _MOD11_WEIGHTS))
    return _MOD11_CHARS[total % 11]


def make_resident_id(region: str, birth: date, seq: int) -> str:
    """Build a valid 18-character resident ID number (demo data, tests).

    ``seq`` is the 3-digit sequence (odd = male, even = female).
    """
    if len(region) != 6 or not is_digits(region):
        raise ValueError("region must be 6 digits")
    if not 0 <= seq <= 999:
        raise ValueError("seq must be between 0 and 999")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def is_chinese_passport_country(country: str | None) -> bool:
    """True when ``country`` is empty/None or designates the PRC."""
    if country is None:
        return True
    value = str(country).strip().upper()
    return value == "" or value in _CHINA_COUNTRY_VALUES


# ---------------------------------------------------------------------------
# Document validation
# ---------------------------------------------------------------------------


def _check_birth_date(birth_part: str, today: date) -> date:
    birth = _parse_yyyymmdd(birth_part)
    if birth is None:
        raise DocumentError("birth_date_invalid", _l("The birth date in the number is not a real date"))
    if birth > today:
        raise DocumentError("birth_date_future", _l("The birth date in the number is in the future"))
    if _age_on(birth, today) > 150:
        raise DocumentError("too_old", _l("The birth date in the number means an age over 150"))
    return birth


def _validate_resident_id(number: str, today: date) -> ParsedDocument:
    if len(number) == 15 and is_digits(number):
        raise DocumentError(
            "old_card",
            _l("The old 15-digit identity card is no longer accepted; enter your 18-digit number"),
        )
    if len(number) != 18:
        raise DocumentError("length", _l("A resident identity card number has 18 characters"))
    if not is_digits(number[:17]) or number[17] not in _DIGITS + "X":
        raise DocumentError("characters", _l("Only digits are allowed, with X as the last character"))
    if number[0] == "9":
        raise DocumentError(
            "wrong_document_type",
            _l(
                "Numbers starting with 9 belong to the foreigner's permanent residence ID card; "
                "choose that document type"
            ),
        )
    if number[:2] not in PROVINCE_CODES:
        raise DocumentError("province", _l("Unknown province code (first two digits)"))
    birth = _check_birth_date(number[6:14], today)
    if resident_id_check_char(number[:17]) != number[17]:
        raise DocumentError("check_digit")
    gender = "M" if int(number[16]) % 2 else "F"
    return ParsedDocument(DocumentType.RESIDENT_ID, number, birth_date=birth, gender=gender)


def _validate_foreign_permanent_id(number: str, today: date) -> ParsedDocument:
    if len(number) == 18:
        if not is_digits(number[:17]) or number[17] not in _DIGITS + "X":
            raise DocumentError("characters", _l("Only digits are allowed, with X as the last character"))
        if number[0] != "9":
            raise DocumentError(
                "wrong_document_type",
                _l(
                    "An 18-character foreigner's permanent residence ID number starts with 9; "
                    "this looks like a resident identity card number"
                ),
            )
        if resident_id_check_char(number[:17]) != number[17]:
            raise DocumentError("check_digit")
        # Layout (9, 2-digit place, 3-digit nationality, 8-digit birth date,
        # 3-digit sequence, check): only used to compare the birth date.
        birth = _parse_yyyymmdd(number[6:14])
        if birth is not None and (birth > today or _age_on(birth, today) > 150):
            birth = None
        return ParsedDocument(DocumentType.FOREIGN_PERMANENT_ID, number, birth_date=birth)
    if len(number) == 15:
        if not (_is_latin(number[:3]) and is_digits(number[3:])):
            raise DocumentError("characters", _l("A 2017-edition number is 3 Latin letters followed by 12 digits"))
        return ParsedDocument(DocumentType.FOREIGN_PERMANENT_ID, number, country=number[:3])
    raise DocumentError(
        "length",
        _l(
            "A foreigner's permanent residence ID number has 18 characters (2023 edition) "
            "or 15 characters (2017 edition)"
        ),
    )


def _validate_hk_macao_permit(number: str) -> ParsedDocument:
    if len(number) not in (9, 11):
        raise DocumentError(
            "length",
            _l("The permit number is H or M followed by 8 digits (some cards print 2 more digits)"),
        )
    if number[0] not in "HM":
        raise DocumentError("prefix", _l("The number must start with H (Hong Kong) or M (Macao)"))
    if not is_digits(number[1:]):
        raise DocumentError("characters", _l("Only digits are allowed after the first letter"))
    return ParsedDocument(DocumentType.HK_MACAO_PERMIT, number)


def _validate_taiwan_permit(number: str) -> ParsedDocument:
    if len(number) not in (8, 9, 10):
        raise DocumentError(
            "length",
            _l("The permit number has 8 digits (older booklets: 8 digits plus 1 or 2 characters)"),
        )
    if not is_digits(number[:8]) or not (len(number) == 8 or _RE_ALNUM.fullmatch(number[8:])):
        raise DocumentError(
            "characters", _l("The first 8 characters must be digits, followed only by letters or digits")
        )
    return ParsedDocument(DocumentType.TAIWAN_PERMIT, number, needs_manual_check=len(number) > 8)


def _validate_passport(number: str, passport_country: str | None) -> ParsedDocument:
    if is_chinese_passport_country(passport_country):
        if _RE_CN_PASSPORT.fullmatch(number):
            return ParsedDocument(DocumentType.PASSPORT, number, country="CHN")
        if len(number) == 9 and number[0] == "E" and number[1] in "IO" and is_digits(number[2:]):
            raise DocumentError("passport_letter", _l("The letter after E cannot be I or O"))
        if passport_country is None or not str(passport_country).strip():
            raise DocumentError(
                "passport_format",
                _l(
                    "Not a valid Chinese passport number (E or G + 8 digits, or E + letter + 7 digits); "
                    "for a foreign passport, also enter the issuing country"
                ),
            )
        raise DocumentError(
            "passport_format",
            _l("A Chinese passport number is E or G followed by 8 digits, or E, a letter and 7 digits"),
        )
    if not _RE_ALNUM.fullmatch(number):
        raise DocumentError("characters", _l("Only Latin letters and digits are allowed"))
    if not 5 <= len(number) <= 17:
        raise DocumentError("length", _l("A foreign passport number has 5 to 17 letters and digits"))
    country = str(passport_country).strip()
    if len(country) == 3 and _is_latin(country.upper()):
        country = country.upper()
    return ParsedDocument(DocumentType.PASSPORT, number, country=country)


def validate_document(
    doc_type: DocumentType | str,
    raw: str,
    today: date | None = None,
    *,
    passport_country: str | None = None,
) -> ParsedDocument:
    """Validate a document number; return what it encodes or raise DocumentError.

    ``today`` defaults to today in Beijing (``clock.today()``).  For passports, ``passport_country``
    None (or "CHN") accepts only the PRC formats; any other non-empty country
    accepts foreign passports (5-17 letters and digits).
    """
    try:
        doc_type = DocumentType(doc_type)
    except ValueError:
        raise DocumentError("document_type") from None
    number = normalize(raw)
    if not number:
        raise DocumentError("required")
    today = _today(today)
    if doc_type is DocumentType.RESIDENT_ID:
        return _validate_resident_id(number, today)
    if doc_type is DocumentType.FOREIGN_PERMANENT_ID:
        return _validate_foreign_permanent_id(number, today)
    if doc_type is DocumentType.HK_MACAO_PERMIT:
        return _validate_hk_macao_permit(number)
    if doc_type is DocumentType.TAIWAN_PERMIT:
        return _validate_taiwan_permit(number)
    return _validate_passport(number, passport_country)


_GENDER_VALUES = {
    "M": "M",
    "MALE": "M",
    "男": "M",
    "F": "F",
    "FEMALE": "F",
    "女": "F",
}


def check_consistency(parsed: ParsedDocument, birth_date: date | None = None, gender: str | None = None) -> None:
    """Refuse an entered birth date / gender that disagrees with the number.

    Only what the number encodes is compared; values left empty are skipped.
    ``gender`` accepts "M"/"F" (also "male"/"female", "男"/"女").
    """
    birth_date = _as_date(birth_date)
    if birth_date is not None and parsed.birth_date is not None and birth_date != parsed.birth_date:
        raise DocumentError("birth_date_mismatch")
    if gender is not None and str(gender).strip() and parsed.gender is not None:
        key = str(gender).strip().upper()
        if key not in _GENDER_VALUES:
            raise ValueError(f"unknown gender value {gender!r}")
        if _GENDER_VALUES[key] != parsed.gender:
            raise DocumentError("gender_mismatch")


# ---------------------------------------------------------------------------
# Validity periods
# ---------------------------------------------------------------------------


def check_validity_period(start: date, end: date | None, today: date | None = None) -> None:
    """Refuse an impossible or expired validity period.

    ``end`` None means 长期有效 (long-term).  The document is still valid on
    its end date.
    """
    today = _today(today)
    start = _as_date(start)
    end = _as_date(end)
    if start > today:
        raise DocumentError("start_future")
    if end is not None:
        if end < start:
            raise DocumentError("end_before_start")
        if end < today:
            raise DocumentError("expired")


def period_end_for(start: date, years: int) -> date:
    """End of a validity of ``years`` years (same month and day; 29 Feb -> 28 Feb)."""
    if years <= 0:
        raise ValueError("years must be positive")
    start = _as_date(start)
    year = start.year + years
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a non-leap year
        return start.replace(year=year, day=28)


# ---------------------------------------------------------------------------
# Mobile phone numbers
# ---------------------------------------------------------------------------


def validate_mobile(raw: str) -> str:
    """Mainland mobile number: 11 digits, 1[3-9] followed by 9 digits."""
    number = normalize(raw)
    if not _RE_MOBILE.fullmatch(number):
        raise DocumentError("phone_invalid")
    return number
