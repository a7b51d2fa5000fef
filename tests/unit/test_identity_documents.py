"""Unit tests of app.services.accounts.identity_documents (no Flask app needed)."""

import ast
import dataclasses
import inspect
from datetime import date, datetime

import pytest

from app.masking import mask_document, mask_name, mask_phone, mask_uscc
from app.services.accounts import document_errors, document_types, uscc
from app.services.accounts import identity_documents as idd
from app.services.accounts.identity_documents import (
    CHINESE_LABELS_FOR_TRANSLATORS,
    DOCUMENT_TYPE_LABELS,
    LEGAL_ENTITY_TYPE_LABELS,
    DocumentError,
    DocumentType,
    LegalEntityType,
    ParsedDocument,
    check_consistency,
    check_validity_period,
    make_resident_id,
    make_uscc,
    normalize,
    period_end_for,
    resident_id_check_char,
    validate_document,
    validate_mobile,
    validate_uscc,
)

TODAY = date(2025, 6, 1)
SPEC_ID = "11010519491231002X"
SPEC_USCC = "91350100M000100Y43"

RID = DocumentType.RESIDENT_ID
FID = DocumentType.FOREIGN_PERMANENT_ID
HK = DocumentType.HK_MACAO_PERMIT
TW = DocumentType.TAIWAN_PERMIT
PP = DocumentType.PASSPORT


def error_code(func, *args, **kwargs):
    with pytest.raises(DocumentError) as info:
        func(*args, **kwargs)
    return info.value.code


def foreign_2023(place="31", nationality="840", birth="19850615", seq="001"):
    first17 = "9" + place + nationality + birth + seq
    assert len(first17) == 17
    return first17 + resident_id_check_char(first17)


# ---------------------------------------------------------------------------
# Enums, labels, errors
# ---------------------------------------------------------------------------


def test_document_type_values():
    assert [t.value for t in DocumentType] == [
        "resident_id",
        "passport",
        "taiwan_permit",
        "hk_macao_permit",
        "foreign_permanent_id",
    ]
    assert DocumentType("passport") is PP
    assert PP == "passport"
    assert str(PP) == "passport"


def test_legal_entity_type_values():
    assert [t.value for t in LegalEntityType] == [
        "enterprise",
        "social_organization",
        "public_institution",
        "individual_business",
        "partnership",
    ]


@pytest.mark.parametrize("member", list(DocumentType) + list(LegalEntityType))
def test_every_type_has_a_translatable_label(member):
    label = member.label
    assert str(label) in CHINESE_LABELS_FOR_TRANSLATORS
    labels = DOCUMENT_TYPE_LABELS if isinstance(member, DocumentType) else LEGAL_ENTITY_TYPE_LABELS
    assert labels[member] is label


@pytest.mark.parametrize(
    "msgid, chinese",
    [
        ("Resident identity card", "居民身份证"),
        ("Ordinary passport", "普通护照"),
        ("Mainland Travel Permit for Taiwan Residents", "台湾居民来往大陆通行证"),
        ("Mainland Travel Permit for Hong Kong and Macao Residents", "港澳居民来往内地通行证"),
        ("Foreigner's Permanent Residence ID Card", "外国人永久居留身份证"),
        ("Enterprise legal person", "企业法人"),
        ("Social organisation legal person", "社团法人"),
        ("Government agency or public institution legal person", "机关事业单位法人"),
        ("Individual business", "个体工商户"),
        ("General partnership", "普通合伙企业"),
        ("The check digit is wrong", "校验位错误"),
    ],
)
def test_known_translations(msgid, chinese):
    assert CHINESE_LABELS_FOR_TRANSLATORS[msgid] == chinese


def _msgids_in_module():
    """Every msgid of the identity-document checks (the module and the parts it is split into)."""
    found = set()
    nodes = [
        node
        for module in (idd, document_types, document_errors, uscc)
        for node in ast.walk(ast.parse(inspect.getsource(module)))
    ]
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_l":
            arg = node.args[0]
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), "msgids must be literals"
            found.add(arg.value)
    return found


def test_translator_dict_lists_exactly_the_msgids_used():
    used = _msgids_in_module()
    assert used, "no _l() calls found"
    assert used == set(CHINESE_LABELS_FOR_TRANSLATORS)


