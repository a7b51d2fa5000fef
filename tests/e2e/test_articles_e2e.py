"""信息发布员 in Chromium: write an article in the back office, publish it, read it on the portal (manual 五.1)."""

import re

import pytest
from playwright.sync_api import expect

from app.models import Article
from app.seed.demo_articles import minimal_pdf

pytestmark = pytest.mark.e2e

TITLE = "关于开展2026年度注册建造师执业行为检查的公告"


def test_content_editor_publishes_a_notice_that_the_portal_shows(
    page, live_server, db, staff_factory, screenshot, uploads
):
    staff_factory("ContentEditor", username="writer")
    page.goto(live_server + "/admin/login/")
    page.fill("#username", "writer")
    page.fill("#password", "Staff@2026pass")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))

    page.get_by_role("link", name="门户内容").click()  # the back-office menu: 门户内容 → 信息发布
    page.get_by_role("link", name="信息发布").click()
    expect(page).to_have_url(re.compile(r"/articleadminview/list/"))
    page.locator('a[href*="/articleadminview/add"]').first.click()
    expect(page).to_have_url(re.compile(r"/articleadminview/add"))
    page.select_option("#column", "notice")
    page.fill("#title", TITLE)
    page.fill("#department", "建筑市场监管司")
    page.fill("#document_number", "建市函〔2026〕8号")
    page.fill(
        "#body_html",
        "<p>为规范注册建造师执业行为，我部决定开展<strong>执业行为检查</strong>。</p>"
        "<h3>一、检查范围</h3><ul><li>在建工程项目负责人</li></ul>"
        "<script>window.__hacked = true</script>"
        '<p><img src="x" onerror="window.__hacked = true">请各单位做好准备。</p>',
    )
    expect(page.locator("#status")).to_have_value("draft")
    screenshot("admin-article-add")
    page.locator("#model_form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/articleadminview/list/"))
    expect(page.get_by_text(TITLE)).to_be_visible()
    screenshot("admin-article-list")

    article_id = db.session.query(Article.id).filter_by(title=TITLE).scalar()
    page.goto(live_server + f"/articleadminview/show/{article_id}")
    page.locator("#article-attachments-link").click()
    expect(page).to_have_url(re.compile(rf"/admin/articles/{article_id}/attachments"))
    page.set_input_files(
        "#attachment-file",
        files=[
            {
                "name": "检查名单.pdf",
                "mimeType": "application/pdf",
                "buffer": minimal_pdf(["Inspection list (demonstration)"]),
            }
        ],
    )
    page.locator("#article-attachment-upload button[type=submit]").click()
    expect(page.locator(".article-attachment-row")).to_have_count(1)
    expect(page.locator("#article-attachment-table")).to_contain_text("检查名单.pdf")
    screenshot("admin-article-attachments")
    page.get_by_role("link", name="返回信息详情").click()
    expect(page).to_have_url(re.compile(rf"/articleadminview/show/{article_id}"))
    page.locator('[id="btn-action-ArticleAdminView.action-publish"]').click()  # 发布
    page.locator("#modal-confirm-ok:visible").click()  # FAB's confirmation dialog
    expect(page).to_have_url(re.compile(r"/articleadminview/list/"))
    expect(page.locator(".alert-success").first).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Article, article_id).status == "published"

    page.goto(live_server + "/notices/")
    expect(page.locator("h1")).to_have_text("公示公告")
    expect(page.locator('.nav-list a[aria-current="page"]')).to_have_text("公示公告")
    item = page.locator(".article-item", has_text=TITLE)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("建筑市场监管司")
    screenshot("notices-list")

    page.fill("#article-keyword", "执业行为检查")
    page.locator("#article-search-button").click()
    expect(page).to_have_url(re.compile(r"q="))
    expect(page.locator(".article-item")).to_have_count(1)

    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"/notices/{article_id}$"))
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".article-facts")).to_contain_text("建市函〔2026〕8号")
    expect(page.locator(".article-body strong")).to_have_text("执业行为检查")
    expect(page.locator(".article-body script, .article-body img")).to_have_count(0)
    assert page.evaluate("window.__hacked === undefined"), "nothing from the body ran"
    link = page.locator(".article-attachment")
    expect(link).to_have_text("检查名单.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "检查名单.pdf"
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")
    screenshot("notice-detail")


def test_a_bad_search_shows_a_message_not_an_error(page, live_server, db):
    page.goto(live_server + "/policies/?year=abc")
    expect(page.locator("h1")).to_have_text("政策发布")
    expect(page.locator("#article-search-error")).to_have_text("请从列表中选择年份")
    page.goto(live_server + "/policies/")
    page.locator("#article-keyword").evaluate("input => input.removeAttribute('maxlength')")
    page.fill("#article-keyword", "长" * 60)
    page.locator("#article-search-button").click()
    expect(page.locator("#article-search-error")).to_contain_text("关键字不能超过50个字")
