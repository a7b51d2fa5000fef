"""An officer reads a case under the application form's own labels, with every material by name and version."""

import datetime
import re

import pytest

from app.models import Attachment
from tests.factories import ApplicationFactory

FORM_DATA = {
    "nation": "汉族",
    "school": "同济大学",
    "major": "土木工程",
    "education": "本科",
    "graduation_date": "2008-07-01",
    "employer_uscc": "91110105MA01QQQQ1X",
    "employer_name": "示范建设集团",
    "specialty": "建筑工程",
}
RAW_KEYS = list(FORM_DATA)
LABELS = ["民族", "毕业院校", "所学专业", "学历信息", "毕业时间", "聘用企业统一社会信用代码", "聘用企业名称", "专业"]


@pytest.fixture
def case_with_versions(db):
    case = ApplicationFactory(status="resubmitted", data=dict(FORM_DATA))
    first, second = case.item.materials[0], case.item.materials[1]
    for version, name in ((1, "身份证-第一次.pdf"), (2, "身份证-补正后.pdf")):
        case.attachments.append(
            Attachment(
                material_id=first.id,
                version=version,
                is_current=version == 2,
                original_name=name,
                stored_name=f"stored-{version}.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                uploaded_at=datetime.datetime(2026, 3, version, 2, 0),
            )
        )
    db.session.commit()
    return case, first, second


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("page", ["/applicationadminview/show/{id}", "/admin/workflow/case/{id}"])
def test_the_case_page_shows_the_forms_labels_and_every_material_version(
    client, case_with_versions, staff_factory, login_staff, page
):
    case, first, second = case_with_versions
    staff_factory("AcceptanceOfficer", username="slr001")
    login_staff("slr001")
    response = client.get(page.format(id=case.id))
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    for key in RAW_KEYS:
        assert not re.search(rf"\b{key}\b", text), key
    fields = re.search(r"<dl[^>]*>.*?</dl>", response.get_data(as_text=True), re.S).group(0)
    for label, value in zip(LABELS, FORM_DATA.values(), strict=True):
        assert re.search(rf"<dt>{label}</dt>\s*<dd[^>]*>{re.escape(value)}</dd>", fields), label
    materials = re.search(r'<table[^>]*id="case-materials".*?</table>', response.get_data(as_text=True), re.S).group(0)
    assert first.name in materials and second.name in materials
    assert "身份证-补正后.pdf" in materials and "身份证-第一次.pdf" in materials
    assert materials.index("身份证-补正后.pdf") < materials.index("身份证-第一次.pdf")  # newest first
    assert "第2版" in materials and "第1版" in materials and "当前版本" in materials and "历史版本" in materials
    assert "未上传" in materials  # the second material has no upload