@pytest.mark.parametrize("msgid, chinese", sorted(CHINESE_LABELS_FOR_TRANSLATORS.items()))
def test_msgids_english_translations_chinese(msgid, chinese):
    assert msgid.isascii()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
    # placeholders survive translation
    for placeholder in ("%(char)s",):
        assert (placeholder in msgid) == (placeholder in chinese)


def test_document_error_is_value_error_with_code_and_message():
    err = DocumentError(code="inner_space")
    assert isinstance(err, ValueError)
    assert err.code == "inner_space"
    assert str(err.message) == "The number must not contain spaces"
    assert str(err) == "The number must not contain spaces"
    assert "inner_space" in repr(err)


def test_document_error_unknown_code_has_generic_message():
    assert str(DocumentError("whatever")) == "The number is not valid"


def test_error_messages_are_specific_and_translatable():
    with pytest.raises(DocumentError) as info:
        validate_document(RID, "11010519491231003X", today=TODAY)
    assert info.value.code == "check_digit"
    assert str(info.value.message) in CHINESE_LABELS_FOR_TRANSLATORS
    with pytest.raises(DocumentError) as info:
        validate_uscc("91350100I000100Y43")
    assert "I" in str(info.value.message)


def test_parsed_document_is_frozen():
    parsed = validate_document(RID, SPEC_ID, today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.number = "x"


# ---------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  11010519491231002x ", "11010519491231002X"),
        ("\th12345678\n", "H12345678"),
        ("\u3000ea1234567\u3000", "EA1234567"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["1101 0519491231002X", " H1234 5678 ", "E\t12345678", "91\u30003501"])
def test_normalize_refuses_inner_spaces(raw):
    assert error_code(normalize, raw) == "inner_space"


# ---------------------------------------------------------------------------
# 居民身份证
# ---------------------------------------------------------------------------


def test_spec_example_resident_id():
    parsed = validate_document(RID, SPEC_ID, today=TODAY)
    assert parsed == ParsedDocument(RID, SPEC_ID, birth_date=date(1949, 12, 31), gender="F")
    assert parsed.needs_manual_check is False
    assert parsed.country is None


@pytest.mark.parametrize("raw", ["11010519491231002x", "  11010519491231002X  ", "\t11010519491231002x\n"])
def test_resident_id_lower_case_and_surrounding_spaces_accepted(raw):
    assert validate_document("resident_id", raw, today=TODAY).number == SPEC_ID


def test_resident_id_today_defaults_to_real_today():
    assert validate_document(RID, SPEC_ID).birth_date == date(1949, 12, 31)


@pytest.mark.parametrize("position", range(18))
def test_resident_id_changing_any_digit_is_refused(position):
    for replacement in "0123456789X":
        if replacement == SPEC_ID[position] or (replacement == "X" and position != 17):
            continue
        changed = SPEC_ID[:position] + replacement + SPEC_ID[position + 1 :]
        with pytest.raises(DocumentError):
            validate_document(RID, changed, today=TODAY)


@pytest.mark.parametrize(
    "number", ["110105194912310030", "110105194912310039", "110105194912310120", "11010519491231012X"]
)
def test_resident_id_wrong_check_digit(number):
    assert error_code(validate_document, RID, number, today=TODAY) == "check_digit"


@pytest.mark.parametrize("number", ["110105491231002", "110105491231003"])
def test_resident_id_old_15_digit_card_refused(number):
    assert error_code(validate_document, RID, number, today=TODAY) == "old_card"


@pytest.mark.parametrize(
    "number", ["1101051949123100", "11010519491231002", "11010519491231002X1", "11010549123100A", "1"]
)
def test_resident_id_wrong_length(number):
    assert error_code(validate_document, RID, number, today=TODAY) == "length"


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002A",
        "1101051949123100X2",
        "X10105194912310020",
        "11010519491231-02X",
        "１１０１０５１９４９１２３１００２X",  # full-width digits
    ],
)
def test_resident_id_invalid_characters(number):
    assert error_code(validate_document, RID, number, today=TODAY) == "characters"


def test_resident_id_with_foreign_id_number_points_to_other_type():
    assert error_code(validate_document, RID, foreign_2023(), today=TODAY) == "wrong_document_type"


