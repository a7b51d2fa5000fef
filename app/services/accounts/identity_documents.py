"""Identity documents: formats, check digits, validity periods and masking.

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
* masking for display

Every refusal is a :class:`DocumentError` with a stable ``code`` and a lazy,
translatable ``message``.  Msgids are English; the Chinese translations are
listed in :data:`CHINESE_LABELS_FOR_TRANSLATORS` for the catalogue maintainer.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app import clock
from app.services.errors import ServiceError

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
# Types and labels
# ---------------------------------------------------------------------------


class DocumentType(str, enum.Enum):
    RESIDENT_ID = "resident_id"  # 居民身份证
    PASSPORT = "passport"  # 普通护照
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    FOREIGN_PERMANENT_ID = "foreign_permanent_id"  # 外国人永久居留身份证

    def __str__(self) -> str:
        return self.value

    @property
    def label(self):
        return DOCUMENT_TYPE_LABELS[self]


class LegalEntityType(str, enum.Enum):
    ENTERPRISE = "enterprise"  # 企业法人
    SOCIAL_ORGANIZATION = "social_organization"  # 社团法人
    PUBLIC_INSTITUTION = "public_institution"  # 机关事业单位法人
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户
    PARTNERSHIP = "partnership"  # 普通合伙企业

    def __str__(self) -> str:
        return self.value

    @property
    def label(self):
        return LEGAL_ENTITY_TYPE_LABELS[self]


DOCUMENT_TYPE_LABELS = {
    DocumentType.RESIDENT_ID: _l("Resident identity card"),
    DocumentType.PASSPORT: _l("Ordinary passport"),
    DocumentType.TAIWAN_PERMIT: _l("Mainland Travel Permit for Taiwan Residents"),
    DocumentType.HK_MACAO_PERMIT: _l("Mainland Travel Permit for Hong Kong and Macao Residents"),
    DocumentType.FOREIGN_PERMANENT_ID: _l("Foreigner's Permanent Residence ID Card"),
}

LEGAL_ENTITY_TYPE_LABELS = {
    LegalEntityType.ENTERPRISE: _l("Enterprise legal person"),
    LegalEntityType.SOCIAL_ORGANIZATION: _l("Social organisation legal person"),
    LegalEntityType.PUBLIC_INSTITUTION: _l("Government agency or public institution legal person"),
    LegalEntityType.INDIVIDUAL_BUSINESS: _l("Individual business"),
    LegalEntityType.PARTNERSHIP: _l("General partnership"),
}

#: Every msgid used in this module -> its Chinese translation (for the catalogue).
CHINESE_LABELS_FOR_TRANSLATORS = {
    # document types
    "Resident identity card": "居民身份证",
    "Ordinary passport": "普通护照",
    "Mainland Travel Permit for Taiwan Residents": "台湾居民来往大陆通行证",
    "Mainland Travel Permit for Hong Kong and Macao Residents": "港澳居民来往内地通行证",
    "Foreigner's Permanent Residence ID Card": "外国人永久居留身份证",
    # legal-entity types
    "Enterprise legal person": "企业法人",
    "Social organisation legal person": "社团法人",
    "Government agency or public institution legal person": "机关事业单位法人",
    "Individual business": "个体工商户",
    "General partnership": "普通合伙企业",
    # general
    "The number is not valid": "号码无效",
    "Please enter the number": "请输入号码",
    "The number must not contain spaces": "号码中间不能有空格",
    "Unknown document type": "未知的证件类型",
    "The check digit is wrong": "校验位错误",
    # resident identity card
    "The old 15-digit identity card is no longer accepted; enter your 18-digit number": "15位旧版身份证已停止使用，请填写18位身份证号码",
    "A resident identity card number has 18 characters": "居民身份证号码应为18位",
    "Only digits are allowed, with X as the last character": "只能填写数字，最后一位可以是X",
    "Numbers starting with 9 belong to the foreigner's permanent residence ID card; "
    "choose that document type": "以9开头的号码属于外国人永久居留身份证，请选择该证件类型",
    "Unknown province code (first two digits)": "前两位省份代码不存在",
    "The birth date in the number is not a real date": "号码中的出生日期不存在",
    "The birth date in the number is in the future": "号码中的出生日期晚于今天",
    "The birth date in the number means an age over 150": "号码中的出生日期表明年龄超过150岁",
    # foreigner's permanent residence ID card
    "A foreigner's permanent residence ID number has 18 characters (2023 edition) "
    "or 15 characters (2017 edition)": "外国人永久居留身份证号码应为18位（2023版）或15位（2017版）",
    "An 18-character foreigner's permanent residence ID number starts with 9; "
    "this looks like a resident identity card number": "18位外国人永久居留身份证号码以9开头，该号码像是居民身份证号码",
    "A 2017-edition number is 3 Latin letters followed by 12 digits": "2017版号码应为3位英文字母加12位数字",
    # Hong Kong and Macao permit
    "The permit number is H or M followed by 8 digits (some cards print 2 more digits)": "通行证号码应为H或M加8位数字（部分证件后面还有2位数字）",
    "The number must start with H (Hong Kong) or M (Macao)": "号码应以H（香港）或M（澳门）开头",
    "Only digits are allowed after the first letter": "首字母之后只能是数字",
    # Taiwan permit
    "The permit number has 8 digits (older booklets: 8 digits plus 1 or 2 characters)": "通行证号码应为8位数字（旧版本式证件为8位数字加1至2位字符）",
    "The first 8 characters must be digits, followed only by letters or digits": "前8位必须是数字，之后只能是字母或数字",
    # passports
    "A Chinese passport number is E or G followed by 8 digits, or E, a letter and 7 digits": "中国护照号码应为E或G加8位数字，或E加1位字母再加7位数字",
    "Not a valid Chinese passport number (E or G + 8 digits, or E + letter + 7 digits); "
    "for a foreign passport, also enter the issuing country": "不是有效的中国护照号码（E或G加8位数字，或E加1位字母再加7位数字）；如为外国护照，请同时填写签发国家",
    "The letter after E cannot be I or O": "E后面的字母不能是I或O",
    "A foreign passport number has 5 to 17 letters and digits": "外国护照号码应为5至17位字母或数字",
    "Only Latin letters and digits are allowed": "只能填写英文字母和数字",
    # consistency
    "The birth date does not match the document number": "出生日期与证件号码不一致",
    "The gender does not match the document number": "性别与证件号码不一致",
    # validity period
    "The start of validity cannot be in the future": "有效期起始日期不能晚于今天",
    "The end of validity is before its start": "有效期截止日期早于起始日期",
    "The document has expired": "证件已过期",
    # unified social credit code
    "A unified social credit code has 18 characters": "统一社会信用代码应为18位",
    "Invalid character %(char)s: only digits and capital letters other than I, O, Z, S "
    "and V are allowed": "无效字符%(char)s：只能使用数字和除I、O、Z、S、V以外的大写字母",
    "Characters 3 to 8 (the region code) must be digits": "第3至8位（行政区划码）必须是数字",
    "Unknown registration authority and organisation type (first two characters)": "登记管理部门码和机构类别码（前两位）不存在",
    "Codes starting with 92 belong to individual businesses": "以92开头的代码属于个体工商户",
    "The code of an individual business starts with 92": "个体工商户的代码以92开头",
    "Codes starting with 51, 52, 53 or 59 belong to social organisations": "以51、52、53、59开头的代码属于社团法人",
    "Codes starting with 11, 12, 13 or 19 belong to government agencies and public institutions": "以11、12、13、19开头的代码属于机关事业单位法人",
    # mobile phone
    "Enter an 11-digit mainland mobile number starting with 13 to 19": "请填写以13至19开头的11位大陆手机号码",
}


# ---------------------------------------------------------------------------
# Errors and results
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Constants of the formats
# ---------------------------------------------------------------------------

PROVINCE_CODES = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83"]
)

_MOD11_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MOD11_CHARS = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: Registration-authority code + organisation-type code pairs of GB 32100-2015.
USCC_AUTHORITY_TYPE_PAIRS = frozenset(
    {
        "11",
        "12",
        "13",
        "19",  # 机构编制
        "21",
        "29",  # 外交
        "31",
        "32",
        "33",
        "34",
        "35",
        "39",  # 司法行政
        "41",
        "49",  # 文化
        "51",
        "52",
        "53",
        "59",  # 民政
        "61",
        "62",
        "69",  # 旅游
        "71",
        "72",
        "79",  # 宗教
        "81",
        "89",  # 工会
        "91",
        "92",
        "93",  # 工商
        "A1",
        "A9",  # 中央军委改革和编制办公室
        "N1",
        "N2",
        "N3",
        "N9",  # 农业
        "Y1",  # 其他
    }
)

_CIVIL_AFFAIRS_PAIRS = frozenset({"51", "52", "53", "59"})
_ESTABLISHMENT_PAIRS = frozenset({"11", "12", "13", "19"})

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


def _is_digits(s: str) -> bool:
    """ASCII digits only (str.isdigit also accepts full-width and other digits)."""
    return bool(s) and all(ch in _DIGITS for ch in s)


def _is_latin(s: str) -> bool:
    return bool(s) and all(ch in _LATIN for ch in s)


def _as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def _today(today) -> date:
    return _as_date(today) or clock.today()


def _parse_yyyymmdd(s: str) -> date | None:
    if len(s) != 8 or not _is_digits(s):
        return None
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def normalize(raw: str) -> str:
    """Strip surrounding whitespace and upper-case; refuse whitespace inside."""
    value = ("" if raw is None else str(raw)).strip().upper()
    if any(ch.isspace() for ch in value):
        raise DocumentError("inner_space")
    return value


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of 17 digits (GB 11643-1999)."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError("17 digits expected")
    total = sum(int(ch) * w for ch, w in zip(first17, _MOD11_WEIGHTS))
    return _MOD11_CHARS[total % 11]


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character of the first 17 characters."""
    first17 = first17.upper()
    if len(first17) != 17 or any(ch not in USCC_ALPHABET for ch in first17):
        raise ValueError("17 characters of the USCC alphabet expected")
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS))
    c = 31 - total % 31
    if c == 31:
        c = 0
    return USCC_ALPHABET[c]


