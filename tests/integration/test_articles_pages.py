"""公示公告, 政策发布, 制度法规 on the portal, and their back office (信息发布员)."""

import datetime
import io
import re

import pytest
from flask import render_template_string

from app import clock
from app.models import Article, ArticleAttachment
from app.services.content import articles, attachments
from app.services.platform import storage
from tests.factories import ArticleFactory

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture
def make(db):
    def add(
        title,
        column="notice",
        body="<p>正文内容</p>",
        status="published",
        publish_at=None,
        days_ago=1,
        department="建筑市场监管司",
        number="",
    ):
        if publish_at is None and status == "published":
            publish_at = clock.now() - datetime.timedelta(days=days_ago)
        article = ArticleFactory(
            column=column,
            title=title,
            department=department,
            document_number=number,
            status=status,
            body_html=body,
            publish_at=publish_at,
        )
        db.session.commit()
        return article

    return add


def text(response):
    return response.get_data(as_text=True)


COLUMN_PAGES = [
    ("notice", "/notices/", "公示公告"),
    ("policy", "/policies/", "政策发布"),
    ("regulation", "/regulations/", "制度法规"),
]


@pytest.mark.parametrize("column, path, heading", COLUMN_PAGES)
def test_each_column_lists_its_own_articles(client, make, column, path, heading):
    mine = make(f"本栏目信息{column}", column=column)
    other = make("其他栏目信息", column="policy" if column != "policy" else "notice")
    response = client.get(path)
    assert response.status_code == 200
    html = text(response)
    assert f'<h1 class="panel-title" id="column-title">{heading}</h1>' in html
    assert mine.title in html and other.title not in html
    assert "建筑市场监管司" in html
    assert clock.china_date(mine.publish_at).isoformat() in html
    assert f'href="{path}{mine.id}"' in html
    assert 'aria-current="page">' + heading in html, "the navigation marks the column"


@pytest.mark.parametrize("column, path, heading", COLUMN_PAGES)
def test_each_column_has_article_pages(client, make, column, path, heading):
    article = make(
        "关于注册建造师管理有关事项的通知",
        column=column,
        number="建市〔2026〕5号",
        body="<h3>一、要求</h3><p><strong>按期</strong>办理</p>",
    )
    response = client.get(f"{path}{article.id}")
    assert response.status_code == 200
    html = text(response)
    assert "关于注册建造师管理有关事项的通知" in html
    assert "发布部门" in html and "建筑市场监管司" in html
    assert "文号" in html and "建市〔2026〕5号" in html
    assert "<h3>一、要求</h3><p><strong>按期</strong>办理</p>" in html, "the sanitised body as HTML"
    assert f'href="{path}"' in html
    other_path = "/policies/" if path != "/policies/" else "/notices/"
    assert client.get(f"{other_path}{article.id}").status_code == 404, "only under its own column"


def test_list_when_nothing_is_published(client, db):
    html = text(client.get("/regulations/"))
    assert "本栏目暂无已发布的信息" in html


def test_search_by_keyword_in_title_or_text(client, make):
    make("关于一级注册建造师初始注册人员名单的公示", body="<p>名单见附件</p>")
    make("关于资质审查意见的公示", body="<p>青山示范建工集团有限公司拟同意</p>")
    html = text(client.get("/notices/", query_string={"q": "注册建造师"}))
    assert "一级注册建造师初始注册" in html and "资质审查意见" not in html
    html = text(client.get("/notices/", query_string={"q": "青山示范"}))
    assert "资质审查意见" in html and "一级注册建造师初始注册" not in html
    assert 'value="青山示范"' in html, "the keyword stays in the box"
    html = text(client.get("/notices/", query_string={"q": "没有这个词"}))
    assert "没有符合查询条件的信息" in html


def test_year_filter(client, make):
    make("二〇二五年的公告", publish_at=datetime.datetime(2025, 3, 1, 2, 0))
    make("二〇二四年的公告", publish_at=datetime.datetime(2024, 12, 31, 15, 0))  # 23:00 in Beijing
    html = text(client.get("/notices/", query_string={"year": "2025"}))
    assert "二〇二五年的公告" in html and "二〇二四年的公告" not in html
    assert '<option value="2025" selected>' in html
    assert '<option value="2024">' in html
    html = text(client.get("/notices/", query_string={"year": "2024"}))
    assert "二〇二四年的公告" in html and "二〇二五年的公告" not in html