@pytest.mark.parametrize(
    "province",
    ["00", "10", "16", "19", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "84", "89"],
)
def test_resident_id_unknown_province(province):
    number = make_resident_id(province + "0101", date(1980, 1, 1), 11)
    assert error_code(validate_document, RID, number, today=TODAY) == "province"


@pytest.mark.parametrize(
    "province",
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ],
)
def test_resident_id_every_province_accepted(province):
    number = make_resident_id(province + "0102", date(1980, 1, 1), 11)
    assert validate_document(RID, number, today=TODAY).number == number


@pytest.mark.parametrize(
    "birth_part", ["19800230", "20230229", "19801301", "19800001", "19800100", "19800431", "00000000"]
)
def test_resident_id_impossible_birth_date(birth_part):
    first17 = "110105" + birth_part + "123"
    number = first17 + resident_id_check_char(first17)
    assert error_code(validate_document, RID, number, today=TODAY) == "birth_date_invalid"


def test_resident_id_leap_day_accepted():
    number = make_resident_id("110105", date(2024, 2, 29), 123)
    assert validate_document(RID, number, today=TODAY).birth_date == date(2024, 2, 29)


@pytest.mark.parametrize("birth", [date(2025, 6, 2), date(2030, 1, 1), date(2025, 12, 31)])
def test_resident_id_birth_in_future(birth):
    number = make_resident_id("110105", birth, 1)
    assert error_code(validate_document, RID, number, today=TODAY) == "birth_date_future"


def test_resident_id_born_today_accepted():
    number = make_resident_id("110105", TODAY, 1)
    assert validate_document(RID, number, today=TODAY).birth_date == TODAY


@pytest.mark.parametrize("birth", [date(1874, 6, 1), date(1874, 1, 1), date(1800, 1, 1), date(1001, 1, 1)])
def test_resident_id_older_than_150_refused(birth):
    number = make_resident_id("110105", birth, 1)
    assert error_code(validate_document, RID, number, today=TODAY) == "too_old"


@pytest.mark.parametrize("birth", [date(1874, 6, 2), date(1875, 6, 1), date(1900, 1, 1)])
def test_resident_id_up_to_150_accepted(birth):
    number = make_resident_id("110105", birth, 1)
    assert validate_document(RID, number, today=TODAY).birth_date == birth


def test_resident_id_inner_space():
    assert error_code(validate_document, RID, "110105 19491231002X", today=TODAY) == "inner_space"


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_number_required(raw):
    assert error_code(validate_document, RID, raw, today=TODAY) == "required"


def test_unknown_document_type():
    assert error_code(validate_document, "driving_licence", SPEC_ID, today=TODAY) == "document_type"


def test_today_may_be_a_datetime():
    number = make_resident_id("110105", date(2025, 6, 1), 1)
    assert validate_document(RID, number, today=datetime(2025, 6, 1, 23, 59)).number == number


# ---------------------------------------------------------------------------
# make_resident_id
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "region, birth, seq, gender",
    [
        ("110105", date(1949, 12, 31), 2, "F"),
        ("440304", date(1990, 2, 28), 1, "M"),
        ("310101", date(2000, 2, 29), 999, "M"),
        ("650102", date(1875, 6, 2), 0, "F"),
        ("810000", date(1970, 7, 1), 37, "M"),
        ("710101", date(2010, 10, 10), 38, "F"),
    ],
)
def test_make_resident_id_round_trip(region, birth, seq, gender):
    number = make_resident_id(region, birth, seq)
    assert len(number) == 18
    assert number[:6] == region and number[14:17] == f"{seq:03d}"
    parsed = validate_document(RID, number, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.gender == gender
    check_consistency(parsed, birth_date=birth, gender=gender)


def test_make_resident_id_reproduces_spec_example():
    assert make_resident_id("110105", date(1949, 12, 31), 2) == SPEC_ID


@pytest.mark.parametrize("region, seq", [("11010", 1), ("1101055", 1), ("11010A", 1), ("110105", -1), ("110105", 1000)])
def test_make_resident_id_bad_input(region, seq):
    with pytest.raises(ValueError):
        make_resident_id(region, date(1980, 1, 1), seq)


# ---------------------------------------------------------------------------
# check_consistency
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "birth_date, gender",
    [
        (date(1949, 12, 31), "F"),
        (date(1949, 12, 31), None),
        (None, "F"),
        (None, None),
        (datetime(1949, 12, 31, 8, 0), "f"),
        (date(1949, 12, 31), "女"),
        (date(1949, 12, 31), "female"),
        (None, ""),
    ],
)
def test_consistency_ok(birth_date, gender):
    parsed = validate_document(RID, SPEC_ID, today=TODAY)
    assert check_consistency(parsed, birth_date=birth_date, gender=gender) is None


