"""A case in Chromium from submission to issue: submit → claim → accept → review with a correction round
(the reviewer's return comes back to the reviewer) → review opinion → decision → issue; the applicant
corrects on 信息修改或材料补充, finds the notices on the progress page and the certificate in 我的证照."""

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


def claim_from_queue(page, live_server, number):
    """领取 from the queue's row; the case page then names the officer as its holder."""
    page.goto(live_server + "/admin/workflow/")
    row = page.locator(f'#queue-table tr[data-case="{number}"]')
    expect(row.locator(".claimant")).to_have_text("未领取")
    row.locator(".claim-form button").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已领取办件{number}")
    expect(page.locator("#case-holder")).not_to_have_text("未领取")


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

    # 受理员: the case is in the queue with its submission day and acceptance countdown; they claim and accept it.
    acceptor = staff_page(browser, live_server, "acceptor")
    acceptor.goto(live_server + "/admin/workflow/")
    row = acceptor.locator(f'#queue-table tr[data-case="{case.number}"]')
    expect(row.locator(".days-left")).to_contain_text("受理期限剩余")
    screenshot("workflow-queue", target=acceptor)
    claim_from_queue(acceptor, live_server, case.number)
    expect(acceptor.locator("#case-status")).to_have_text("已提交，待受理")
    press(acceptor, "accept")

    # 审查员: claims it, starts the review and returns it for correction, the defect named per material.
    reviewer = staff_page(browser, live_server, "reviewer")
    claim_from_queue(reviewer, live_server, case.number)
    press(reviewer, "start_review")
    open_from_queue(reviewer, live_server, case.number)
    expect(reviewer.locator("#case-status")).to_have_text("审查中")
    reviewer.get_by_role("link", name="退回补正").click()
    reviewer.fill("#reason", "身份证扫描件不清晰")
    reviewer.check(f"#flag_{flagged.id}")
    reviewer.fill(f"#defect_{flagged.id}", "请上传清晰的身份证正反面扫描件")
    screenshot("workflow-return-form", target=reviewer)
    reviewer.locator("#case-return-form button[type=submit]").click()
    expect(reviewer.locator(".alert-success")).to_contain_text(f"办件{case.number}已退回补正")

    # The applicant: the progress page names the defect and offers the 补正材料通知书; only that material is open.
    page.goto(live_server + "/account/login")
    page.fill("#identifier", person["phone"])
    page.fill("#password", person["password"])
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    page.goto(f"{live_server}/user/cases/{case.number}")
    expect(page.locator("#timeline")).to_contain_text("请上传清晰的身份证正反面扫描件")
    expect(page.locator("#timeline")).to_contain_text("审查处室")
    expect(page.get_by_role("link", name=re.compile("行政许可补正材料通知书"))).to_be_visible()
    screenshot("workflow-applicant-returned")
    page.goto(f"{live_server}/services/item/{item.code}/correction")
    expect(page).to_have_url(re.compile(r"/face/online_service"))  # a new sign-in: the face check again
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/services/item/[^/?]+/correction$"))
    expect(page.locator("#defects")).to_contain_text("请上传清晰的身份证正反面扫描件")
    # 图3-2-9: the item's name with （个人信息修改）, numbered materials, 【重新上传】 and 【历史附件】 under each.
    expect(page.locator("#correction-title")).to_have_text(f"{item.name}（个人信息修改）")
    expect(page.get_by_role("button", name="【重新上传】")).to_have_count(len(item.materials))
    expect(page.locator("summary", has_text="【历史附件】")).to_have_count(len(item.materials))
    history = page.locator(f"#history-{flagged.id}")
    history.locator("summary").focus()
    page.keyboard.press("Enter")  # opened from the keyboard
    expect(history.locator("tbody tr")).to_have_count(1)
    expect(history.locator("tbody tr")).to_contain_text("（北京时间）")
    with page.expect_file_chooser() as chooser:
        page.locator(f'button[data-file-input="material_{flagged.id}"]').click()
    chooser.value.set_files(files=[{"name": "id-card.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes("#eeeeee")}])
    other = next(m for m in item.materials if m.required and m.id != flagged.id)
    expect(page.locator(f'button[data-file-input="material_{other.id}"]')).to_be_disabled()
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
    page.goto(f"{live_server}/services/item/{item.code}/correction")
    page.locator(f"#history-{flagged.id} summary").click()
    expect(page.locator(f"#history-{flagged.id} tbody tr")).to_have_count(2)
    expect(page.locator(f"#history-{flagged.id} tbody tr").first).to_contain_text("id-card.jpg")
    screenshot("workflow-correction-history")

    # The corrected case comes back to the reviewer who asked (still theirs), who records the opinion.
    open_from_queue(reviewer, live_server, case.number)
    expect(reviewer.locator("#case-status")).to_have_text("审查中")
    expect(reviewer.locator("#case-holder")).not_to_have_text("未领取")
    form = reviewer.locator("#action-submit_opinion")
    form.locator("textarea#reason-submit_opinion").fill(
        "申请材料齐全，补正后的身份证明清晰，符合一级建造师初始注册条件"
    )
    form.locator("#recommendation-grant").check()
    screenshot("workflow-review-opinion", target=reviewer)
    press(reviewer, "submit_opinion")
    # The acceptance office has nothing left to do on it.
    acceptor.goto(f"{live_server}/admin/workflow/case/{case.id}")
    expect(acceptor.locator("form.workflow-action")).to_have_count(0)

    # 审批员 reads the opinion and grants; 制证员 issues.
    approver = staff_page(browser, live_server, "approver")
    claim_from_queue(approver, live_server, case.number)
    expect(approver.locator("#review-opinion")).to_contain_text("建议准予许可")
    screenshot("workflow-approver-case", target=approver)
    press(approver, "approve", "符合注册条件")
    issuer = staff_page(browser, live_server, "issuer")
    open_from_queue(issuer, live_server, case.number)
    screenshot("workflow-issuer-case", target=issuer)
    press(issuer, "issue")
    issuer.goto(f"{live_server}/admin/workflow/case/{case.id}")
    expect(issuer.locator("#case-finished")).to_contain_text("已办结")
    for staff in (acceptor, reviewer, approver, issuer):
        staff.context.close()

    # The applicant sees every step, downloads the decision, and finds the certificate in 我的证照.
    page.goto(f"{live_server}/user/cases/{case.number}")
    expect(page.locator("#current-status")).to_contain_text("已制证")
    expect(page.locator("#finished")).to_contain_text("已办结")
    expect(page.locator("#finished")).to_contain_text("按期办结")
    for step in ("已受理", "开始审查", "审查中退回补正", "补正后重新提交", "审查完毕", "准予许可", "已制证"):
        expect(page.locator("#timeline")).to_contain_text(step)
    expect(page.locator("#timeline")).not_to_contain_text("符合一级建造师初始注册条件")  # the opinion stays inside
    with page.expect_download() as decision:
        page.get_by_role("link", name=re.compile("准予行政许可决定书")).click()
    from pypdf import PdfReader

    text = PdfReader(decision.value.path()).pages[0].extract_text().replace("\n", "")
    assert "准予行政许可决定书" in text and case.number in text and "注册编号：京11115" in text
    screenshot("workflow-applicant-issued")
    page.goto(live_server + "/user/certificates")
    expect(page).to_have_url(re.compile(r"/face/my_certificates"))  # 在线办理's check does not open 我的证照
    pass_face_check_on_phone(page)
    expect(page).to_have_url(re.compile(r"/user/certificates$"))
    expect(page.locator(".certificate-card").first).to_contain_text("中华人民共和国一级建造师注册证书")
