"""The defect list of a return for correction (退回补正): services/cases/handling.build_defects."""

import pytest

from app.models import Application, ServiceItem, ServiceMaterial
from app.services.cases import handling
from app.services.errors import ServiceError


@pytest.fixture
def case(app):
    item = ServiceItem(name="一级建造师初始注册", group="constructor")
    for position, (material_id, name) in enumerate([(11, "身份证明"), (12, "学历证书"), (13, "照片")]):
        material = ServiceMaterial(name=name, position=position)
        material.id = material_id
        item.materials.append(material)
    with app.test_request_context("/?_l_=zh"):
        yield Application(item=item, data={"school": "同济大学", "major": "土木", "unknown": "x"})


def refusal(case, materials, fields):
    with pytest.raises(ServiceError) as refused:
        handling.build_defects(case, materials, fields)
    return refused.value.errors


def test_each_marked_material_and_field_becomes_one_defect_in_the_items_order(case):
    defects = handling.build_defects(case, {13: " 背景不是白色 ", 11: "不清晰"}, {"school": "请填写全称"})
    assert defects == [
        {"material_id": 11, "label": "身份证明", "problem": "不清晰"},
        {"material_id": 13, "label": "照片", "problem": "背景不是白色"},
        {"field": "school", "label": "毕业院校", "problem": "请填写全称"},
    ]


def test_nothing_marked_is_refused(case):
    assert set(refusal(case, {}, {})) == {"defects"}


def test_a_marked_line_without_its_problem_is_refused_beside_that_line(case):
    errors = refusal(case, {12: "  ", 13: "模糊"}, {"major": ""})
    assert set(errors) == {"defect_12", "defect_field_major"}
    assert str(errors["defect_12"]) == "请说明该材料存在的问题"


def test_only_the_items_materials_and_the_filled_in_fields_can_be_named(case):
    # A material of another item, a field the applicant never filled in, a field that is no form field.
    assert set(refusal(case, {99: "不存在"}, {"nation": "未填", "unknown": "x"})) == {"defects"}
    assert [field for field, _label, _value in handling.returnable_fields(case)] == ["school", "major"]


def test_a_long_problem_is_cut_to_the_limit(case):
    (defect,) = handling.build_defects(case, {11: "很" * 500}, {})
    assert len(defect["problem"]) == handling.DEFECT_MAX_LENGTH


def test_the_return_needs_a_reason_and_reports_every_refusal_at_once(case):
    with pytest.raises(ServiceError) as refused:
        handling.return_for_correction(case, actor=None, reason=" ", materials={12: ""}, fields={})
    assert set(refused.value.errors) == {"reason", "defect_12"}
