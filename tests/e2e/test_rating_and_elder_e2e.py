"""好差评 in Chromium (rate, bad rating → rectification → staff reply → applicant's confirmation), and
长辈版: the switch on the key pages (remembered, ≥ 18 px type), the catalogue's buttons without hover,
the picture code read aloud."""

import re

import pytest
from playwright.sync_api import expect

from app.models import Rectification, ServiceItem
from tests.factories import AccountFactory, ApplicationFactory

pytestmark = pytest.mark.e2e

PASSWORD = "Citizen@2026pass"


def citizen_with_case(app, db, status="issued"):
    account = AccountFactory(real_name="王秀兰", phone="13811112222")
    application = ApplicationFactory(account=account, status=status, province="北京市")
    db.session.commit()
    app.appbuilder.sm.reset_password(account.id, PASSWORD)
    return account, application


def sign_in_citizen(page, live_server, phone):
    page.goto(live_server + "/account/login")
    page.fill("#identifier", phone)
    page.fill("#password", PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))


def font_px(page, selector) -> float:
    return page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")


def test_bad_rating_rectification_reply_and_confirmation(
    browser, page, live_server, app, db, staff_factory, screenshot
):
    account, application = citizen_with_case(app, db)
    sign_in_citizen(page, live_server, account.phone)
    page.goto(live_server + "/user/cases")
    page.locator(f"#rate-{application.number}").click()
    expect(page.locator("h1")).to_contain_text("服务评价")
    # 非常不满意 without a reason: said beside the comment, the choices kept.
    page.get_by_role("group", name="总体评价：您对本次服务是否满意？").get_by_label("非常不满意").check()
    for dimension in ("办事效率", "服务态度", "信息公开", "便捷程度"):
        page.get_by_role("group", name=dimension).get_by_label("不满意", exact=True).check()
    page.get_by_label("材料反复提交").check()
    page.locator("#evaluation-submit").click()
    expect(page.locator("#row-comment .field-error")).to_have_text("请说明不满意的原因，以便办理单位整改")
    expect(page.get_by_role("group", name="服务态度").get_by_label("不满意", exact=True)).to_be_checked()
    screenshot("evaluation-form-error")
    page.fill("#comment", "补正材料前后要求不一致")
    page.locator("#evaluation-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("15个工作日内")
    expect(page.locator("#rectification-status")).to_have_text("待办理单位答复")
    screenshot("evaluation-rectification-open")

    # The section head (科长) of the handling unit replies in the back office.
    staff_factory("SectionHead", username="kezhang")
    staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.goto(live_server + "/admin/login/")
    staff.fill("#username", "kezhang")
    staff.fill("#password", "Staff@2026pass")
    staff.locator("#admin-login-form button[type=submit]").click()
    staff.goto(live_server + "/rectificationadminview/list/")
    expect(staff.locator("body")).to_contain_text(application.number)
    screenshot("admin-rectifications", staff)
    task = db.session.query(Rectification).one()
    staff.goto(live_server + f"/rectificationadminview/reply/{task.id}")
    expect(staff.locator("#rating-comment")).to_have_text("补正材料前后要求不一致")
    staff.fill("#reply", "已核实，补正要求已统一，并向您致歉。")
    screenshot("admin-rectification-reply", staff)
    staff.locator("#reply-submit").click()
    expect(staff.locator(".alert-success")).to_contain_text("答复已发送给申请人")
    staff.goto(live_server + "/caseevaluationadminview/list/")
    expect(staff.locator("body")).to_contain_text("非常不满意")
    staff_context.close()

    page.goto(live_server + f"/user/cases/{application.number}")
    expect(page.locator("#rectification-reply")).to_contain_text("已核实，补正要求已统一，并向您致歉。")
    page.get_by_label("对答复满意").check()
    page.locator("#confirm-submit").click()
    expect(page.locator("#rectification-status")).to_have_text("已办结：申请人满意")
    expect(page.locator("#rectification-confirmation")).to_contain_text("对答复满意")
    screenshot("evaluation-confirmed")

    # The public 办事指南 shows the item's satisfaction.
    page.goto(live_server + f"/services/guide/{application.item.code}")
    expect(page.locator("#item-satisfaction")).to_have_text("1条评价，满意率0.0%")


PUBLIC_PAGES = {
    "home": "/",
    "login": "/account/login",
    "register": "/account/register/personal",
    "forgot": "/account/forgot",
    "catalogue": "/services/",
    "progress-query": "/query/progress",
    "people-query": "/query/people",
    "enterprise-query": "/query/enterprises",
}


def test_elder_mode_switch_on_the_key_pages_is_remembered(browser, live_server, app, db, screenshot):
    item = db.session.query(ServiceItem).filter_by(online_kind="constructor_initial").one()
    account, application = citizen_with_case(app, db)
    pages = {**PUBLIC_PAGES, "guide": f"/services/guide/{item.code}"}
    for width, suffix in ((1280, ""), (390, "-phone")):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server + "/")
        expect(page.locator("#elder-switch")).to_have_text("长辈版")
        standard_size = font_px(page, "body")
        assert standard_size < 18
        screenshot(f"home-standard{suffix}", page)
        page.locator("#elder-switch").click()
        expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
        expect(page.locator("#elder-switch")).to_have_text("标准版")
        # The simplified home page: the most used services as large tiles.
        expect(page.locator(".elder-services li")).to_have_count(7)
        expect(page.locator("#latest-articles, .latest-articles")).to_have_count(0)
        for name, path in pages.items():
            page.goto(live_server + path)  # remembered: a new page, no sign-in
            expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
            assert font_px(page, "body") >= 18, name
            assert font_px(page, "main p, main td, main label, main li") >= 18, name
            assert font_px(page, "main h1, main h2, main .tab") > 20, name  # headings (the login page: its tabs)
            if page.locator("main input[type=text]").count():
                assert font_px(page, "main input[type=text]") >= 18, name  # what one types, too
            switch = page.locator("#elder-switch").bounding_box()
            assert switch["height"] >= 44, name
            screenshot(f"elder-{name}{suffix}", page)
        # Signed in: the user centre, 我的办件 and the progress page keep the mode.
        sign_in_citizen(page, live_server, account.phone)
        for name, path in (
            ("user-center", "/user/"),
            ("my-cases", "/user/cases"),
            ("case-progress", f"/user/cases/{application.number}"),
        ):
            page.goto(live_server + path)
            expect(page.locator("body")).to_have_class(re.compile(r"\belder\b"))
            assert font_px(page, "main td, main dd, main p") >= 18, name
            screenshot(f"elder-{name}{suffix}", page)
        page.locator("#elder-switch").click()
        expect(page.locator("body")).not_to_have_class(re.compile(r"\belder\b"))
        page.goto(live_server + "/services/")
        expect(page.locator("body")).not_to_have_class(re.compile(r"\belder\b"))
        context.close()


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_catalogue_buttons_are_reached_by_keyboard_and_by_tap(browser, live_server, db, elder, screenshot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if elder:
        page.goto(live_server + "/display/elder")
    page.goto(live_server + "/services/")
    first = page.locator(".service-item").first
    guide = first.get_by_role("link", name="办事指南")
    if not elder:
        expect(guide).to_be_hidden()  # standard: shown on hover, focus or tap
    # Keyboard: Tab reaches the row, then its buttons.
    page.locator("#category-enterprise").focus()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    expect(guide).to_be_visible()
    page.keyboard.press("Tab")
    expect(guide).to_be_focused()
    screenshot(f"catalogue-keyboard-{'elder' if elder else 'standard'}", page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/services/guide/"))
    context.close()

    # Tap on a touch screen (a desktop-sized one, so the phone layout does not show them anyway).
    touch = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, has_touch=True)
    page = touch.new_page()
    if elder:
        page.goto(live_server + "/display/elder")
    page.goto(live_server + "/services/")
    row = page.locator(".service-item").nth(1)
    row.locator(".service-name").tap()
    apply_link = row.get_by_role("link", name="办事指南")
    expect(apply_link).to_be_visible()
    apply_link.tap()
    expect(page).to_have_url(re.compile(r"/services/guide/"))
    touch.close()


def test_the_picture_code_can_be_heard_on_the_account_pages(page, live_server, db, screenshot):
    for path in ("/account/register/personal", "/account/forgot"):
        page.goto(live_server + path)
        link = page.locator(".captcha-audio").first
        expect(link).to_have_text("听语音验证码")
        response = page.request.get(live_server + link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "audio/wav"
        assert response.body()[:4] == b"RIFF" and response.body()[8:12] == b"WAVE"
        assert len(response.body()) > 20_000  # four characters spoken, not an empty file
    page.goto(live_server + "/display/elder")
    page.goto(live_server + "/account/register/personal")
    expect(page.locator(".captcha-audio").first).to_be_visible()
    screenshot("elder-register-audio-code")
