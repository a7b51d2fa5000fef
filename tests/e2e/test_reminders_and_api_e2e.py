"""In Chromium: 我的消息 with a reminder and its unread badge, the reminder preference in 账户设置, the API's
documentation page (Swagger UI from this portal, under its security policy) and the back office's clients."""

import datetime
import re

import pytest
from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from app import clock
from app.services.reminders import job
from tests.factories import AccountFactory, PersonRegistrationFactory

pytestmark = pytest.mark.e2e
PASSWORD = "Secure2026pass"


def test_a_reminder_in_my_messages_with_the_unread_badge(live_server, page, db, screenshot):
    account = AccountFactory(real_name="王建平", password=generate_password_hash(PASSWORD))
    PersonRegistrationFactory(
        holder_name="王建平",
        holder_document_number=account.document_number,
        valid_from=clock.today() - datetime.timedelta(days=1000),
        valid_to=clock.today() + datetime.timedelta(days=30),
        registration_number="京1112027000009",
    )
    db.session.commit()
    job.send_reminders()
    page.goto(live_server + "/account/login")
    page.fill("#identifier", account.phone)
    page.fill("#password", PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/user/$"))
    expect(page.locator("#unread-badge")).to_have_text("1")
    screenshot("user-centre-unread-badge")
    page.click("#my-messages-link")
    expect(page.locator("#messages li.unread")).to_contain_text("注册证书京1112027000009将于30天后到期")
    expect(page.locator("#messages .message-kind-reminder")).to_have_text("提醒")
    screenshot("my-messages-reminder")
    page.locator("#mark-all-read button").click()
    expect(page.locator("#messages li.unread")).to_have_count(0)
    page.goto(live_server + "/user/")
    expect(page.locator("#unread-badge")).to_have_count(0)
    page.goto(live_server + "/user/settings")
    page.check("#reminders-statutory_only")
    page.click("#save-reminders")
    expect(page.locator("#reminders-statutory_only")).to_be_checked()
    screenshot("account-settings-reminders")


def test_the_api_documentation_renders_every_operation_from_this_portal(live_server, page, db, screenshot):
    requested_hosts = set()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
    page.goto(live_server + "/api/v1/docs")
    expect(page.locator(".opblock")).to_have_count(10)
    expect(page.locator(".info")).to_contain_text("住房和城乡建设部政务服务门户开放接口")
    assert requested_hosts == {live_server.split("/")[2]}
    screenshot("api-docs")


def test_an_administrator_creates_an_api_client(live_server, page, db, staff_factory, screenshot):
    staff_factory("Admin", username="admin1")
    page.goto(live_server + "/admin/login/")
    page.fill("#username", "admin1")
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto(live_server + "/apiclientadminview/add")
    page.fill("#name", "全国建筑市场监管公共服务平台")
    page.check("input[name=scope_list][value='cases:read']")
    page.fill("#case_province", "北京市")
    page.fill("#rate_per_minute", "60")
    screenshot("api-client-add")
    page.locator("#model_form button[type=submit]").first.click()
    screenshot("api-client-created")
    expect(page.locator("#api-client-token")).to_contain_text(".")
    screenshot("api-client-created")
    page.goto(live_server + "/apiclientadminview/list/")
    expect(page.locator("body")).to_contain_text("全国建筑市场监管公共服务平台")
    screenshot("api-clients-list")