@pytest.mark.parametrize("birth_date", [date(1949, 12, 30), date(1994, 12, 31), date(1949, 11, 31 - 1)])
def test_consistency_birth_date_mismatch(birth_date):
    parsed = validate_document(RID, SPEC_ID, today=TODAY)
    assert error_code(check_consistency, parsed, birth_date=birth_date) == "birth_date_mismatch"


@pytest.mark.parametrize("gender", ["M", "m", "男", "MALE"])
def test_consistency_gender_mismatch(gender):
    parsed = validate_document(RID, SPEC_ID, today=TODAY)
    assert error_code(check_consistency, parsed, gender=gender) == "gender_mismatch"


def test_consistency_unknown_gender_value_is_a_programming_error():
    parsed = validate_document(RID, SPEC_ID, today=TODAY)
    with pytest.raises(ValueError):
        check_consistency(parsed, gender="X")


def test_consistency_foreign_2023_compares_layout_birth_date():
    parsed = validate_document(FID, foreign_2023(birth="19850615"), today=TODAY)
    assert parsed.birth_date == date(1985, 6, 15)
    assert parsed.gender is None
    check_consistency(parsed, birth_date=date(1985, 6, 15), gender="M")
    check_consistency(parsed, gender="F")  # gender not encoded: nothing to compare
    assert error_code(check_consistency, parsed, birth_date=date(1985, 6, 16)) == "birth_date_mismatch"


@pytest.mark.parametrize(
    "doc_type, number, country",
    [(HK, "H12345678", None), (TW, "12345678", None), (PP, "E12345678", None), (FID, "USA123456789012", None)],
)
def test_consistency_nothing_encoded_nothing_compared(doc_type, number, country):
    parsed = validate_document(doc_type, number, today=TODAY, passport_country=country)
    check_consistency(parsed, birth_date=date(2001, 1, 1), gender="F")


# ---------------------------------------------------------------------------
# 外国人永久居留身份证
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, birth",
    [
        (foreign_2023(), date(1985, 6, 15)),
        (foreign_2023(place="11", nationality="392", birth="20000229", seq="002"), date(2000, 2, 29)),
        (foreign_2023(birth="19851315"), None),  # layout month 13: not refused
        (foreign_2023(birth="20991231"), None),  # layout date in the future: not refused
        (foreign_2023(birth="00000000"), None),
        (foreign_2023(birth="12345678"), None),
    ],
)
def test_foreign_2023_valid(number, birth):
    parsed = validate_document(FID, number, today=TODAY)
    assert parsed.type is FID
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.country is None
    assert parsed.needs_manual_check is False


def test_foreign_2023_with_x_check_char_lower_case():
    # find a layout whose check char is X
    for seq in range(1000):
        number = foreign_2023(seq=f"{seq:03d}")
        if number.endswith("X"):
            break
    assert validate_document(FID, number.lower(), today=TODAY).number == number


def test_foreign_2023_wrong_check_digit():
    number = foreign_2023()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert error_code(validate_document, FID, wrong, today=TODAY) == "check_digit"
    changed = number[:10] + str((int(number[10]) + 1) % 10) + number[11:]
    assert error_code(validate_document, FID, changed, today=TODAY) == "check_digit"


def test_foreign_2023_must_start_with_9():
    assert error_code(validate_document, FID, SPEC_ID, today=TODAY) == "wrong_document_type"


@pytest.mark.parametrize("number", ["93184019850615A01X", "9318401985061500XX", "A31840198506150012"])
def test_foreign_2023_invalid_characters(number):
    assert error_code(validate_document, FID, number, today=TODAY) == "characters"


@pytest.mark.parametrize(
    "number, country", [("USA123456789012", "USA"), ("fra987654321098", "FRA"), (" DEU000000000001 ", "DEU")]
)
def test_foreign_2017_valid(number, country):
    parsed = validate_document(FID, number, today=TODAY)
    assert parsed.country == country
    assert parsed.number == number.strip().upper()
    assert parsed.birth_date is None and parsed.gender is None