def make_resident_id(region: str, birth: date, seq: int) -> str:
    """Build a valid 18-character resident ID number (demo data, tests).

    ``seq`` is the 3-digit sequence (odd = male, even = female).
    """
    if len(region) != 6 or not _is_digits(region):
        raise ValueError("region must be 6 digits")
    if not 0 <= seq <= 999:
        raise ValueError("seq must be between 0 and 999")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def make_uscc(prefix17: str) -> str:
    """Append the GB 32100-2015 check character to 17 characters."""
    prefix17 = prefix17.upper()
    return prefix17 + uscc_check_char(prefix17)


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
    if len(number) == 15 and _is_digits(number):
        raise DocumentError(
            "old_card",
            _l("The old 15-digit identity card is no longer accepted; enter your 18-digit number"),
        )
    if len(number) != 18:
        raise DocumentError("length", _l("A resident identity card number has 18 characters"))
    if not _is_digits(number[:17]) or number[17] not in _DIGITS + "X":
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
        if not _is_digits(number[:17]) or number[17] not in _DIGITS + "X":
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
        if not (_is_latin(number[:3]) and _is_digits(number[3:])):
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
    if not _is_digits(number[1:]):
        raise DocumentError("characters", _l("Only digits are allowed after the first letter"))
    return ParsedDocument(DocumentType.HK_MACAO_PERMIT, number)


