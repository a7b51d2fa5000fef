"""The portal shell in a real browser: Chinese home, navigation, footer, FAQ, admin."""

import re

import pytest

pytestmark = pytest.mark.e2e


def test_home_page_in_chinese(page, live_server, screenshot):
    page.goto(live_server + "/")
    assert page.title().endswith("住房和城乡建设部政务服务门户")
    assert page.locator(".brand-name").inner_text() == "住房和城乡建设部政务服务门户"
    assert page.locator(".brand-platform").inner_text() == "全国一体化在线政务服务平台"
    nav = page.locator(".nav-list a").all_inner_texts()
    assert nav == ["首页", "办事服务", "公示公告", "政策发布", "制度法规", "用户中心"]
    assert page.locator("#login-link").inner_text() == "【登录】"
    assert page.locator("#register-link").inner_text() == "【注册】"
    footer = page.locator(".site-footer").inner_text()
    for text in (
        "主办单位：中华人民共和国住房和城乡建设部",
        "承办单位：住房和城乡建设部信息中心",
        "备案编号：京ICP备10036469号",
        "地址：北京市海淀区三里河路9号",
        "邮编：100835",
        "技术支持电话：010-58934213/010-58934446",
        "电子邮箱：XTC@mohurd.gov.cn",
    ):
        assert text in footer
    hot = page.locator(".hot-service-label").all_inner_texts()
    assert hot == ["申请事项办理进度查询（受理发证信息查询）", "企业资质查询", "人员资格查询"]
    screenshot("home")


def test_navigation_leads_to_each_column(page, live_server):
    page.goto(live_server + "/")
    page.locator(".nav-list").get_by_role("link", name="公示公告").click()
    assert page.locator("h1").inner_text() == "公示公告"
    assert page.locator('.nav-list a[aria-current="page"]').inner_text() == "公示公告"
    page.locator(".nav-list").get_by_role("link", name="首页").click()
    assert page.url.rstrip("/") == live_server


def test_language_switch(page, live_server, screenshot):
    page.goto(live_server + "/help/faq")
    page.locator('[data-locale="en"]').click()
    page.wait_for_load_state()
    assert page.url.endswith("/help/faq")
    assert "Online services" in page.locator(".nav-list").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot("faq-english")
    page.locator('[data-locale="zh"]').click()
    assert "办事服务" in page.locator(".nav-list").inner_text()


def test_faq_page_from_the_footer(page, live_server, screenshot):
    page.goto(live_server + "/")
    page.locator(".site-footer").get_by_role("link", name="常见问题").click()
    rows = page.locator(".faq-entry")
    assert rows.count() == 7
    assert "CTID" in rows.nth(4).inner_text()
    screenshot("faq")


def test_phone_width_menu(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/")
    assert not page.locator(".nav-list").is_visible()
    page.locator(".nav-toggle-label").click()
    assert page.locator(".nav-list").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "no horizontal scrolling on a phone"
    page.screenshot(
        path=str(__import__("pathlib").Path(__file__).resolve().parents[2] / "screenshots" / "home-phone.png"),
        full_page=True,
    )
    context.close()


def test_staff_sign_in_to_the_back_office(page, live_server, staff_factory, screenshot):
    staff_factory("Admin", username="boss")
    page.goto(live_server + "/admin/")
    assert re.search(r"/admin/login/", page.url)
    assert page.locator("h1").inner_text() == "工作人员登录"
    screenshot("admin-login")
    page.fill("#username", "boss")
    page.fill("#password", "Staff@2026pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/admin/?$"))
    assert "管理后台" in page.locator(".admin-welcome h1").inner_text()
    page.goto(live_server + "/faqentryadminview/list/")
    assert "个人账号登录不进去是什么原因" in page.content()
    screenshot("admin-faq-list")


def test_not_found_page(page, live_server):
    response = page.goto(live_server + "/does-not-exist")
    assert response.status == 404
    assert "页面不存在" in page.locator("h1").inner_text()
