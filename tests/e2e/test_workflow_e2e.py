"""A case in Chromium from submission to issue: four staff roles in the back office, a correction round
by the applicant on 信息修改或材料补充, notices on the progress page, the certificate in 我的证照."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.models import Application
from app.services.platform.sms import latest_outbox_code

pytestmark = pytest.mark.e2e

STAFF = {
    "acceptor": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
}


def jpeg_bytes(color="white"):
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def submitted(client, db, submit_constructor_case):
    """A citizen's 一级建造师 initial registration, submitted through the portal."""
    person, account, item = submit_constructor_case(
        client,
        employer_name="北京建工示范建设集团有限公司",
        major="土木工程",
        certificate_number="BJ2015000077",
        qualification_number="D111000077",
        submit_token="e2e-workflow",
    )
    client.post("/account/logout")
    person["account_id"] = account.id
    return person, db.session.query(Application).one(), item


def staff_page(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/admin/login/")
    page.fill("#username", username)
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    return page


def open_from_queue(page, live_server, number):
    page.goto(live_server + "/admin/workflow/")
    page.locator("#queue-table").get_by_role("link", name=number).click()
    expect(page.locator("#case-status")).to_be_visible()


def press(page, action, reason=""):
    form = page.locator(f"#action-{action}")
    if reason:
        form.locator("textarea").fill(reason)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/workflow/$"))
    expect(page.locator(".alert-success")).to_contain_text("已办理")


def test_case_goes_from_submission_through_a_correction_round_to_issue(
    browser,
    page,
    live_server,
    app,
    db,
    staff_factory,
    submitted,
    known_captcha,
    screenshot,
    tmp_path,
    pass_face_check_on_phone,
):
    person, case, item = submitted
    for username, role in STAFF.items():
        staff_factory(role, username=username)
    flagged = next(m for m in item.materials if m.required)

    # 受理员: the case is in the queue; it goes back for correction, the defect named per material.
    acceptor = staff_page(browser, live_server, "acceptor")
    open_from_queue(acceptor, live_server, case.number)
    expect(acceptor.locator("#case-status")).to_have_text("已提交，待受理")
    screenshot("workflow-acceptor-case", target=acceptor)
    acceptor.get_by_role("link", name="退回补正").click()
    acceptor.fill("#reason", "身份证扫描件不清晰")
    acceptor.check(f"#flag_{flagged.id}")
    acceptor.fill(f"#defect_{flagged.id}", "请上传清晰的身份证正反面扫描件")
    screenshot("workflow-return-form", target=acceptor)
    acceptor.locator("#case-return-form button[type=submit]").click()
    expect(acceptor.locator(".alert-success")).to_contain_text(f"办件{case.number}已退回补正")

    # The applicant: the progress page names the defect and offers the 补正材料通知书; only that material is open.
    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["phone"])
    page.fill("#password", person["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    page.goto(f"{live_server}/user/cases/{case.number}")
    expect(page.locator("#timeline")).to_contain_text("请上传清晰的身份证正反面扫描件")
    expect(page.get_by_role("link", name=re.compile("行政许可补正材料通知书"))).to_be_visible()
    screenshot("workflow-applicant-returned")
    page.goto(f"{live_server}/services/item/{item.code}/correction")
    expect(page).to_have_url(re.compile(r"/face/online_service"))  # a new sign-in: the face check again
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/services/item/[^/?]+/correction$"))
    expect(page.locator("#defects")).to_contain_text("请上传清晰的身份证正反面扫描件")
    page.set_input_files(
        f"#material_{flagged.id}",
        files=[{"name": "id-card.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes("#eeeeee")}],
    )
    other = next(m for m in item.materials if m.required and m.id != flagged.id)
    expect(page.locator(f"#material_{other.id}")).to_be_disabled()  # only the flagged material may be replaced
    page.check("#commitment-yes")
    page.locator(".captcha-input").fill(known_captcha)
    page.locator(".sms-button").click()
    expect(page.locator('[data-ok-for="sms"]')).not_to_be_empty()
    with app.app_context():
        page.fill("#sms_code", latest_outbox_code(person["phone"], "application"))
    screenshot("workflow-correction-form")
    page.locator("#submit-correction").click()
    expect(page).to_have_url(re.compile(rf"/user/cases/{case.number}$"))
    expect(page.get_by_text("补正材料已重新提交")).to_be_visible()

    # 受理员 accepts the corrected case; 审查员, 审批员 and 制证员 take it to the end.
    open_from_queue(acceptor, live_server, case.number)
    expect(acceptor.locator("#case-status")).to_have_text("补正后重新提交")
    press(acceptor, "accept")
    reviewer = staff_page(browser, live_server, "reviewer")
    open_from_queue(reviewer, live_server, case.number)
    press(reviewer, "start_review")
    approver = staff_page(browser, live_server, "approver")
    open_from_queue(approver, live_server, case.number)
    press(approver, "approve", "符合注册条件")
    issuer = staff_page(browser, live_server, "issuer")
    open_from_queue(issuer, live_server, case.number)
    screenshot("workflow-issuer-case", target=issuer)
    press(issuer, "issue")
    for staff in (acceptor, reviewer, approver, issuer):
        staff.context.close()

    # The applicant sees every step, downloads the decision, and finds the certificate in 我的证照.
    page.goto(f"{live_server}/user/cases/{case.number}")
    expect(page.locator("#current-status")).to_contain_text("已制证")
    for step in ("退回补正", "补正后重新提交", "已受理", "开始审查", "准予许可", "已制证"):
        expect(page.locator("#timeline")).to_contain_text(step)
    with page.expect_download() as decision:
        page.get_by_role("link", name=re.compile("准予行政许可决定书")).click()
    from pypdf import PdfReader

    text = PdfReader(decision.value.path()).pages[0].extract_text().replace("\n", "")
    assert "准予行政许可决定书" in text and case.number in text
    screenshot("workflow-applicant-issued")
    page.goto(live_server + "/user/certificates")
    expect(page).to_have_url(re.compile(r"/face/my_certificates"))  # 在线办理's check does not open 我的证照
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/user/certificates$"))
    expect(page.locator(".certificate-card").first).to_contain_text("中华人民共和国一级建造师注册证书")
