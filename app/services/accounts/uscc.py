"""统一社会信用代码 (GB 32100-2015): alphabet, check character, authority/type pairs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.accounts.document_errors import DocumentError, is_digits, normalize
from app.services.accounts.document_types import LegalEntityType

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: Registration-authority code + organisation-type code pairs of GB 32100-2015.
# fmt: off
USCC_AUTHORITY_TYPE_PAIRS = frozenset(
    {
        "11", "12", "13", "19",  # 机构编制
        "21", "29",  # 外交
        "31", "32", "33", "34", "35", "39",  # 司法行政
        "41", "49",  # 文化
        "51", "52", "53", "59",  # 民政
        "61", "62", "69",  # 旅游
        "71", "72", "79",  # 宗教
        "81", "89",  # 工会
        "91", "92", "93",  # 工商
        "A1", "A9",  # 中央军委改革和编制办公室
        "N1", "N2", "N3", "N9",  # 农业
        "Y1",  # 其他
    }
)
# fmt: on

_CIVIL_AFFAIRS_PAIRS = frozenset({"51", "52", "53", "59"})
_ESTABLISHMENT_PAIRS = frozenset({"11", "12", "13", "19"})


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


def make_uscc(prefix17: str) -> str:
    """Append the GB 32100-2015 check character to 17 characters."""
    prefix17 = prefix17.upper()
    return prefix17 + uscc_check_char(prefix17)


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
    if not is_digits(code[2:8]):
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