@pytest.mark.parametrize(
    "number", ["US1234567890123", "USA12345678901X", "123456789012345", "U5A123456789012", "USA1234567890-2"]
)
def test_foreign_2017_invalid_characters(number):
    assert error_code(validate_document, FID, number, today=TODAY) == "characters"


@pytest.mark.parametrize("number", ["USA12345678901", "USA1234567890123", "9318401985061500", "H12345678"])
def test_foreign_wrong_length(number):
    assert error_code(validate_document, FID, number, today=TODAY) == "length"


def test_foreign_inner_space():
    assert error_code(validate_document, FID, "USA 123456789012", today=TODAY) == "inner_space"


# ---------------------------------------------------------------------------
# 港澳居民来往内地通行证
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("H12345678", "H12345678"),
        ("M87654321", "M87654321"),
        ("H1234567801", "H1234567801"),
        ("m0000000012", "M0000000012"),
        (" h12345678 ", "H12345678"),
    ],
)
def test_hk_macao_valid(raw, expected):
    parsed = validate_document(HK, raw, today=TODAY)
    assert parsed == ParsedDocument(HK, expected)


@pytest.mark.parametrize(
    "raw, code",
    [
        ("A12345678", "prefix"),
        ("C1234567801", "prefix"),
        ("812345678", "prefix"),
        ("H1234567", "length"),
        ("H123456789", "length"),
        ("H123456780123", "length"),
        ("12345678", "length"),
        ("H1234567A", "characters"),
        ("HM1234567", "characters"),
        ("H12345678A1", "characters"),
        ("H1234 5678", "inner_space"),
    ],
)
def test_hk_macao_invalid(raw, code):
    assert error_code(validate_document, HK, raw, today=TODAY) == code


# ---------------------------------------------------------------------------
# 台湾居民来往大陆通行证
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected, manual",
    [
        ("12345678", "12345678", False),
        ("00000001", "00000001", False),
        ("1234567801", "1234567801", True),
        ("12345678B", "12345678B", True),
        ("12345678ab", "12345678AB", True),
        ("123456780a", "123456780A", True),
    ],
)
def test_taiwan_valid(raw, expected, manual):
    parsed = validate_document(TW, raw, today=TODAY)
    assert parsed.number == expected
    assert parsed.needs_manual_check is manual
    assert parsed.birth_date is None and parsed.gender is None


@pytest.mark.parametrize(
    "raw, code",
    [
        ("1234567", "length"),
        ("12345678901", "length"),
        ("T1234567", "characters"),
        ("1234567A", "characters"),
        ("12345678-1", "characters"),
        ("12345678(", "characters"),
        ("1234 5678", "inner_space"),
    ],
)
def test_taiwan_invalid(raw, code):
    assert error_code(validate_document, TW, raw, today=TODAY) == code


# ---------------------------------------------------------------------------
# 普通护照
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["E12345678", "EA1234567", "EH7654321", "EZ0000000", "G12345678", "e12345678", " ea1234567 "]
)
@pytest.mark.parametrize("country", [None, "CHN", "chn", "", "  ", "中国", "CN"])
def test_chinese_passport_valid(raw, country):
    parsed = validate_document(PP, raw, today=TODAY, passport_country=country)
    assert parsed.number == raw.strip().upper()
    assert parsed.country == "CHN"


@pytest.mark.parametrize("raw", ["EI1234567", "EO1234567", "ei1234567"])
@pytest.mark.parametrize("country", [None, "CHN"])
def test_chinese_passport_letter_i_or_o_refused(raw, country):
    assert error_code(validate_document, PP, raw, today=TODAY, passport_country=country) == "passport_letter"


@pytest.mark.parametrize(
    "raw",
    [
        "E1234567",
        "E123456789",
        "G1234567A",
        "GA1234567",
        "P12345678",
        "EAB123456",
        "12345678",
        "X1234",
        "AB1234567890",
        "E12345678A",
        "D12345678",
    ],
)
@pytest.mark.parametrize("country", [None, "CHN"])
def test_chinese_passport_invalid(raw, country):
    assert error_code(validate_document, PP, raw, today=TODAY, passport_country=country) == "passport_format"