def test_an_overlong_keyword_gets_a_clear_message(client, make):
    make("公告")
    response = client.get("/notices/", query_string={"q": "长" * 51})
    assert response.status_code == 400
    html = text(response)
    assert "关键字不能超过50个字" in html
    assert "Traceback" not in html and "服务暂时不可用" not in html
    assert '<h1 class="panel-title" id="column-title">公示公告</h1>' in html


@pytest.mark.parametrize("year", ["abc", "1800", "99999", "2024abc", "-1", "' OR 1=1 --"])
def test_a_bad_year_gets_a_clear_message(client, make, year):
    make("公告")
    response = client.get("/notices/", query_string={"year": year})
    assert response.status_code == 400
    html = text(response)
    assert "请从列表中选择年份" in html
    assert "Traceback" not in html and "服务暂时不可用" not in html


def test_the_pages_speak_english_too(client, make):
    make("公告")
    client.get("/language/en")
    html = text(client.get("/notices/", query_string={"q": "x" * 60}))
    assert "The keyword can be at most 50 characters long" in html
    assert '<h1 class="panel-title" id="column-title">Public notices</h1>' in html
    html = text(client.get("/notices/", query_string={"year": "1800"}))
    assert "Choose a year from the list" in html


@pytest.mark.parametrize("page", ["abc", "-5", "0", "1.5", "99999999999"])
def test_odd_page_numbers_mean_the_first_page(client, make, page):
    make("第一页的公告")
    response = client.get("/notices/", query_string={"page": page})
    assert response.status_code == 200
    assert "第一页的公告" in text(response)


def test_a_page_past_the_end_says_so(client, make):
    make("第一页的公告")
    html = text(client.get("/notices/", query_string={"page": "7"}))
    assert "第一页的公告" not in html
    assert "本页没有信息" in html and 'href="/notices/?"' in html
    assert "上一页" in html and "第7页" in html


def test_pagination_previous_and_next(client, make):
    for n in range(17):
        make(f"分页公告{n:02d}", days_ago=n + 1)
    first = text(client.get("/notices/"))
    assert first.count('class="article-item"') == 15
    assert "分页公告00" in first and "分页公告15" not in first
    assert "第1页" in first and "下一页" in first and "上一页" not in first
    assert 'href="/notices/?page=2"' in first
    second = text(client.get("/notices/?page=2"))
    assert second.count('class="article-item"') == 2
    assert "分页公告15" in second and "分页公告16" in second
    assert "上一页" in second and "下一页" not in second and "第2页" in second


def test_pagination_keeps_the_search(client, make):
    for n in range(16):
        make(f"注册公示{n:02d}", days_ago=n + 1)
    html = text(client.get("/notices/", query_string={"q": "注册"}))
    assert 'href="/notices/?q=%E6%B3%A8%E5%86%8C&amp;page=2"' in html


def test_unpublished_and_scheduled_articles_are_not_found(client, make):
    draft = make("尚未发布的草稿", status="draft")
    scheduled = make("明天才发布的公示", publish_at=clock.now() + datetime.timedelta(days=1))
    assert client.get(f"/notices/{draft.id}").status_code == 404
    assert client.get(f"/notices/{scheduled.id}").status_code == 404
    html = text(client.get("/notices/"))
    assert "尚未发布的草稿" not in html and "明天才发布的公示" not in html
    assert client.get("/notices/999999").status_code == 404