def _validate_taiwan_permit(number: str) -> ParsedDocument:
    if len(number) not in (8, 9, 10):
        raise DocumentError(
            "length",
            _l("The permit number has 8 digits (older booklets: 8 digits plus 1 or 2 characters)"),
        )
    if not _is_digits(number[:8]) or not (len(number) == 8 or _RE_ALNUM.fullmatch(number[8:])):
        raise DocumentError(
            "characters", _l("The first 8 characters must be digits, followed only by letters or digits")
        )
    return ParsedDocument(DocumentType.TAIWAN_PERMIT, number, needs_manual_check=len(number) > 8)


def _validate_passport(number: str, passport_country: str | None) -> ParsedDocument:
    if is_chinese_passport_country(passport_country):
        if _RE_CN_PASSPORT.fullmatch(number):
            return ParsedDocument(DocumentType.PASSPORT, number, country="CHN")
        if len(number) == 9 and number[0] == "E" and number[1] in "IO" and _is_digits(number[2:]):
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
# Unified social credit code (GB 32100-2015)
# ---------------------------------------------------------------------------


def validate_uscc(raw: str, entity_type: LegalEntityType | str | None = None) -> str:
    """Validate a unified social credit code; return it normalized."""
    code = normalize(raw)
    if not code:
        raise DocumentError("required")
    if len(code) != 18:
        raise DocumentError("length", _l("A unified social credit code has 18 characters"))
    for ch in code:
        if ch not in USCC_ALPHABET:
            raise DocumentError(
                "characters",
                _l(
                    "Invalid character %(char)s: only digits and capital letters other than I, O, Z, S "
                    "and V are allowed",
                    char=ch,
                ),
            )
    pair = code[:2]
    if pair not in USCC_AUTHORITY_TYPE_PAIRS:
        raise DocumentError(
            "unknown_authority",
            _l("Unknown registration authority and organisation type (first two characters)"),
        )
    if not _is_digits(code[2:8]):
        raise DocumentError("region", _l("Characters 3 to 8 (the region code) must be digits"))
    if uscc_check_char(code[:17]) != code[17]:
        raise DocumentError("check_digit")
    if entity_type is not None and str(entity_type).strip():
        entity_type = LegalEntityType(entity_type)
        _check_uscc_entity_type(pair, entity_type)
    return code


