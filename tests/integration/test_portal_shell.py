"""The portal shell in Chinese: header, navigation, footer, home, FAQ, contact."""

import re

import pytest
from sqlalchemy import update

from app.models import FaqEntry, SiteSetting
from app.platform import site_settings


def text_of(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_page_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    page = text_of(response)
    assert "住房和城乡建设部政务服务门户" in page
    assert "全国一体化在线政务服务平台" in page
    nav = re.search(r"首页 办事服务 公示公告 政策发布 制度法规 用户中心", page)
    assert nav, "top navigation of the manual, in its order"
    assert "【登录】" in page and "【注册】" in page
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_home_page_offers_the_hot_services(client):
    page = text_of(client.get("/"))
    assert "热门服务" in page
    for label in ("申请事项办理进度查询（受理发证信息查询）", "企业资质查询", "人员资格查询"):
        assert label in page


@pytest.mark.parametrize(
    "fragment",
    [
        "主办单位：中华人民共和国住房和城乡建设部",
        "承办单位：住房和城乡建设部信息中心",
        "备案编号：京ICP备10036469号",
        "地址：北京市海淀区三里河路9号",
        "邮编：100835",
        "技术支持电话：010-58934213/010-58934446",
        "电子邮箱： XTC@mohurd.gov.cn",
    ],
)
def test_footer_carries_the_manual_texts(client, fragment):
    assert fragment in text_of(client.get("/"))


def test_footer_values_come_from_config(app, db):
    """A deployment changes the footer through config.py, without code (read when the portal starts)."""
    db.session.query(SiteSetting).delete()
    db.session.commit()
    original = dict(app.config["PORTAL_SITE"])
    app.config["PORTAL_SITE"] = {**original, "icp_record": "京ICP备99999999号"}
    try:
        site_settings.forget()  # what a restart does
        assert "备案编号：京ICP备99999999号" in text_of(app.test_client().get("/"))
    finally:
        app.config["PORTAL_SITE"] = original
        site_settings.forget()


def test_a_setting_changed_in_the_database_shows_on_every_page_within_seconds(client, db, monkeypatch):
    """A change made outside the portal (psql) shows after SITE_SETTINGS_MAX_AGE; the portal's own at once
    (tests/integration/test_shared_caches.py: on every instance)."""
    client.get("/")
    db.session.execute(update(SiteSetting).where(SiteSetting.key == "support_phone").values(value="010-12345678"))
    db.session.commit()
    assert "010-12345678" not in text_of(client.get("/"))  # the frame read a moment ago
    monkeypatch.setattr(site_settings, "SITE_SETTINGS_MAX_AGE", 0)
    assert "技术支持电话：010-12345678" in text_of(client.get("/"))
    assert "010-12345678" in text_of(client.get("/help/contact"))


def test_faq_page_lists_the_seven_questions_of_the_manual(client):
    page = text_of(client.get("/help/faq"))
    questions = re.findall(r'class="faq-question"[^>]*>([^<]+)<', client.get("/help/faq").get_data(as_text=True))
    assert len(questions) == 7
    assert questions[0] == "个人账号登录不进去是什么原因"
    assert questions[-1] == "登录后提示当前手机号已被其他人员绑定"
    assert "CTID" in page
    assert "序号" in page and "问题描述" in page and "问题位置" in page and "处理方法" in page


def test_faq_page_is_served_from_the_database(client, db):
    entry = db.session.query(FaqEntry).order_by(FaqEntry.position).first()
    entry.question = "已由工作人员修改的问题"
    hidden = db.session.query(FaqEntry).order_by(FaqEntry.position.desc()).first()
    hidden.published = False
    db.session.commit()
    page = text_of(client.get("/help/faq"))
    assert "已由工作人员修改的问题" in page
    assert "登录后提示当前手机号已被其他人员绑定" not in page


def test_contact_page_shows_chapter_eight(client):
    page = text_of(client.get("/help/contact"))
    assert "010-58934213/010-58934446" in page
    assert "XTC@mohurd.gov.cn" in page


def test_language_switch_to_english_and_back(client):
    response = client.get("/language/en?next=/help/faq")
    assert response.status_code == 302
    assert response.headers["Location"] == "/help/faq"
    page = text_of(client.get("/help/faq"))
    assert "Online services" in page and "Host organization" in page
    client.get("/language/zh")
    assert "办事服务" in text_of(client.get("/"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_language_switch_never_redirects_to_another_host(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_not_found(client):
    assert client.get("/language/xx").status_code == 404


def test_hot_services_lead_to_the_query_pages(client):
    html = client.get("/").get_data(as_text=True)
    for url in ("/query/progress", "/query/enterprises", "/query/people"):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200


def test_pages_load_nothing_from_another_host(client):
    for url in ("/", "/help/faq", "/help/contact", "/admin/login/"):
        html = client.get(url).get_data(as_text=True)
        external = re.findall(r'(?:src|href)=["\'](?:https?:)?//[^"\']+', html)
        assert external == [], f"{url} loads {external}"
