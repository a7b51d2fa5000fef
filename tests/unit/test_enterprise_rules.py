"""建筑业企业资质认定（变更-遗失补办）: what each change asks for, the capital, the comparison for reviewers."""

from types import SimpleNamespace

import pytest

from app.seed.catalogue_data import ITEMS
from app.services.cases import enterprise_items
from app.services.cases.enterprise_items import _capital, chosen_changes, fields_for, relevant_materials

CHANGE_ITEM = next(i for i in ITEMS if i["online_kind"] == "construction_enterprise_change")


def catalogue_item():
    """The shipped item's materials, as the rules read them (name and required)."""
    materials = [
        SimpleNamespace(id=index, name=m["name"], required=m["required"])
        for index, m in enumerate(CHANGE_ITEM["materials"])
    ]
    return SimpleNamespace(materials=materials, online_kind="construction_enterprise_change")


def names(materials):
    return {m.name for m in materials}


def test_the_changes_keep_their_order_and_drop_unknown_values():
    assert chosen_changes({"changes": "lost,name,bogus"}) == ["name", "lost"]
    assert chosen_changes({"changes": ["capital", "address"]}) == ["address", "capital"]
    assert chosen_changes({}) == []


def test_each_change_asks_only_for_its_own_fields():
    assert fields_for(["name"]) == ("new_name", "licence_name")
    assert fields_for(["capital", "lost"]) == ("new_capital", "lost_certificate_number", "loss_statement")
    assert fields_for(["legal_rep"]) == ("new_legal_rep_name", "new_legal_rep_id")


def test_a_lost_certificate_alone_needs_the_loss_statement_not_the_market_regulators_approval():
    item = catalogue_item()
    required = names(enterprise_items.required_materials(item, {"changes": "lost"}))
    assert required == {"建筑业企业资质证书变更（补办）申请表", "企业法人营业执照", "遗失声明"}
    assert "市场监督管理部门核准变更证明" not in names(relevant_materials(item, {"changes": "lost"}))


def test_a_new_legal_representative_needs_the_approval_and_the_identity_document():
    item = catalogue_item()
    required = names(enterprise_items.required_materials(item, {"changes": "legal_rep"}))
    assert {"市场监督管理部门核准变更证明", "法定代表人身份证明"} <= required
    assert "遗失声明" not in required
    assert "股东会或者董事会决议" in names(relevant_materials(item, {"changes": "legal_rep"}))
    assert "股东会或者董事会决议" not in required  # asked, not required


def test_every_material_of_the_shipped_item_has_a_rule():
    assert {m["name"] for m in CHANGE_ITEM["materials"]} == set(enterprise_items.MATERIAL_CHANGES)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("5000", "5000"),
        ("5,000", "5000"),
        ("5000.50", "5000.5"),
        ("12.0", "12"),
        ("0", None),
        ("-1", None),
        ("abc", None),
    ],
)
def test_the_registered_capital_is_a_positive_amount_in_ten_thousand_yuan(typed, kept):
    assert _capital(typed) == kept