def test_foreign_passport_without_country_message_asks_for_country():
    with pytest.raises(DocumentError) as none_info:
        validate_document(PP, "X1234567", today=TODAY)
    with pytest.raises(DocumentError) as chn_info:
        validate_document(PP, "X1234567", today=TODAY, passport_country="CHN")
    assert "country" in str(none_info.value.message)
    assert "country" not in str(chn_info.value.message)


@pytest.mark.parametrize(
    "raw, country, stored_country",
    [
        ("123456789", "USA", "USA"),
        ("X1234", "gbr", "GBR"),
        ("AB1234567890CDEFG", "FRA", "FRA"),
        ("c01x00t47", "DEU", "DEU"),
        ("E12345678", "USA", "USA"),
        ("AB12345", "France", "France"),
        ("AB12345", " 日本 ", "日本"),
    ],
)
def test_foreign_passport_valid(raw, country, stored_country):
    parsed = validate_document(PP, raw, today=TODAY, passport_country=country)
    assert parsed.number == raw.upper()
    assert parsed.country == stored_country


@pytest.mark.parametrize(
    "raw, code",
    [
        ("1234", "length"),
        ("A", "length"),
        ("AB1234567890CDEFGH", "length"),
        ("AB-12345", "characters"),
        ("AB_12345", "characters"),
        ("ÄB12345", "characters"),
        ("AB 12345", "inner_space"),
    ],
)
def test_foreign_passport_invalid(raw, code):
    assert error_code(validate_document, PP, raw, today=TODAY, passport_country="USA") == code


# ---------------------------------------------------------------------------
# Validity periods
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end",
    [
        (date(2020, 1, 1), None),  # 长期有效
        (date(1990, 1, 1), None),
        (date(2020, 1, 1), date(2030, 1, 1)),
        (date(2015, 6, 1), TODAY),  # valid through its last day
        (TODAY, date(2035, 6, 1)),
        (TODAY, None),
        (TODAY, TODAY),
    ],
)
def test_validity_period_ok(start, end):
    assert check_validity_period(start, end, today=TODAY) is None


@pytest.mark.parametrize(
    "start, end, code",
    [
        (date(2010, 1, 1), date(2020, 1, 1), "expired"),
        (date(2015, 5, 31), date(2025, 5, 31), "expired"),
        (date(2020, 1, 1), date(2019, 12, 31), "end_before_start"),
        (date(2024, 1, 1), date(2023, 1, 1), "end_before_start"),
        (date(2025, 6, 2), None, "start_future"),
        (date(2026, 1, 1), date(2036, 1, 1), "start_future"),
    ],
)
def test_validity_period_refused(start, end, code):
    assert error_code(check_validity_period, start, end, today=TODAY) == code


def test_validity_period_default_today():
    check_validity_period(date(2000, 1, 1), None)
    assert error_code(check_validity_period, date(2000, 1, 1), date(2001, 1, 1)) == "expired"


@pytest.mark.parametrize(
    "start, years, end",
    [
        (date(2015, 3, 10), 10, date(2025, 3, 10)),
        (date(2020, 1, 1), 5, date(2025, 1, 1)),
        (date(2010, 12, 31), 20, date(2030, 12, 31)),
        (date(2020, 2, 29), 5, date(2025, 2, 28)),
        (date(2020, 2, 29), 10, date(2030, 2, 28)),
        (date(2020, 2, 29), 20, date(2040, 2, 29)),
        (date(2019, 2, 28), 5, date(2024, 2, 28)),
    ],
)
def test_period_end_for(start, years, end):
    assert period_end_for(start, years) == end


@pytest.mark.parametrize("years", [0, -5])
def test_period_end_for_bad_years(years):
    with pytest.raises(ValueError):
        period_end_for(date(2020, 1, 1), years)


# ---------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [SPEC_USCC, "91350100m000100y43", f"  {SPEC_USCC} "])
def test_uscc_spec_example(raw):
    assert validate_uscc(raw) == SPEC_USCC


def test_make_uscc_reproduces_spec_example():
    assert make_uscc(SPEC_USCC[:17]) == SPEC_USCC
    assert make_uscc(SPEC_USCC[:17].lower()) == SPEC_USCC


