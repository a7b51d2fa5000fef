"""热门服务 in Chromium (manual 五.2–五.4): the three public queries, without signing in."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from app.models import PersonRegistration
from app.services.accounts.identity_documents import make_resident_id
from app.services.registers import query_limits

pytestmark = pytest.mark.e2e

NUMBER = "2026030112345678"
APPLICANT_ID = make_resident_id("110105", datetime.date(1986, 4, 2), 13)


def test_progress_query(page, live_server, issued_case, screenshot):
    page.goto(live_server + "/query/progress")
    expect(page.locator("h1")).to_have_text("申请事项办理进度查询（受理发证信息查询）")
    page.fill("#q-number", NUMBER)
    page.fill("#q-name", "刘德明")
    page.locator("#query-button").click()
    expect(page.locator("#result-applicant")).to_have_text("刘**")
    expect(page.locator("#result-status")).to_have_text("已制证")
    expect(page.locator("#result-certificate")).to_have_text("京111152600077")
    expect(page.locator("#progress-timeline .timeline-step")).to_have_count(5)
    assert APPLICANT_ID not in page.content()  # the result is on the page (above): the number is not
    screenshot("query-progress")

    page.fill("#q-name", "张三")
    page.locator("#query-button").click()
    expect(page.locator("#no-result")).to_contain_text("未查询到相关办件信息")


def test_enterprise_query(page, live_server, registers, screenshot):
    page.goto(live_server + "/query/enterprises")
    expect(page.locator("h1")).to_have_text("企业资质查询")
    expect(page.locator(".kind-choice")).to_have_count(5)
    expect(page.locator("#enterprise-form")).to_have_count(0)
    page.locator('.kind-choice[data-kind="建筑业企业"]').click()
    expect(page.locator("#enterprise-form")).to_be_visible()
    page.fill("#q-name", "青山")
    page.select_option("#q-grade", "特级")
    page.locator("#query-button").click()
    rows = page.locator("#enterprise-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("青山示范建工集团有限公司")
    expect(rows.first).to_contain_text("特级")
    screenshot("query-enterprises")

    rows.first.locator("a.enterprise-link").click()
    expect(page).to_have_url(re.compile(r"/query/enterprises/[0-9A-Z]{18}$"))
    expect(page.locator("h1")).to_have_text("青山示范建工集团有限公司")
    expect(page.locator("#qualification-table tbody tr")).to_have_count(2)
    names = page.locator("#employee-table tbody td:nth-child(2)")
    expect(names.first).to_be_visible()
    expect(names).to_have_text([re.compile(r"^\S+\*+$")] * names.count())  # every name masked
    screenshot("query-enterprise-detail")


def test_people_query_with_a_picture_code_after_the_first_query(
    app, page, live_server, registers, monkeypatch, known_captcha, screenshot
):
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1)
    monkeypatch.setattr(query_limits, "_now", lambda: 1_800_000_000.0)  # one counting window for the whole test
    page.goto(live_server + "/query/people")
    expect(page.locator("h1")).to_have_text("人员资格查询")
    page.fill("#q-name", "陈立")
    page.select_option("#q-qualification", "constructor_1")
    page.locator("#query-button").click()
    row = page.locator("#people-results tbody tr").first
    expect(row).to_contain_text("陈立新")
    expect(row).to_contain_text("华岳示范建设工程有限公司")
    expect(row).to_contain_text("**********")
    person = registers.session.query(PersonRegistration).filter_by(holder_name="陈立新").one()
    assert person.holder_document_number not in page.content()  # the results are on the page (above)
    expect(page.locator("#q-captcha")).to_be_visible()  # the next query needs a picture code
    screenshot("query-people")

    page.fill("#q-name", "王雅")
    page.locator("#query-button").click()
    expect(page.locator("#captcha-error")).to_be_visible()
    expect(page.locator("#people-results")).to_have_count(0)
    page.fill("#q-captcha", known_captcha)
    page.locator("#query-button").click()
    expect(page.locator("#people-results")).to_contain_text("王雅琴")

    page.locator("#people-results a.person-link").first.click()
    expect(page.locator("#gate-form")).to_be_visible()  # a detail page is a query too
    page.fill("#q-captcha", known_captcha)
    page.locator("#query-button").click()
    expect(page.locator("#person-detail")).to_be_visible()
    expect(page.locator("h1")).to_have_text("王雅琴")
    expect(page.locator("#detail-document")).to_contain_text("**********")
    screenshot("query-person-detail")


def test_a_repeated_query_is_answered_before_flask_and_keeps_the_visitors_language(
    app, page, live_server, registers, monkeypatch, screenshot
):
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1000)
    calls = []
    view = app.view_functions["queries.enterprises"]

    def counting(*args, **kwargs):
        calls.append(1)
        return view(*args, **kwargs)

    monkeypatch.setitem(app.view_functions, "queries.enterprises", counting)
    page.goto(live_server + "/language/en?next=/query/enterprises")
    page.goto(live_server + "/query/enterprises?kind=建筑业企业&name=青山")
    expect(page.locator("#enterprise-results")).to_be_visible()
    answered_by_flask = len(calls)
    page.reload()
    expect(page.locator("#enterprise-results")).to_contain_text("青山示范建工集团有限公司")
    assert len(calls) == answered_by_flask  # the fast path answered the repeat
    expect(page.locator("h1")).to_have_text("Enterprise qualification query")
    session = next(cookie for cookie in page.context.cookies() if cookie["name"] == "session")
    browser_now = page.evaluate("Date.now() / 1000")  # the browser keeps cookies by its own clock
    assert session["expires"] > browser_now + 29 * 60  # the idle timeout started again
    screenshot("query-enterprises-english-repeat")
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en"))
