"""建筑业企业资质认定（变更-遗失补办） in Chromium (manual 图4-1-1, 图4-1-2): the demonstration company signs
in, its legal representative passes the face check, the change is filed, returned, corrected, issued; the
register and 企业资质查询 show the new name; the new certificate copy downloads and verifies, the old copy
does not."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.models import Account, Application, CertificateEndorsement, ElectronicCertificate, ServiceItem
from app.seed import demo_data
from app.services.platform.sms import latest_outbox_code

pytestmark = pytest.mark.e2e

ITEM_CODE = "11100000000013338W1000117060003"
NEW_NAME = "北京建工示范集团股份有限公司"
STAFF = {
    "acceptor": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
}


def jpeg(color="white"):
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), color).save(buffer, "JPEG")
    return {"name": "scan.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


@pytest.fixture
def company(db):
    demo_data.seed_register()
    demo_data.seed_portal_users()
    demo_data.seed_registers()
    db.session.flush()
    demo_data.seed_certificates()
    db.session.commit()
    return db.session.query(Account).filter_by(phone=demo_data.DEMO_COMPANY_PHONE).one()


def staff_page(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/admin/login/")
    page.fill("#username", username)
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    return page


def open_case(page, live_server, number):
    page.goto(live_server + "/admin/workflow/")
    page.locator("#queue-table").get_by_role("link", name=number).click()
    expect(page.locator("#case-status")).to_be_visible()


def press(page, action, reason=""):
    form = page.locator(f"#action-{action}")
    if reason:
        form.locator("textarea").fill(reason)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/workflow/$"))


def sms_code(page, app, known_captcha):
    page.locator(".captcha-input").fill(known_captcha)
    page.locator(".sms-button").click()
    expect(page.locator('[data-ok-for="sms"]')).not_to_be_empty()
    with app.app_context():
        page.fill("#sms_code", latest_outbox_code(demo_data.DEMO_COMPANY_PHONE, "application"))


def endorse_first_valid(page):
    card = page.locator('.certificate-card[data-status="valid"]').first
    card.get_by_role("button", name="证照加注").click()
    dialog = card.locator("dialog.endorse-dialog")
    dialog.get_by_label("投标使用").check()
    dialog.get_by_role("button", name="加注", exact=True).click()
    expect(page.get_by_text("加注成功！")).to_be_visible()


def test_company_files_a_name_change_and_lost_certificate_and_gets_the_new_certificate(
    browser,
    page,
    live_server,
    app,
    db,
    company,
    staff_factory,
    known_captcha,
    screenshot,
    pass_face_check_on_phone,
):
    for username, role in STAFF.items():
        staff_factory(role, username=username)
    item = db.session.query(ServiceItem).filter_by(code=ITEM_CODE).one()
    material = {m.name: m.id for m in item.materials}

    # The company signs in with its 法人 account and keeps a copy of its present certificate (加注).
    page.goto(live_server + "/account/login?tab=legal")
    page.fill("#identifier", demo_data.DEMO_COMPANY_USCC)
    page.fill("#password", demo_data.DEMO_COMPANY_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    page.goto(live_server + "/user/certificates")
    pass_face_check_on_phone(page)
    expect(page).to_have_url(live_server + "/user/certificates")
    expect(page.locator(".certificate-card").first).to_contain_text("建筑业企业资质证书")
    endorse_first_valid(page)
    old_code = db.session.query(CertificateEndorsement).one().public_code

    # 办事服务 → 企业行政审批事项 → 建筑业企业: hover shows 【办事指南】【在线办理】 (图4-1-1).
    page.goto(live_server + "/services/?category=enterprise")
    row = page.locator(f'.service-item[data-code="{ITEM_CODE}"]')
    row.hover()
    expect(row.get_by_role("link", name="办事指南")).to_be_visible()
    screenshot("enterprise-catalogue-hover")
    row.get_by_role("link", name="在线办理").click()
    expect(page).to_have_url(re.compile(r"/face/online_service"))
    expect(page.locator("#face-legal-rep")).to_contain_text("法定代表人")
    screenshot("enterprise-face-check")
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(rf"/services/item/{ITEM_CODE}$"))
    page.locator("#apply-online").click()

    # 在线办理 (图4-1-2): prefilled from the register; only the chosen changes' fields and materials show.
    expect(page.locator("#register-name")).to_have_text(demo_data.DEMO_COMPANY_NAME)
    expect(page.locator("#register-capital")).to_have_text("50000")
    expect(page.locator("#qualifications-held")).to_contain_text("D111000001")
    expect(page.locator("#fields-name")).to_be_hidden()
    page.check("#change-name")
    page.check("#change-lost")
    expect(page.locator("#fields-name")).to_be_visible()
    expect(page.locator("#fields-capital")).to_be_hidden()
    expect(page.locator(f"#material_{material['法定代表人身份证明']}")).to_be_hidden()
    expect(page.locator(f"#material_{material['遗失声明']}")).to_be_visible()
    expect(page.locator(f"label[for=material_{material['遗失声明']}] .req")).to_be_visible()  # required now
    page.fill("#new_name", NEW_NAME)
    page.fill("#licence_name", "北京建工示范集团有限公司")  # not what the new name says
    page.fill("#lost_certificate_number", "D111000001")
    page.fill("#loss_statement", "2026年11月20日《中国建设报》第3版")
    for name in (
        "建筑业企业资质证书变更（补办）申请表",
        "企业法人营业执照",
        "市场监督管理部门核准变更证明",
        "遗失声明",
    ):
        page.set_input_files(f"#material_{material[name]}", files=[jpeg()])
    page.check("#commitment-yes")
    sms_code(page, app, known_captcha)
    screenshot("enterprise-apply-form")
    page.locator("#submit-application").click()
    expect(page.locator("#licence_name-error")).to_contain_text("营业执照")
    expect(page.locator("#change-name")).to_be_checked()  # a refused post keeps what was posted
    page.fill("#licence_name", NEW_NAME)
    for name in (
        "建筑业企业资质证书变更（补办）申请表",
        "企业法人营业执照",
        "市场监督管理部门核准变更证明",
        "遗失声明",
    ):
        page.set_input_files(f"#material_{material[name]}", files=[jpeg()])
    page.check("#commitment-yes")
    sms_code(page, app, known_captcha)
    page.locator("#submit-application").click()
    expect(page).to_have_url(re.compile(r"/submitted/\d+$"))
    case = db.session.query(Application).one()

    # 受理员 sees the change beside the register and returns it for correction.
    acceptor = staff_page(browser, live_server, "acceptor")
    open_case(acceptor, live_server, case.number)
    expect(acceptor.locator("#enterprise-comparison")).to_contain_text(demo_data.DEMO_COMPANY_NAME)
    expect(acceptor.locator("#enterprise-comparison")).to_contain_text(NEW_NAME)
    screenshot("enterprise-staff-comparison", target=acceptor)
    press(acceptor, "accept")
    # 审查员 starts the review and returns it for correction (it comes back to review).
    reviewer = staff_page(browser, live_server, "reviewer")
    open_case(reviewer, live_server, case.number)
    press(reviewer, "start_review")
    open_case(reviewer, live_server, case.number)
    reviewer.get_by_role("link", name="退回补正").click()
    reviewer.fill("#reason", "营业执照扫描件不清晰")
    licence = material["企业法人营业执照"]
    reviewer.check(f"#flag_{licence}")
    reviewer.fill(f"#defect_{licence}", "请上传清晰的营业执照副本")
    reviewer.locator("#case-return-form button[type=submit]").click()
    expect(reviewer.locator(".alert-success")).to_be_visible()

    # The company: 我的办件 shows the case; 信息修改或材料补充 takes the corrected licence.
    page.goto(live_server + "/user/cases")
    expect(page.locator("body")).to_contain_text(case.number)
    page.goto(f"{live_server}/services/item/{ITEM_CODE}/correction")
    expect(page.locator("#defects")).to_contain_text("请上传清晰的营业执照副本")
    expect(page.locator("#enterprise-case")).to_contain_text(NEW_NAME)
    page.set_input_files(f"#material_{licence}", files=[jpeg("#eeeeee")])
    page.check("#commitment-yes")
    sms_code(page, app, known_captcha)
    screenshot("enterprise-correction")
    page.locator("#submit-correction").click()
    expect(page).to_have_url(re.compile(rf"/user/cases/{case.number}$"))
    screenshot("enterprise-progress")

    # Staff take it to the end: the reviewer's opinion, the decision, the certificate.
    open_case(reviewer, live_server, case.number)
    form = reviewer.locator("#action-submit_opinion")
    form.locator("textarea#reason-submit_opinion").fill("变更材料齐全，营业执照名称一致")
    form.locator("#recommendation-grant").check()
    press(reviewer, "submit_opinion")
    approver = staff_page(browser, live_server, "approver")
    open_case(approver, live_server, case.number)
    press(approver, "approve", "符合变更条件")
    issuer = staff_page(browser, live_server, "issuer")
    open_case(issuer, live_server, case.number)
    press(issuer, "issue")
    for staff in (acceptor, reviewer, approver, issuer):
        staff.context.close()

    page.goto(f"{live_server}/user/cases/{case.number}")
    expect(page.locator("#current-status")).to_contain_text("已制证")

    # 企业资质查询 shows the new name.
    visitor = browser.new_context(locale="zh-CN")
    try:
        public = visitor.new_page()
        public.goto(f"{live_server}/query/enterprises/{demo_data.DEMO_COMPANY_USCC}")
        expect(public.locator("h1")).to_have_text(NEW_NAME)
        screenshot("enterprise-query-after-change", target=public)
        # The old copy's QR page: replaced, not valid.
        public.goto(f"{live_server}/certificates/verify/{old_code}")
        expect(public.locator("#verify-result")).to_have_attribute("data-verdict", "replaced")
        expect(public.locator("#verify-status")).to_contain_text("遗失补办")
        screenshot("enterprise-old-copy-verify", target=public)
    finally:
        visitor.close()

    # 我的证照: the new copy, endorsed and downloaded; its PDF says the new name and copy number.
    page.goto(live_server + "/user/certificates")
    expect(page).to_have_url(live_server + "/user/certificates")
    new = (
        db.session.query(ElectronicCertificate)
        .filter(ElectronicCertificate.enterprise_qualification_id.is_not(None))
        .filter(ElectronicCertificate.revoked_at.is_(None))
        .one()
    )
    expect(page.locator(f"#holder-{new.id}")).to_have_text(NEW_NAME)
    expect(page.locator(f"#copy-{new.id}")).to_have_text("2")
    endorse_first_valid(page)
    screenshot("enterprise-my-certificates")
    page.locator(f"#certificate-{new.id} .certificate-preview").hover()
    with page.expect_download() as pdf_download:
        page.locator(f"#pdf-download-{new.id}").click()
    from pypdf import PdfReader

    text = PdfReader(pdf_download.value.path()).pages[0].extract_text().replace("\n", "")
    assert "建筑业企业资质证书" in text and NEW_NAME in text and "D111000001" in text and "副本2" in text
    db.session.expire_all()
    code = (
        db.session.query(CertificateEndorsement)
        .filter_by(certificate_id=new.id)
        .order_by(CertificateEndorsement.id.desc())
        .first()
        .public_code
    )
    page.goto(f"{live_server}/certificates/verify/{code}")
    expect(page.locator("#verify-verdict")).to_have_text("证照真实有效")
    expect(page.locator("#verify-name")).to_have_text(NEW_NAME)
    expect(page.locator("#verify-copy")).to_have_text("2")
    screenshot("enterprise-new-copy-verify")
