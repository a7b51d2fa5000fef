"""The staff queue's page links in a browser: 下一页 / 上一页 / 末页 by key, the search kept."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from app.services.cases import deadlines, queue
from app.services.cases.working_days import WorkingCalendar
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.e2e


def test_an_officer_pages_through_a_long_queue_and_back(browser, live_server, db, staff_factory, screenshot):
    staff_factory("AcceptanceOfficer", username="pager")
    submitted = datetime.datetime(2026, 11, 30, 2, 0)
    for _ in range(queue.PER_PAGE + 7):
        case = ApplicationFactory(status="submitted", submitted_at=submitted)  # one instant: ties throughout
        case.due_on = deadlines.due_on(case, WorkingCalendar())
    db.session.commit()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/admin/login/")
    page.fill("#username", "pager")
    page.fill("#password", "Staff@2026pass")
    page.locator("#admin-login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto(live_server + "/admin/workflow/?item=建造师")
    pages = page.locator("#queue-pages")
    expect(pages).to_contain_text("第1页，共2页")
    first = page.locator("#queue-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert len(first) == queue.PER_PAGE
    pages.get_by_role("link", name=re.compile("下一页")).click()
    expect(pages).to_contain_text("第2页，共2页")
    second = page.locator("#queue-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert len(second) == 7 and not set(first) & set(second)
    expect(page.locator("input[name=item]")).to_have_value("建造师")  # the search goes with the link
    screenshot("workflow-queue-page-2", target=page)
    pages.get_by_role("link", name=re.compile("上一页")).click()
    expect(pages).to_contain_text("第1页，共2页")
    again = page.locator("#queue-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.case)")
    assert again == first
    screenshot("workflow-queue-page-1", target=page)
    pages.get_by_role("link", name="末页").click()
    expect(pages).to_contain_text("第2页，共2页")
    context.close()
