"""app/regions.py: the one province vocabulary every part of the portal uses."""

from app import regions
from app.models import registry
from app.services.accounts import identity_documents
from app.services.cases import handling
from app.services.registers import vocabularies


def test_thirty_one_provinces_each_with_a_name_a_character_and_a_label():
    assert len(regions.PROVINCE_NAMES) == 31 and len(set(regions.PROVINCES)) == 31
    assert regions.PROVINCE_NAMES["11"] == "北京市" and regions.PROVINCE_NAMES["65"] == "新疆维吾尔自治区"
    assert regions.PROVINCE_CHARACTERS["44"] == "粤" and regions.PROVINCE_OF_CHARACTER["粤"] == "44"
    assert set(regions.PROVINCE_LABELS) == set(regions.PROVINCES)
    assert list(regions.PROVINCES) == [regions.PROVINCE_NAMES[code] for code in sorted(regions.PROVINCE_NAMES)]


def test_identity_numbers_may_also_start_with_hong_kong_macao_and_taiwan_codes():
    assert regions.IDENTITY_PROVINCE_CODES == set(regions.PROVINCE_NAMES) | {"71", "81", "82", "83"}
    assert identity_documents.PROVINCE_CODES is regions.IDENTITY_PROVINCE_CODES


def test_the_province_of_a_registration():
    assert regions.province_of("91440300MA5XXXXXX0") == "广东省"  # employer's USCC, characters 3-4
    assert regions.province_of("", "沪111202000123") == "上海市"  # else the number's first character
    assert regions.province_of(None, None) == ""


def test_every_user_takes_it_from_here():
    assert registry.province_of is regions.province_of
    assert handling.PROVINCE_CHARACTERS is regions.PROVINCE_CHARACTERS
    assert vocabularies.PROVINCES is regions.PROVINCES and vocabularies.PROVINCE_LABELS is regions.PROVINCE_LABELS
