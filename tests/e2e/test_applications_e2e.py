"""Chapter 三 in Chromium: 办事服务 → 办事指南 → face verification → 在线申报 with uploads → progress."""

import datetime
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from app import clock
from app.models import EnterpriseQualification, QualificationCertificate
from app.services.accounts.identity_documents import make_uscc
from app.services.platform.sms import latest_outbox_code

pytestmark = pytest.mark.e2e

EMPLOYER = make_uscc("91110105MA01B2C3X")


def jpeg(path, color="white"):
    Image.new("RGB", (295, 413), color).save(path, "JPEG")
    return str(path)


def test_from_the_catalogue_to_the_progress_page(
    pass_face_check_on_phone, page, live_server, app, db, register_person, known_captcha, screenshot, tmp_path
):
    person = register_person()
    db.session.add(
        QualificationCertificate(
            holder_name=person["name"],
            holder_document_type="resident_id",
            holder_document_number=person["document_number"],
            qualification="constructor_1",
            specialty="建筑工程",
            certificate_number="BJ2015000099",
            issued_on=datetime.date(2015, 1, 1),
        )
    )
    db.session.add(
        EnterpriseQualification(
            enterprise_name="北京建工示范建设集团有限公司",
            uscc=EMPLOYER,
            kind="建筑业企业",
            qualification="建筑工程施工总承包",
            grade="一级",
            certificate_number="D111000009",
            valid_from=datetime.date(2024, 1, 1),
            valid_to=clock.today() + datetime.timedelta(days=300),
        )
    )
    db.session.commit()

    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["phone"])
    page.fill("#password", person["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))

    page.get_by_role("link", name="办事服务").first.click()
    expect(page.locator("h1")).to_have_text("个人行政审批事项")
    item = page.locator(".service-item", has_text="一级建造师执业资格认定（初始注册）")
    expect(item.locator(".service-actions")).to_be_hidden()
    item.hover()
    expect(item.locator(".service-actions")).to_be_visible()  # hovering shows 办事指南 and 在线办理
    screenshot("services-catalogue")
    item.get_by_role("link", name="办事指南").click()
    expect(page.locator(".guide-table")).to_contain_text("设定依据")
    screenshot("service-guide")
    page.get_by_role("link", name="在线办理").click()

    expect(page).to_have_url(re.compile(r"/face/online_service"))
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"^http://[^/]+/services/item/[^/?]+$"))
    for label in ("在线申报", "信息修改或材料补充", "最新业务办理进度"):
        expect(page.get_by_role("link", name=label)).to_be_visible()
    screenshot("service-workspace")

    page.get_by_role("link", name="在线申报").click()
    page.fill("#nation", "汉族")
    page.fill("#school", "同济大学")
    page.fill("#major", "建筑施工管理")
    page.fill("#education", "本科")
    page.fill("#graduation_date", "2008-07-01")
    page.fill("#employer_name", "北京建工示范建设集团有限公司")
    page.fill("#employer_uscc", EMPLOYER)
    page.select_option("#specialty", "建筑工程")
    photo = jpeg(tmp_path / "photo.jpg")
    for file_input in page.locator(".material-row input[type=file]").all():
        file_input.set_input_files(photo)
    page.check("#commitment-yes")
    page.locator(".captcha-input").fill(known_captcha)
    page.locator(".sms-button").click()
    expect(page.locator('[data-ok-for="sms"]')).not_to_be_empty()
    with app.app_context():
        code = latest_outbox_code(person["phone"], "application")
    page.fill("#sms_code", code)
    screenshot("application-form")
    page.locator("#submit-application").click()

    expect(page).to_have_url(re.compile(r"/submitted/"))
    expect(page.locator("#application-number")).to_have_text(re.compile(r"^\d{16}$"))
    number = page.locator("#application-number").inner_text()
    page.get_by_role("link", name="查看进度").click()
    expect(page.locator("#case-number")).to_have_text(number)
    expect(page.locator("#current-status")).to_contain_text("已提交，待受理")
    expect(page.locator("#timeline")).to_contain_text("申请已提交")
    screenshot("application-progress")
