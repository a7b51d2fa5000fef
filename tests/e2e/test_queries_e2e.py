"""热门服务 in Chromium (manual 五.2–五.4): the three public queries, without signing in."""

import datetime
import re

import pytest

from app.models import PersonRegistration
from app.services.accounts.identity_documents import make_resident_id
from app.services.registers import query_limits

pytestmark = pytest.mark.e2e

NUMBER = "2026030112345678"
APPLICANT_ID = make_resident_id("110105", datetime.date(1986, 4, 2), 13)


def test_progress_query(page, live_server, issued_case, screenshot):
    page.goto(live_server + "/query/progress")
    assert page.locator("h1").inner_text() == "申请事项办理进度查询（受理发证信息查询）"
    page.fill("#q-number", NUMBER)
    page.fill("#q-name", "刘德明")
    page.locator("#query-button").click()
    page.wait_for_selector("#query-result")
    assert page.locator("#result-applicant").inner_text() == "刘**"
    assert page.locator("#result-status").inner_text() == "已制证"
    assert page.locator("#result-certificate").inner_text() == "京111152600077"
    assert page.locator("#progress-timeline .timeline-step").count() == 5
    assert APPLICANT_ID not in page.content()
    screenshot("query-progress")

    page.fill("#q-name", "张三")
    page.locator("#query-button").click()
    page.wait_for_selector("#no-result")
    assert "未查询到相关办件信息" in page.locator("#no-result").inner_text()


def test_enterprise_query(page, live_server, registers, screenshot):
    page.goto(live_server + "/query/enterprises")
    assert page.locator("h1").inner_text() == "企业资质查询"
    assert page.locator(".kind-choice").count() == 5
    assert page.locator("#enterprise-form").count() == 0
    page.locator('.kind-choice[data-kind="建筑业企业"]').click()
    page.wait_for_selector("#enterprise-form")
    page.fill("#q-name", "青山")
    page.select_option("#q-grade", "特级")
    page.locator("#query-button").click()
    page.wait_for_selector("#enterprise-results")
    rows = page.locator("#enterprise-results tbody tr")
    assert rows.count() == 1 and "青山示范建工集团有限公司" in rows.first.inner_text()
    assert "特级" in rows.first.inner_text()
    screenshot("query-enterprises")

    rows.first.locator("a.enterprise-link").click()
    page.wait_for_url(re.compile(r"/query/enterprises/[0-9A-Z]{18}$"))
    assert page.locator("h1").inner_text() == "青山示范建工集团有限公司"
    assert page.locator("#qualification-table tbody tr").count() == 2
    names = page.locator("#employee-table tbody td:nth-child(2)").all_inner_texts()
    assert names and all("*" in name for name in names)
    screenshot("query-enterprise-detail")


def test_people_query_with_a_picture_code_after_the_first_query(
    app, page, live_server, registers, monkeypatch, known_captcha, screenshot
):
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 1)
    monkeypatch.setattr(query_limits, "_now", lambda: 1_800_000_000.0)  # one counting window for the whole test
    page.goto(live_server + "/query/people")
    assert page.locator("h1").inner_text() == "人员资格查询"
    page.fill("#q-name", "陈立")
    page.select_option("#q-qualification", "constructor_1")
    page.locator("#query-button").click()
    page.wait_for_selector("#people-results")
    row = page.locator("#people-results tbody tr").first
    assert "陈立新" in row.inner_text() and "华岳示范建设工程有限公司" in row.inner_text()
    person = registers.session.query(PersonRegistration).filter_by(holder_name="陈立新").one()
    assert person.holder_document_number not in page.content()
    assert "**********" in row.inner_text()
    assert page.locator("#q-captcha").is_visible()  # the next query needs a picture code
    screenshot("query-people")

    page.fill("#q-name", "王雅")
    page.locator("#query-button").click()
    page.wait_for_selector("#captcha-error")
    assert page.locator("#people-results").count() == 0
    page.fill("#q-captcha", known_captcha)
    page.locator("#query-button").click()
    page.wait_for_selector("#people-results")
    assert "王雅琴" in page.locator("#people-results").inner_text()

    page.locator("#people-results a.person-link").first.click()
    page.wait_for_selector("#gate-form")  # a detail page is a query too
    page.fill("#q-captcha", known_captcha)
    page.locator("#query-button").click()
    page.wait_for_selector("#person-detail")
    assert page.locator("h1").inner_text() == "王雅琴"
    assert "**********" in page.locator("#detail-document").inner_text()
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
    page.wait_for_selector("#enterprise-results")
    answered_by_flask = len(calls)
    page.reload()
    page.wait_for_selector("#enterprise-results")
    assert len(calls) == answered_by_flask  # the fast path answered the repeat
    assert page.locator("h1").inner_text() == "Enterprise qualification query"
    assert "青山示范建工集团有限公司" in page.locator("#enterprise-results").inner_text()
    session = next(cookie for cookie in page.context.cookies() if cookie["name"] == "session")
    browser_now = page.evaluate("Date.now() / 1000")  # the browser keeps cookies by its own clock
    assert session["expires"] > browser_now + 29 * 60  # the idle timeout started again
    screenshot("query-enterprises-english-repeat")
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang").startswith("en")