def _check_uscc_entity_type(pair: str, entity_type: LegalEntityType) -> None:
    """Only the unambiguous rules: 92 <=> individual business; 民政 => 社团法人;
    机构编制 => 机关事业单位法人."""
    individual = entity_type is LegalEntityType.INDIVIDUAL_BUSINESS
    if pair == "92" and not individual:
        raise DocumentError("entity_type_mismatch", _l("Codes starting with 92 belong to individual businesses"))
    if individual and pair != "92":
        raise DocumentError("entity_type_mismatch", _l("The code of an individual business starts with 92"))
    if pair in _CIVIL_AFFAIRS_PAIRS and entity_type is not LegalEntityType.SOCIAL_ORGANIZATION:
        raise DocumentError(
            "entity_type_mismatch", _l("Codes starting with 51, 52, 53 or 59 belong to social organisations")
        )
    if pair in _ESTABLISHMENT_PAIRS and entity_type is not LegalEntityType.PUBLIC_INSTITUTION:
        raise DocumentError(
            "entity_type_mismatch",
            _l("Codes starting with 11, 12, 13 or 19 belong to government agencies and public institutions"),
        )


# ---------------------------------------------------------------------------
# Mobile phone numbers
# ---------------------------------------------------------------------------


def validate_mobile(raw: str) -> str:
    """Mainland mobile number: 11 digits, 1[3-9] followed by 9 digits."""
    number = normalize(raw)
    if not _RE_MOBILE.fullmatch(number):
        raise DocumentError("phone_invalid")
    return number
