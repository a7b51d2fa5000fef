"""The shipped service catalogue (app.seed.catalogue_data) is consistent."""

import re

import pytest

from app.seed.catalogue_data import ITEMS, MINISTRY_CODE
from app.services.cases.groups import GROUPS
from app.services.platform.storage import FORMAT_MIME

CONSTRUCTOR_KINDS = {
    "constructor_initial",
    "constructor_renewal",
    "constructor_add_specialty",
    "constructor_change_employer",
    "constructor_cancel",
    "constructor_reregister",
    "constructor_lost_replacement",
}
ARCHITECT_KINDS = {"architect_initial", "architect_renewal", "architect_change_employer", "architect_cancel"}
ITEM_KEYS = {
    "code",
    "group",
    "name",
    "online_kind",
    "legal_basis",
    "conditions",
    "process",
    "time_limit_days",
    "legal_time_limit_days",
    "fee",
    "phone",
    "location",
    "materials",
}
MATERIAL_KEYS = {"name", "required", "formats", "max_size_mb", "description"}


def test_groups_are_unique_and_in_known_categories():
    keys = [group["key"] for group in GROUPS]
    assert len(keys) == len(set(keys))
    assert {group["category"] for group in GROUPS} == {"personal", "enterprise"}
    assert [g["key"] for g in GROUPS if g["category"] == "personal"] == [
        "constructor",
        "architect",
        "survey_design_engineer",
        "supervision_engineer",
        "cost_engineer",
    ]
    assert [g["key"] for g in GROUPS if g["category"] == "enterprise"] == ["construction_enterprise", "real_estate"]


def test_codes_are_unique_31_character_ministry_codes():
    codes = [item["code"] for item in ITEMS]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert isinstance(code, str) and len(code) == 31, code
        assert code.startswith(MINISTRY_CODE) and re.fullmatch(r"[0-9A-Z]{31}", code), code
    assert "11100000000013338W1000117055001" in codes  # the manual's 事务编码 (figure 3-2-9)


def test_names_are_unique():
    names = [item["name"] for item in ITEMS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["code"])
def test_every_item_is_complete(item):
    assert set(item) == ITEM_KEYS
    assert item["group"] in {group["key"] for group in GROUPS}
    for key in ("name", "legal_basis", "conditions", "process", "fee", "phone", "location"):
        assert isinstance(item[key], str) and item[key].strip(), key
    assert "《" in item["legal_basis"]
    assert item["conditions"].startswith("1. ") and "\n2. " in item["conditions"]
    assert [line.split("：")[0] for line in item["process"].splitlines()] == [
        "1. 申请",
        "2. 受理",
        "3. 审查",
        "4. 决定",
        "5. 制证",
        "6. 送达",
    ]
    assert 0 < item["time_limit_days"] <= item["legal_time_limit_days"]
    assert item["fee"] == "不收费"


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["code"])
def test_materials_have_known_formats_positive_limits_and_one_required(item):
    assert item["materials"], "no materials"
    names = [material["name"] for material in item["materials"]]
    assert len(names) == len(set(names))
    for material in item["materials"]:
        assert set(material) == MATERIAL_KEYS
        assert material["name"].strip() and material["description"].strip()
        assert isinstance(material["required"], bool)
        assert isinstance(material["max_size_mb"], int) and material["max_size_mb"] > 0
        formats = material["formats"].split(",")
        assert formats and all(f in FORMAT_MIME for f in formats), material["formats"]
    assert any(material["required"] for material in item["materials"])


def test_online_kinds_are_unique():
    kinds = [item["online_kind"] for item in ITEMS if item["online_kind"] is not None]
    assert len(kinds) == len(set(kinds))


def test_every_constructor_and_architect_online_item_is_present():
    by_kind = {item["online_kind"]: item for item in ITEMS if item["online_kind"]}
    assert set(by_kind) == CONSTRUCTOR_KINDS | ARCHITECT_KINDS | {
        "construction_enterprise_change",
        "real_estate_grade1",
    }
    for kind in CONSTRUCTOR_KINDS:
        assert by_kind[kind]["group"] == "constructor"
        assert by_kind[kind]["name"].startswith("一级建造师执业资格认定（")
    for kind in ARCHITECT_KINDS:
        assert by_kind[kind]["group"] == "architect"
        assert by_kind[kind]["name"].startswith("一级注册建筑师执业资格认定（")
    assert by_kind["constructor_initial"]["name"] == "一级建造师执业资格认定（初始注册）"


def test_online_kinds_split_into_profession_and_a_known_action():
    from app.services.cases.eligibility import FORM_FIELDS

    for item in ITEMS:
        if item["online_kind"] and item["group"] not in ("construction_enterprise", "real_estate"):
            profession, action = item["online_kind"].split("_", 1)
            assert profession in {"constructor", "architect"} and action in FORM_FIELDS


def test_every_group_has_items_and_the_manual_examples_exist():
    groups_with_items = {item["group"] for item in ITEMS}
    assert groups_with_items == {group["key"] for group in GROUPS}
    names = {item["name"] for item in ITEMS}
    assert "建筑业企业资质认定（变更-遗失补办，企业名称、地址、注册资本、法定代表人等发生变更）" in names
    assert "房地产开发企业一级资质核定" in names
    for group in ("survey_design_engineer", "supervision_engineer", "cost_engineer"):
        assert 2 <= sum(item["group"] == group for item in ITEMS) <= 3


def test_initial_registrations_ask_for_the_photo_and_renewals_for_continuing_education():
    by_kind = {item["online_kind"]: item for item in ITEMS if item["online_kind"]}
    for kind in ("constructor_initial", "architect_initial"):
        photo = next(m for m in by_kind[kind]["materials"] if "一寸" in m["name"])
        assert photo["formats"] == "jpg" and photo["max_size_mb"] == 1 and photo["required"]
    for kind in ("constructor_renewal", "architect_renewal"):
        assert any(m["name"] == "继续教育证明" and m["required"] for m in by_kind[kind]["materials"])
    for kind in ("constructor_change_employer", "architect_change_employer"):
        assert any(m["name"].startswith("与原聘用") and "解除劳动合同" in m["name"] for m in by_kind[kind]["materials"])


def test_enterprise_guides_promise_online_processing_only_where_it_is_open():
    for item in ITEMS:
        if item["group"] not in ("construction_enterprise", "real_estate"):
            continue
        if item["online_kind"]:
            assert "在线填写" in item["process"] and "【我的证照】" in item["process"]
        else:
            assert "暂未开通网上办理" in item["process"]
            assert "在线填写" not in item["process"] and "门户下载" not in item["process"]