def test_attachment_download(client, db, make, uploads):
    article = make("附名单的公示")
    attachment = attachments.add_attachment(article, "名单.pdf", PDF)
    db.session.commit()
    html = text(client.get(f"/notices/{article.id}"))
    assert f'href="/articles/attachments/{attachment.id}"' in html and "名单.pdf" in html
    response = client.get(f"/articles/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "%E5%90%8D%E5%8D%95.pdf" in response.headers["Content-Disposition"]
    assert client.get("/articles/attachments/999999").status_code == 404


def test_attachment_of_an_unpublished_article_is_refused(client, db, make, uploads):
    draft = make("草稿", status="draft")
    scheduled = make("定时", publish_at=clock.now() + datetime.timedelta(hours=3))
    hidden = [attachments.add_attachment(draft, "a.pdf", PDF), attachments.add_attachment(scheduled, "b.pdf", PDF)]
    db.session.commit()
    for attachment in hidden:
        assert client.get(f"/articles/attachments/{attachment.id}").status_code == 404
    published = make("已发布")
    shown = attachments.add_attachment(published, "c.pdf", PDF)
    db.session.commit()
    assert client.get(f"/articles/attachments/{shown.id}").status_code == 200
    articles.unpublish(published)
    db.session.commit()
    assert client.get(f"/articles/attachments/{shown.id}").status_code == 404, "withdrawn with its article"


def test_home_page_partial_lists_the_latest_of_each_column(app, db, make):
    for n in range(8):
        make(f"公示{n}", days_ago=n + 1)
    make("最新政策", column="policy")
    make("草稿政策", column="policy", status="draft")
    with app.test_request_context("/"):
        html = render_template_string('{% include "portal/articles/_home_latest.html" %}')
    assert html.count("home-latest-column") == 3
    assert "公示0" in html and "公示5" in html and "公示6" not in html, "six per column"
    assert "最新政策" in html and "草稿政策" not in html
    assert 'href="/notices/"' in html and 'href="/policies/"' in html and 'href="/regulations/"' in html
    assert "更多" in html and "暂无信息" in html
    assert articles.latest_by_column(2)["notice"][0].title == "公示0"


# --- back office ------------------------------------------------------------------------------------

ARTICLE_FORM = {
    "column": "notice",
    "title": "关于开展注册建造师执业检查的公告",
    "department": "建筑市场监管司",
    "document_number": "建市函〔2026〕3号",
    "body_html": (
        '<p onmouseover="steal()">检查<strong>重点</strong>如下</p><script>alert("x")</script>'
        '<img src="https://tracker.example/p.gif"><a href="javascript:alert(1)">详情</a>'
    ),
    "status": "draft",
    "publish_at": "",
}


@pytest.fixture
def editor(client, staff_factory, login_staff):
    staff_factory("ContentEditor", username="writer")
    assert login_staff("writer").status_code == 302
    return client


def test_content_editor_writes_and_publishes_an_article(editor, db):
    client = editor
    assert client.get("/articleadminview/list/").status_code == 200
    response = client.post("/articleadminview/add", data=ARTICLE_FORM)
    assert response.status_code == 302
    article = db.session.query(Article).filter_by(title=ARTICLE_FORM["title"]).one()
    assert article.status == "draft" and article.created_by is not None
    assert "<script" not in article.body_html and "onmouseover" not in article.body_html
    assert "tracker.example" not in article.body_html and "javascript" not in article.body_html
    assert "<strong>重点</strong>" in article.body_html
    assert "检查重点如下" in article.body_text
    assert ARTICLE_FORM["title"] not in text(client.get("/notices/")), "a draft stays in the back office"

    response = client.post("/articleadminview/action_post", data={"action": "publish", "rowid": str(article.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "published"
    listing = text(client.get("/notices/"))
    assert ARTICLE_FORM["title"] in listing
    page = text(client.get(f"/notices/{article.id}"))
    assert "<strong>重点</strong>" in page and "建市函〔2026〕3号" in page
    body = page[
        page.index('<div class="article-body">') : page.index("</div>", page.index('<div class="article-body">'))
    ]
    assert "<script" not in body and "onmouseover" not in body and "<img" not in body and "javascript" not in body
    assert 'alert("x")' not in page

    response = client.post(f"/articleadminview/action/unpublish/{article.id}")
    assert response.status_code == 302
    assert ARTICLE_FORM["title"] not in text(client.get("/notices/"))
    assert client.get(f"/notices/{article.id}").status_code == 404


def test_editing_sanitises_again(editor, db, make):
    article = make("原标题")
    response = editor.post(
        f"/articleadminview/edit/{article.id}",
        data=dict(
            ARTICLE_FORM,
            title="新标题",
            status="published",
            publish_at=(clock.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            body_html='<p>新正文</p><script>document.cookie</script><iframe src="https://evil.example"></iframe>',
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert article.title == "新标题"
    assert article.body_html == "<p>新正文</p>" and article.body_text == "新正文"


def test_publishing_time_is_entered_in_beijing_time_and_can_schedule(editor, db):
    response = editor.post(
        "/articleadminview/add",
        data=dict(ARTICLE_FORM, title="定时发布的公告", status="published", publish_at="2099-01-01T08:00"),
    )
    assert response.status_code == 302
    article = db.session.query(Article).filter_by(title="定时发布的公告").one()
    assert article.publish_at == datetime.datetime(2099, 1, 1, 0, 0), "08:00 in Beijing is 00:00 UTC"
    assert "定时发布的公告" not in text(editor.get("/notices/"))
    show = text(editor.get(f"/articleadminview/show/{article.id}"))
    assert "2099-01-01 08:00" in show, "shown in Beijing time"
    edit = text(editor.get(f"/articleadminview/edit/{article.id}"))
    assert 'value="2099-01-01T08:00"' in edit, "the edit form shows Beijing time too"


def test_publishing_without_a_time_publishes_at_once(editor, db):
    editor.post("/articleadminview/add", data=dict(ARTICLE_FORM, title="立即发布", status="published"))
    article = db.session.query(Article).filter_by(title="立即发布").one()
    assert article.publish_at is not None and article.publish_at <= clock.now()
    assert "立即发布" in text(editor.get("/notices/"))


def test_a_form_with_a_bad_column_is_refused(editor, db):
    response = editor.post("/articleadminview/add", data=dict(ARTICLE_FORM, column="news"))
    assert response.status_code == 200
    assert db.session.query(Article).count() == 0


def test_attachments_are_managed_in_the_back_office(editor, db, make, uploads):
    article = make("附件管理")
    page = text(editor.get(f"/articleadminview/show/{article.id}"))
    assert f'href="/admin/articles/{article.id}/attachments"' in page
    assert editor.get(f"/admin/articles/{article.id}/attachments").status_code == 200
    response = editor.post(
        f"/admin/articles/{article.id}/attachments",
        data={"file": (io.BytesIO(PDF), "执业检查名单.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = db.session.query(ArticleAttachment).one()
    assert attachment.original_name == "执业检查名单.pdf" and attachment.content_type == "application/pdf"
    assert storage.read(attachment.stored_name) == PDF
    assert editor.get(f"/admin/articles/attachments/{attachment.id}").data == PDF
    assert editor.get(f"/articles/attachments/{attachment.id}").data == PDF

    response = editor.post(
        f"/admin/articles/{article.id}/attachments",
        data={"file": (io.BytesIO(PNG), "伪装成PDF.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "仅接受以下格式" in text(response)
    assert db.session.query(ArticleAttachment).count() == 1

    response = editor.post(
        f"/admin/articles/{article.id}/attachments", data={}, content_type="multipart/form-data", follow_redirects=True
    )
    assert "请选择要上传的文件" in text(response)

    response = editor.post(f"/admin/articles/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    assert db.session.query(ArticleAttachment).count() == 0
    assert not storage.exists(attachment.stored_name)


def test_deleting_an_article_deletes_its_files(editor, db, make, uploads):
    article = make("将被删除")
    attachment = attachments.add_attachment(article, "a.pdf", PDF)
    db.session.commit()
    stored_name = attachment.stored_name
    assert storage.exists(stored_name)
    response = editor.post(f"/articleadminview/delete/{article.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Article, article.id) is None
    assert db.session.query(ArticleAttachment).count() == 0
    assert not storage.exists(stored_name)


def test_the_back_office_list_and_menu(editor, make):
    make("列表中的公告")
    make("草稿政策", column="policy", status="draft")
    html = text(editor.get("/articleadminview/list/"))
    assert "列表中的公告" in html and "草稿政策" in html
    assert "公示公告" in html and "政策发布" in html and "草稿" in html and "已发布" in html
    assert "信息发布" in html, "the menu entry"
    # search by column and status with a choice list (FAB's "equal to" filter is the fourth for text)
    assert 'option value=\\"policy\\"' in html, "the column filter is a choice list"
    html = text(editor.get("/articleadminview/list/?_flt_3_column=policy"))
    assert "草稿政策" in html and "列表中的公告" not in html
    html = text(editor.get("/articleadminview/list/?_flt_3_status=published"))
    assert "列表中的公告" in html and "草稿政策" not in html
    html = text(editor.get("/articleadminview/list/?_flt_2_title=列表"))
    assert "列表中的公告" in html and "草稿政策" not in html


def test_an_account_officer_cannot_reach_the_article_views(client, db, staff_factory, login_staff, make, uploads):
    article = make("账号管理员不可见")
    attachment = attachments.add_attachment(article, "a.pdf", PDF)
    db.session.commit()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    for url in (
        "/articleadminview/list/",
        "/articleadminview/add",
        f"/articleadminview/show/{article.id}",
        f"/articleadminview/edit/{article.id}",
        f"/admin/articles/{article.id}/attachments",
        f"/admin/articles/attachments/{attachment.id}",
    ):
        assert client.get(url).status_code == 403, url  # signed in without the permission
    client.post("/articleadminview/action_post", data={"action": "unpublish", "rowid": str(article.id)})
    client.post(f"/articleadminview/delete/{article.id}")
    client.post(f"/admin/articles/attachments/{attachment.id}/delete")
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "published"
    assert db.session.get(ArticleAttachment, attachment.id) is not None
    assert "信息发布" not in text(client.get("/admin/"))


def test_anonymous_visitors_cannot_reach_the_article_views(client, make):
    article = make("匿名")
    for url in ("/articleadminview/list/", "/articleadminview/add", f"/admin/articles/{article.id}/attachments"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.headers["Location"], url
    assert re.search("匿名", text(client.get("/notices/")))


# --- the file lifecycle: a failed save leaves no file, a removed file goes only after the commit ----------------


def stored(uploads):
    return sorted(path.name for path in uploads.rglob("*") if path.is_file())


def fail_commit(monkeypatch, db):
    def refuse():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", refuse)


def test_a_failed_upload_leaves_no_file_behind(app, editor, db, make, uploads, monkeypatch):
    from app.services.errors import ServiceError
    from app.services.unit_of_work import unit_of_work

    article = make("上传失败")
    with pytest.raises(ServiceError), unit_of_work():
        attachments.add_attachment(article, "a.pdf", PDF)
        assert len(stored(uploads)) == 1  # written, not yet committed
        raise ServiceError(message="refused later in the same action")
    assert stored(uploads) == [] and db.session.query(ArticleAttachment).count() == 0

    fail_commit(monkeypatch, db)
    response = editor.post(
        f"/admin/articles/{article.id}/attachments",
        data={"file": (io.BytesIO(PDF), "名单.pdf")},
        content_type="multipart/form-data",
    )
    monkeypatch.undo()
    assert response.status_code == 500
    assert stored(uploads) == []
    db.session.expire_all()
    assert db.session.query(ArticleAttachment).count() == 0


def test_a_deleted_attachment_keeps_its_file_until_the_deletion_is_committed(editor, db, make, uploads, monkeypatch):
    from app.services.unit_of_work import unit_of_work

    article = make("删除附件")
    attachment = attachments.add_attachment(article, "a.pdf", PDF)
    db.session.commit()
    name = attachment.stored_name
    attachment_id = attachment.id

    fail_commit(monkeypatch, db)
    response = editor.post(f"/admin/articles/attachments/{attachment_id}/delete")
    monkeypatch.undo()
    assert response.status_code == 500
    db.session.expire_all()
    assert db.session.get(ArticleAttachment, attachment_id) is not None and stored(uploads) == [name]

    with unit_of_work():
        attachments.delete_attachment(db.session.get(ArticleAttachment, attachment_id))
        db.session.flush()
        assert stored(uploads) == [name]  # deleted in the transaction, the file still there
    assert stored(uploads) == []
    assert db.session.get(ArticleAttachment, attachment_id) is None


def test_an_upload_without_a_file_is_refused_beside_the_form(editor, db, make, uploads):
    article = make("未选择文件")
    response = editor.post(f"/admin/articles/{article.id}/attachments", data={}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "请选择要上传的文件" in text(editor.get(response.headers["Location"]))
    assert stored(uploads) == [] and db.session.query(ArticleAttachment).count() == 0
