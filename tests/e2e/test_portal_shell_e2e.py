"""The portal shell in a real browser: Chinese home, navigation, footer, FAQ, admin."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_page_in_chinese(page, live_server, screenshot):
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("住房和城乡建设部政务服务门户$"))
    expect(page.locator(".brand-name")).to_have_text("住房和城乡建设部政务服务门户")
    expect(page.locator(".brand-platform")).to_have_text("全国一体化在线政务服务平台")
    expect(page.locator(".nav-list a")).to_have_text(
        ["首页", "办事服务", "公示公告", "政策发布", "制度法规", "用户中心"]
    )
    expect(page.locator("#login-link")).to_have_text("【登录】")
    expect(page.locator("#register-link")).to_have_text("【注册】")
    footer = page.locator(".site-footer")
    for text in (
        "主办单位：中华人民共和国住房和城乡建设部",
        "承办单位：住房和城乡建设部信息中心",
        "备案编号：京ICP备10036469号",
        "地址：北京市海淀区三里河路9号",
        "邮编：100835",
        "技术支持电话：010-58934213/010-58934446",
        "电子邮箱：XTC@mohurd.gov.cn",
    ):
        expect(footer).to_contain_text(text)
    expect(page.locator(".hot-service-label")).to_have_text(
        ["申请事项办理进度查询（受理发证信息查询）", "企业资质查询", "人员资格查询"]
    )
    screenshot("home")


def test_navigation_leads_to_each_column(page, live_server):
    page.goto(live_server + "/")
    page.locator(".nav-list").get_by_role("link", name="公示公告").click()
    expect(page.locator("h1")).to_have_text("公示公告")
    expect(page.locator('.nav-list a[aria-current="page"]')).to_have_text("公示公告")
    page.locator(".nav-list").get_by_role("link", name="首页").click()
    expect(page).to_have_url(live_server + "/")


def test_language_switch(page, live_server, screenshot):
    page.goto(live_server + "/help/faq")
    page.locator('[data-locale="en"]').click()
    expect(page.locator(".nav-list")).to_contain_text("Online services")
    expect(page).to_have_url(re.compile(r"/help/faq$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("faq-english")
    page.locator('[data-locale="zh"]').click()
    expect(page.locator(".nav-list")).to_contain_text("办事服务")


def test_faq_page_from_the_footer(page, live_server, screenshot):
    page.goto(live_server + "/")
    page.locator(".site-footer").get_by_role("link", name="常见问题").click()
    rows = page.locator(".faq-entry")
    expect(rows).to_have_count(7)
    expect(rows.nth(4)).to_contain_text("CTID")
    screenshot("faq")


def test_phone_width_menu(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/")
    expect(page.locator(".nav-list")).to_be_hidden()
    page.locator(".nav-toggle-label").click()
    expect(page.locator(".nav-list")).to_be_visible()
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
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    expect(page.locator("h1")).to_have_text("工作人员登录")
    screenshot("admin-login")
    page.fill("#username", "boss")
    page.fill("#password", "Staff@2026pass")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.locator(".admin-welcome h1")).to_contain_text("管理后台")
    page.goto(live_server + "/faqentryadminview/list/")
    expect(page.get_by_text("个人账号登录不进去是什么原因")).to_be_visible()
    screenshot("admin-faq-list")


def test_not_found_page(page, live_server):
    response = page.goto(live_server + "/does-not-exist")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("页面不存在")
