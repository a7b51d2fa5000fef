"""The back office in Chromium, in Chinese: a case page (form labels, materials with versions) and the
catalogue administration (an item with its materials, a material's rules edited)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from app.models import Attachment, ServiceItem
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.e2e


def sign_in(page, live_server, username):
    page.goto(live_server + "/admin/login/")
    page.fill("#username", username)
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))


def test_a_case_page_in_chinese(live_server, page, db, staff_factory, screenshot):
    case = ApplicationFactory(
        status="resubmitted",
        data={
            "nation": "汉族",
            "school": "同济大学",
            "major": "土木工程",
            "education": "本科",
            "graduation_date": "2008-07-01",
            "employer_uscc": "91110105MA01QQQQ1X",
            "employer_name": "示范建设集团",
            "specialty": "建筑工程",
        },
    )
    material = case.item.materials[0]
    for version in (1, 2):
        case.attachments.append(
            Attachment(
                material_id=material.id,
                version=version,
                is_current=version == 2,
                original_name=f"身份证明-第{version}版.pdf",
                stored_name=f"e2e-{version}.pdf",
                content_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                uploaded_at=datetime.datetime(2026, 3, version, 2, 0),
            )
        )
    db.session.commit()
    staff_factory("AcceptanceOfficer", username="slr001")
    sign_in(page, live_server, "slr001")
    page.goto(f"{live_server}/admin/workflow/case/{case.id}")
    expect(page.locator("#case-facts")).to_contain_text("毕业院校")
    expect(page.locator("#case-facts")).not_to_contain_text("school")
    expect(page.locator("#case-materials")).to_contain_text("身份证明-第1版.pdf")
    expect(page.locator("#case-materials")).to_contain_text("历史版本")
    expect(page.locator(".navbar")).to_contain_text("测试员工1")
    screenshot("back-office-case-page")


def test_the_catalogue_administration_in_chinese(live_server, page, db, staff_factory, screenshot):
    item = db.session.query(ServiceItem).filter_by(online_kind="constructor_initial").one()
    staff_factory("CatalogueAdmin", username="sxgly01")
    sign_in(page, live_server, "sxgly01")
    page.goto(f"{live_server}/serviceitemadminview/list/")
    expect(page.locator("body")).to_contain_text("承诺时限（工作日）")
    screenshot("back-office-catalogue-list")
    page.goto(f"{live_server}/serviceitemadminview/show/{item.id}")
    expect(page.locator("body")).to_contain_text("申请材料")
    screenshot("back-office-catalogue-item")
    photo = next(m for m in item.materials if "证件照" in m.name)
    page.goto(f"{live_server}/servicematerialadminview/edit/{photo.id}")
    page.fill("#max_size_mb", "2")
    screenshot("back-office-material-edit")
    page.locator("#model_form button[type=submit], form#model_form input[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(f"{live_server}/services/guide/{item.code}")
    expect(page.locator(".materials-table")).to_contain_text("2 MB")
