"""我的证照 in Chromium: face recognition, 证照加注, PDF and OFD download, the QR verification page."""

import datetime
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from app import clock
from app.models import Account, CertificateEndorsement, PersonRegistration, RegisteredSpecialty
from app.services.certificates import lifecycle as certificates

pytestmark = pytest.mark.e2e


@pytest.fixture
def holder(db, register_person):
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    today = clock.today()
    registration = PersonRegistration(
        holder_name=account.real_name,
        holder_document_type=account.document_type,
        holder_document_number=account.document_number,
        qualification="constructor_1",
        registration_number="京1112015202600007",
        employer_name="北京建工示范建设集团有限公司",
        employer_uscc="91110105MA01B2C3X6",
        valid_from=today,
        valid_to=today + datetime.timedelta(days=1095),
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑工程", valid_to=registration.valid_to))
    db.session.add(registration)
    db.session.flush()
    certificates.issue_for(registration, today)
    db.session.commit()
    return person


def test_holder_endorses_downloads_and_anyone_verifies(
    pass_face_check_on_phone, page, browser, live_server, db, holder, screenshot
):
    page.goto(live_server + "/account/login")
    page.fill("#identifier", holder["document_number"])
    page.fill("#password", holder["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    page.click("#my-certificates-link")
    expect(page).to_have_url(re.compile(r"/face/my_certificates"))
    screenshot("certificates-face")

    pass_face_check_on_phone(page)

    expect(page).to_have_url(live_server + "/user/certificates")
    expect(page.locator("h1")).to_have_text("电子证照管理")
    card = page.locator(".certificate-card").first
    expect(card).to_contain_text("京1112015202600007")
    preview_image = page.locator(".certificate-preview img")
    expect(preview_image).to_have_js_property("complete", True)
    expect(preview_image).not_to_have_js_property("naturalWidth", 0)  # the preview loaded
    expect(page.locator(".certificate-downloads")).to_have_count(0)  # nothing to download before 加注
    screenshot("certificates-before-endorsement")

    page.get_by_role("button", name="证照加注").click()
    dialog = page.locator("dialog.endorse-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("投标使用").check()
    screenshot("certificates-endorse-dialog")
    dialog.get_by_role("button", name="加注", exact=True).click()
    expect(page.get_by_text("加注成功！")).to_be_visible()
    expect(page.locator(".certificate-card").first).to_contain_text("已加注")

    preview = page.locator(".certificate-preview").first
    pdf_link = page.get_by_role("link", name="PDF下载")
    expect(pdf_link).to_be_hidden()
    preview.hover()
    expect(pdf_link).to_be_visible()
    expect(page.get_by_role("link", name="OFD下载")).to_be_visible()
    screenshot("certificates-hover-downloads")

    with page.expect_download() as pdf_download:
        pdf_link.click()
    pdf_bytes = open(pdf_download.value.path(), "rb").read()
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    from pypdf import PdfReader

    pdf_text = PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
    assert holder["name"] in pdf_text and "京1112015202600007" in pdf_text

    preview.hover()
    with page.expect_download() as ofd_download:
        page.get_by_role("link", name="OFD下载").click()
    with zipfile.ZipFile(ofd_download.value.path()) as package:
        assert "京1112015202600007" in package.read("Doc_0/Pages/Page_0/Content.xml").decode("utf-8")

    # The QR code's address, opened by someone without an account.
    code = db.session.query(CertificateEndorsement).one().public_code
    visitor = browser.new_context(locale="zh-CN")
    try:
        public = visitor.new_page()
        public.goto(f"{live_server}/certificates/verify/{code}")
        expect(public.locator("#verify-verdict")).to_have_text("证照真实有效")
        expect(public.locator("#verify-registration")).to_have_text("京1112015202600007")
        expect(public.locator("#verify-result")).not_to_contain_text(holder["name"])
        screenshot("certificates-verify-page", target=public)

        public.goto(f"{live_server}/certificates/verify")
        public.set_input_files(
            "#document", files=[{"name": "c.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes}]
        )
        public.click("#verify-submit")
        expect(public.locator("#file-matches")).to_have_text("该文件与门户签发的证照一致。")
        expect(public.locator("#verify-verdict")).to_have_text("证照真实有效")
        screenshot("certificates-verify-upload", target=public)
    finally:
        visitor.close()