@pytest.mark.parametrize(
    "pair",
    [
        "11",
        "12",
        "13",
        "19",
        "21",
        "29",
        "31",
        "32",
        "33",
        "34",
        "35",
        "39",
        "41",
        "49",
        "51",
        "52",
        "53",
        "59",
        "61",
        "62",
        "69",
        "71",
        "72",
        "79",
        "81",
        "89",
        "91",
        "92",
        "93",
        "A1",
        "A9",
        "N1",
        "N2",
        "N3",
        "N9",
        "Y1",
    ],
)
def test_uscc_every_known_pair(pair):
    code = make_uscc(pair + "110108MA0123456")
    assert validate_uscc(code) == code


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "ä", "１"])
def test_uscc_bad_alphabet_char(bad):
    raw = SPEC_USCC[:9] + bad + SPEC_USCC[10:]
    assert error_code(validate_uscc, raw) == "characters"


def test_uscc_bad_char_named_in_message():
    with pytest.raises(DocumentError) as info:
        validate_uscc("91350100M000100Z43")
    assert "Z" in str(info.value.message)


@pytest.mark.parametrize("position", range(18))
def test_uscc_changing_any_char_is_refused(position):
    original = SPEC_USCC[position]
    replacement = "1" if original != "1" else "2"
    changed = SPEC_USCC[:position] + replacement + SPEC_USCC[position + 1 :]
    with pytest.raises(DocumentError):
        validate_uscc(changed)


@pytest.mark.parametrize("check", ["0", "1", "Y", "A", "X"])
def test_uscc_bad_check(check):
    raw = SPEC_USCC[:17] + check
    assert error_code(validate_uscc, raw) == "check_digit"


@pytest.mark.parametrize(
    "pair",
    ["10", "14", "22", "36", "42", "54", "63", "73", "82", "94", "99", "01", "A2", "N4", "Y2", "Y9", "B1", "G1", "1A"],
)
def test_uscc_unknown_pair(pair):
    code = make_uscc(pair + "350100M000100Y4")
    assert error_code(validate_uscc, code) == "unknown_authority"


@pytest.mark.parametrize("region", ["3501A0", "Y50100", "35010M"])
def test_uscc_region_must_be_digits(region):
    code = make_uscc("91" + region + "M000100Y4")
    assert error_code(validate_uscc, code) == "region"


@pytest.mark.parametrize("raw", ["91350100M000100Y4", "91350100M000100Y431", "9"])
def test_uscc_length(raw):
    assert error_code(validate_uscc, raw) == "length"


@pytest.mark.parametrize("raw, code", [("", "required"), ("  ", "required"), ("9135 0100M000100Y43", "inner_space")])
def test_uscc_empty_and_spaces(raw, code):
    assert error_code(validate_uscc, raw) == code


def _uscc(pair):
    return make_uscc(pair + "350100M000100Y4")


@pytest.mark.parametrize(
    "pair, entity_type",
    [
        ("92", LegalEntityType.INDIVIDUAL_BUSINESS),
        ("92", "individual_business"),
        ("91", LegalEntityType.ENTERPRISE),
        ("91", LegalEntityType.PARTNERSHIP),
        ("93", LegalEntityType.ENTERPRISE),
        ("51", LegalEntityType.SOCIAL_ORGANIZATION),
        ("52", LegalEntityType.SOCIAL_ORGANIZATION),
        ("53", LegalEntityType.SOCIAL_ORGANIZATION),
        ("59", LegalEntityType.SOCIAL_ORGANIZATION),
        ("11", LegalEntityType.PUBLIC_INSTITUTION),
        ("12", LegalEntityType.PUBLIC_INSTITUTION),
        ("13", LegalEntityType.PUBLIC_INSTITUTION),
        ("19", "public_institution"),
        ("N1", LegalEntityType.ENTERPRISE),
        ("Y1", LegalEntityType.SOCIAL_ORGANIZATION),
        ("31", LegalEntityType.PARTNERSHIP),
        ("91", None),
        ("92", None),
        ("92", ""),
    ],
)
def test_uscc_entity_type_match(pair, entity_type):
    code = _uscc(pair)
    assert validate_uscc(code, entity_type) == code


