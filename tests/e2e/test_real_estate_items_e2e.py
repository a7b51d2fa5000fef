"""房地产开发企业一级资质核定 in Chromium (manual 图4-2-1 … 图4-2-3): the demonstration company signs in, its
legal representative passes the face check, 在线办理 jumps to the 一级资质核定系统; the company fills the
steps, saves a draft, leaves and resumes; declares; staff accept, return it for correction, the company
corrects it in the system; staff approve and issue; 企业资质查询 shows the grade; the certificate downloads
and its QR page says valid."""

import datetime
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from app import clock
from app.models import (
    Account,
    Application,
    CertificateEndorsement,
    ElectronicCertificate,
    EnterpriseQualification,
    ServiceItem,
)
from app.seed import demo_data
from app.services.accounts import identity_documents as docs
from app.services.platform.sms import latest_outbox_code

pytestmark = pytest.mark.e2e

ITEM_CODE = "11100000000013338W1000117061001"
STAFF = {
    "acceptor": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
}


def scan(material):
    if material.formats == "pdf":
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        buffer = io.BytesIO()
        writer.write(buffer)
        return {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": buffer.getvalue()}
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), "white").save(buffer, "JPEG")
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


def fill_row(page, table, index, values):
    row = page.locator(f"#{table} tbody tr").nth(index)
    for name, value in values.items():
        field = row.locator(f'[name="{table.removesuffix("-table")}-{name}"]')
        if field.evaluate("node => node.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def add_row(page, table, button, values):
    page.locator(button).click()
    fill_row(page, table, page.locator(f"#{table} tbody tr").count() - 1, values)


def test_company_files_grade1_real_estate_in_its_own_system_and_gets_the_certificate(
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
    year = clock.today().year

    # The company signs in with its 法人 account.
    page.goto(live_server + "/account/login?tab=legal")
    page.fill("#identifier", demo_data.DEMO_COMPANY_USCC)
    page.fill("#password", demo_data.DEMO_COMPANY_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))

    # 办事服务 → 企业行政审批事项 → 房地产开发企业: 【办事指南】【在线办理】 (图4-2-1); the face check; the system.
    page.goto(live_server + "/services/?category=enterprise")
    row = page.locator(f'.service-item[data-code="{ITEM_CODE}"]')
    row.hover()
    expect(row.get_by_role("link", name="办事指南")).to_be_visible()
    row.get_by_role("link", name="在线办理").click()
    expect(page).to_have_url(re.compile(r"/face/online_service"))
    expect(page.locator("#face-legal-rep")).to_contain_text("法定代表人")
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(rf"/services/estate/{ITEM_CODE}/step/basic$"))

    # 企业基本信息 (图4-2-2): its own header and step bar, prefilled from the registers.
    expect(page.locator("#estate-system-name")).to_have_text("房地产开发企业一级资质核定系统")
    expect(page.locator("#estate-company-name")).to_have_text(demo_data.DEMO_COMPANY_NAME)
    expect(page.locator("#register-capital")).to_have_text("50000")
    expect(page.locator("#register-established")).to_have_text("2008-06-18")
    expect(page.locator('#estate-steps [aria-current="step"]')).to_contain_text("企业基本信息")
    page.fill("#contact_name", "周立")
    page.fill("#contact_title", "资质专员")
    screenshot("estate-basic")
    page.locator("#estate-next").click()

    # 经营业绩: two projects, one removed and added again; saved as a draft; the area rule stated.
    expect(page).to_have_url(re.compile(r"/step/projects$"))
    expect(page.locator("#rule-area")).to_contain_text("300,000")
    fill_row(
        page,
        "projects-table",
        0,
        {
            "name": "示范花园一期",
            "location": "北京市朝阳区",
            "type": "住宅",
            "floor_area": "200000",
            "completed_area": "180000",
            "year": str(year - 1),
        },
    )
    add_row(page, "projects-table", "#add-project", {"name": "临时行", "location": "x"})
    page.locator("#projects-table tbody tr").nth(1).get_by_role("button", name="删除").click()
    expect(page.locator("#projects-table tbody tr")).to_have_count(1)
    add_row(
        page,
        "projects-table",
        "#add-project",
        {
            "name": "示范商业中心",
            "location": "北京市海淀区",
            "type": "商业",
            "floor_area": "160000",
            "completed_area": "150000",
            "year": str(year - 2),
        },
    )
    page.locator("#estate-save").click()
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    expect(page.locator("#recent-area")).to_contain_text("330,000")
    screenshot("estate-projects")

    # The company leaves the system and comes back: the system opens at 经营业绩 with its rows.
    page.locator("#estate-exit").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    page.goto(live_server + "/services/?category=enterprise")
    row = page.locator(f'.service-item[data-code="{ITEM_CODE}"]')
    row.hover()
    row.get_by_role("link", name="在线办理").click()
    expect(page).to_have_url(re.compile(r"/step/projects$"))
    expect(page.locator('#projects-table input[name="projects-name"]').nth(1)).to_have_value("示范商业中心")
    page.locator("#estate-next").click()

    # 专业技术人员: a registered person, one the register does not know; the counts rule refuses too few.
    expect(page).to_have_url(re.compile(r"/step/staff$"))
    fill_row(
        page,
        "staff-table",
        0,
        {"name": "张建国", "id_number": demo_data.DEMO_PERSON_ID, "title": "高级工程师", "specialty": "建筑"},
    )
    for i in range(39):
        title = "会计师" if i < 4 else ("工程师" if i < 19 else "助理工程师")
        number = docs.make_resident_id("110105", datetime.date(1982, 1, 1) + datetime.timedelta(days=i), 100 + i)
        add_row(
            page,
            "staff-table",
            "#add-staff",
            {"name": f"员工{i + 1:02d}", "id_number": number, "title": title, "specialty": "财务" if i < 4 else "结构"},
        )
        if i == 0:
            page.locator("#estate-next").click()  # two people: saved, the count rule not met
            expect(page.locator("#staff-error")).to_contain_text("不少于40人")
            expect(page.locator("#register-check-0")).to_contain_text("京一注建2024000123")
            expect(page.locator("#register-check-1")).to_contain_text("未在注册人员库中")
            expect(page.locator('input[name="staff-id_number"]').first).to_have_value(re.compile(r"^\d{4}\*{10}\w{4}$"))
            screenshot("estate-staff")
    page.locator("#estate-next").click()

    # 承诺与申报: everything reviewed, the materials, the commitment, the SMS code.
    expect(page).to_have_url(re.compile(r"/step/declare$"))
    expect(page.locator("#review-projects")).to_contain_text("示范商业中心")
    expect(page.locator("#review-rules")).not_to_contain_text("不符合")
    for material in item.materials:
        if material.required:
            page.set_input_files(f"#material_{material.id}", files=[scan(material)])
    page.check("#commitment-yes")
    sms_code(page, app, known_captcha)
    screenshot("estate-declare")
    page.locator("#estate-submit").click()
    expect(page).to_have_url(re.compile(r"/submitted/\d+$"))
    case = db.session.query(Application).one()

    # Staff: the tables readably; accepted, then returned for correction by the reviewer.
    acceptor = staff_page(browser, live_server, "acceptor")
    open_case(acceptor, live_server, case.number)
    expect(acceptor.locator("#review-staff")).to_contain_text("张建国")
    expect(acceptor.locator("#review-projects")).to_contain_text("示范花园一期")
    screenshot("estate-staff-case-page", target=acceptor)
    press(acceptor, "accept")
    reviewer = staff_page(browser, live_server, "reviewer")
    open_case(reviewer, live_server, case.number)
    press(reviewer, "start_review")
    open_case(reviewer, live_server, case.number)
    reviewer.get_by_role("link", name="退回补正").click()
    reviewer.fill("#reason", "经营业绩需补充")
    reviewer.check("#flag_field_projects")
    reviewer.fill("#defect_field_projects", "请补充示范家园项目")
    reviewer.locator("#case-return-form button[type=submit]").click()
    expect(reviewer.locator(".alert-success")).to_be_visible()

    # The company corrects in the same system and resubmits.
    page.goto(f"{live_server}/services/estate/{ITEM_CODE}/")
    expect(page.locator("#estate-returned")).to_contain_text("请补充示范家园项目")
    page.locator("#estate-steps").get_by_role("link", name="经营业绩").click()
    add_row(
        page,
        "projects-table",
        "#add-project",
        {
            "name": "示范家园",
            "location": "北京市丰台区",
            "type": "住宅",
            "floor_area": "50000",
            "completed_area": "50000",
            "year": str(year - 3),
        },
    )
    screenshot("estate-correction")
    page.locator("#estate-next").click()
    page.locator("#estate-next").click()
    expect(page).to_have_url(re.compile(r"/step/declare$"))
    expect(page.locator("#review-projects")).to_contain_text("示范家园")
    page.check("#commitment-yes")
    sms_code(page, app, known_captcha)
    page.locator("#estate-submit").click()
    expect(page).to_have_url(re.compile(rf"/user/cases/{case.number}$"))

    # Staff take it to the end.
    open_case(reviewer, live_server, case.number)
    form = reviewer.locator("#action-submit_opinion")
    form.locator("textarea#reason-submit_opinion").fill("开发年限、竣工面积、人员均符合一级资质标准")
    form.locator("#recommendation-grant").check()
    press(reviewer, "submit_opinion")
    approver = staff_page(browser, live_server, "approver")
    open_case(approver, live_server, case.number)
    press(approver, "approve", "符合一级资质标准")
    issuer = staff_page(browser, live_server, "issuer")
    open_case(issuer, live_server, case.number)
    press(issuer, "issue")
    for staff in (acceptor, reviewer, approver, issuer):
        staff.context.close()

    # 企业资质查询 shows the new grade.
    qualification = (
        db.session.query(EnterpriseQualification)
        .filter_by(uscc=demo_data.DEMO_COMPANY_USCC, kind="房地产开发企业")
        .one()
    )
    visitor = browser.new_context(locale="zh-CN")
    try:
        public = visitor.new_page()
        public.goto(f"{live_server}/query/enterprises/{demo_data.DEMO_COMPANY_USCC}")
        expect(public.locator("body")).to_contain_text("房地产开发")
        expect(public.locator("body")).to_contain_text(qualification.certificate_number)
        screenshot("estate-enterprise-query", target=public)
    finally:
        visitor.close()

    # 我的证照: the 房地产开发企业资质证书, endorsed, downloaded (PDF text checked), its QR page valid.
    certificate = db.session.query(ElectronicCertificate).filter_by(enterprise_qualification_id=qualification.id).one()
    page.goto(live_server + "/user/certificates")
    if "/face/" in page.url:
        pass_face_check_on_phone(page)
    expect(page).to_have_url(live_server + "/user/certificates")
    card = page.locator(f"#certificate-{certificate.id}")
    expect(card).to_contain_text("房地产开发企业资质证书")
    card.get_by_role("button", name="证照加注").click()
    dialog = card.locator("dialog.endorse-dialog")
    dialog.get_by_label("投标使用").check()
    dialog.get_by_role("button", name="加注", exact=True).click()
    expect(page.get_by_text("加注成功！")).to_be_visible()
    screenshot("estate-my-certificates")
    page.locator(f"#certificate-{certificate.id} .certificate-preview").hover()
    with page.expect_download() as pdf_download:
        page.locator(f"#pdf-download-{certificate.id}").click()
    from pypdf import PdfReader

    text = PdfReader(pdf_download.value.path()).pages[0].extract_text().replace("\n", "")
    assert "房地产开发企业资质证书" in text and "房地产开发一级" in text
    assert demo_data.DEMO_COMPANY_NAME in text and qualification.certificate_number in text
    db.session.expire_all()
    code = (
        db.session.query(CertificateEndorsement)
        .filter_by(certificate_id=certificate.id)
        .order_by(CertificateEndorsement.id.desc())
        .first()
        .public_code
    )
    page.goto(f"{live_server}/certificates/verify/{code}")
    expect(page.locator("#verify-verdict")).to_have_text("证照真实有效")
    expect(page.locator("#verify-name")).to_have_text(demo_data.DEMO_COMPANY_NAME)
    screenshot("estate-certificate-verify")