@pytest.mark.parametrize(
    "pair, entity_type",
    [
        ("92", LegalEntityType.ENTERPRISE),
        ("92", LegalEntityType.PARTNERSHIP),
        ("92", LegalEntityType.SOCIAL_ORGANIZATION),
        ("91", LegalEntityType.INDIVIDUAL_BUSINESS),
        ("93", LegalEntityType.INDIVIDUAL_BUSINESS),
        ("Y1", "individual_business"),
        ("51", LegalEntityType.ENTERPRISE),
        ("52", LegalEntityType.PUBLIC_INSTITUTION),
        ("53", LegalEntityType.PARTNERSHIP),
        ("59", LegalEntityType.INDIVIDUAL_BUSINESS),
        ("11", LegalEntityType.ENTERPRISE),
        ("12", LegalEntityType.SOCIAL_ORGANIZATION),
        ("13", "partnership"),
        ("19", LegalEntityType.INDIVIDUAL_BUSINESS),
    ],
)
def test_uscc_entity_type_mismatch(pair, entity_type):
    assert error_code(validate_uscc, _uscc(pair), entity_type) == "entity_type_mismatch"


def test_uscc_unknown_entity_type_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_uscc(SPEC_USCC, "cooperative")


@pytest.mark.parametrize("prefix", ["91350100M000100Y", "91350100M000100Y4I", "91350100M000100YS"])
def test_make_uscc_bad_input(prefix):
    with pytest.raises(ValueError):
        make_uscc(prefix)


# ---------------------------------------------------------------------------
# Mobile phone numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("14700000000", "14700000000"),
        ("15000000000", "15000000000"),
        ("16612345678", "16612345678"),
        ("17712345678", "17712345678"),
        ("18812345678", "18812345678"),
        (" 13812345678\n", "13812345678"),
    ],
)
def test_mobile_valid(raw, expected):
    assert validate_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("12812345678", "phone_invalid"),
        ("10812345678", "phone_invalid"),
        ("23812345678", "phone_invalid"),
        ("1381234567", "phone_invalid"),
        ("138123456789", "phone_invalid"),
        ("+8613812345678", "phone_invalid"),
        ("1381234567a", "phone_invalid"),
        ("138-1234-5678", "phone_invalid"),
        ("１３８１２３４５６７８", "phone_invalid"),
        ("", "phone_invalid"),
        ("138 1234 5678", "inner_space"),
    ],
)
def test_mobile_invalid(raw, code):
    assert error_code(validate_mobile, raw) == code


# ---------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc_type, number, masked",
    [
        (RID, SPEC_ID, "1101**********002X"),
        ("resident_id", "11010519491231002x", "1101**********002X"),
        (FID, "931840198506150012", "9318**********0012"),
        (FID, "USA123456789012", "USA1*******9012"),
        (PP, "E12345678", "E1*****78"),
        (PP, "EA1234567", "EA*****67"),
        (PP, "X1234", "X1*34"),
        (HK, "H12345678", "H1*****78"),
        (HK, "H1234567801", "H1*******01"),
        (TW, "12345678", "12****78"),
        (TW, "1234567801", "12******01"),
        (PP, "ABCD", "****"),
        (RID, "", ""),
    ],
)
def test_mask_document(doc_type, number, masked):
    assert mask_document(doc_type, number) == masked


@pytest.mark.parametrize(
    "number, masked",
    [
        ("13812345678", "138****5678"),
        ("19900001111", "199****1111"),
        (" 13812345678 ", "138****5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    "name, masked",
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("司马光", "司马*"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("钟离春", "钟离*"),
        ("拓跋宏", "拓跋*"),
        ("万俟卨", "万俟*"),
        ("欧阳", "欧*"),  # two characters: surname 欧, given name 阳
        ("王欧阳", "王**"),
        (" 李四 ", "李*"),
        ("张", "张"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    "surname",
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 百里 "
    "呼延 闻人 万俟 司空 澹台 公冶 赫连 拓跋 钟离".split(),
)
def test_mask_name_every_compound_surname(surname):
    assert mask_name(surname + "明月") == surname + "**"


@pytest.mark.parametrize(
    "code, masked",
    [(SPEC_USCC, "9135**********0Y43"), ("91350100m000100y43", "9135**********0Y43")],
)
def test_mask_uscc(code, masked):
    assert mask_uscc(code) == masked
