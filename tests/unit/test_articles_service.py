"""公示公告, 政策发布, 制度法规: sanitiser, visibility, search, years, pages, attachments, demo data."""

import datetime
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import event

from app import clock
from app.models import Article, ArticleAttachment
from app.services.content import articles, attachments
from app.services.content.articles import BadQuery
from app.services.platform import storage
from app.services.platform.storage import UploadRefused
from tests.factories import ArticleFactory

# --- sanitiser ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dangerous, gone",
    [
        ("<p>Hi<script>alert('x')</script></p>", ["<script", "alert"]),
        ('<p><img src="x.png" onerror="alert(1)">text</p>', ["<img", "onerror", "x.png"]),
        ('<p onclick="steal()">click</p>', ["onclick", "steal"]),
        ('<a href="javascript:alert(1)">a</a>', ["javascript", "alert"]),
        ('<a href=" JaVaScRiPt:alert(1)">a</a>', ["javascript", "alert"]),
        ('<a href="java&#x09;script:alert(1)">a</a>', ["script", "alert"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">a</a>', ["data:", "base64"]),
        ('<a href="//evil.example/x">a</a>', ["evil.example"]),
        ("<style>body{display:none}</style><p>x</p>", ["<style", "display"]),
        ('<p style="background:url(https://tracker.example/t.gif)">x</p>', ["style", "tracker"]),
        ('<iframe src="https://evil.example"></iframe><p>x</p>', ["iframe", "evil"]),
        ('<svg onload="alert(1)"><circle/></svg><p>x</p>', ["svg", "onload"]),
        ('<link rel="stylesheet" href="https://cdn.example/x.css"><p>x</p>', ["<link", "cdn.example"]),
        ('<form action="https://evil.example"><input name="p"></form>', ["<form", "<input"]),
    ],
)
def test_sanitize_removes_what_could_run_or_load(dangerous, gone):
    clean = articles.sanitize(dangerous)
    for fragment in gone:
        assert fragment.lower() not in clean.lower(), clean


def test_sanitize_keeps_basic_formatting():
    html = (
        "<h2>一、总则</h2><h3>（一）</h3><h4>1.</h4><p><strong>粗</strong><em>斜</em><u>下划线</u><br>换行</p>"
        "<ul><li>甲</li></ul><ol><li>乙</li></ol><blockquote>引用</blockquote>"
        '<table><thead><tr><th>序号</th></tr></thead><tbody><tr><td colspan="2">1</td></tr></tbody></table>'
    )
    assert articles.sanitize(html) == html


def test_sanitize_keeps_safe_links_with_rel():
    clean = articles.sanitize(
        '<a href="https://www.mohurd.gov.cn/" target="_blank">部网站</a>'
        '<a href="http://example.cn/a">http</a><a href="/help/faq">常见问题</a>'
    )
    assert '<a href="https://www.mohurd.gov.cn/" rel="noopener noreferrer">部网站</a>' in clean
    assert '<a href="http://example.cn/a" rel="noopener noreferrer">http</a>' in clean
    assert '<a href="/help/faq" rel="noopener noreferrer">常见问题</a>' in clean
    assert "target" not in clean


def test_sanitize_of_nothing():
    assert articles.sanitize(None) == ""
    assert articles.sanitize("") == ""


def test_plain_text_separates_blocks_and_decodes_entities():
    text = articles.plain_text("<h2>标题</h2><p>A &amp; B</p><ul><li>一</li><li>二</li></ul>")
    assert text == "标题\nA & B\n一\n二"


def test_prepare_sanitises_and_fills_the_search_text(db):
    article = Article(
        column="notice",
        title="  关于  公示 ",
        department="办公厅",
        status="draft",
        body_html="<p>正文<script>x()</script><img src=x onerror=y()></p>",
    )
    articles.prepare(article)
    assert article.title == "关于 公示"
    assert article.body_html == "<p>正文</p>"
    assert article.body_text == "正文"
    assert article.publish_at is None, "a draft is not given a publishing time"


def test_prepare_gives_a_published_article_its_time(db):
    now = datetime.datetime(2026, 3, 1, 2, 0)
    article = Article(column="policy", title="通知", status="published", body_html="<p>x</p>")
    articles.prepare(article, now=now)
    assert article.publish_at == now


@pytest.mark.parametrize("field, value", [("column", "news"), ("status", "live"), ("title", "   ")])
def test_prepare_refuses_an_impossible_article(db, field, value):
    article = Article(column="notice", title="标题", status="draft", body_html="<p>x</p>")
    setattr(article, field, value)
    with pytest.raises(articles.ArticleRefused):
        articles.prepare(article)


# --- what the public sees --------------------------------------------------------------------------

NOW = datetime.datetime(2026, 6, 15, 4, 0)  # naive UTC


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def make(db):
    def add(
        title,
        column="notice",
        body="<p>正文</p>",
        status="published",
        publish_at=None,
        days_ago=1,
        department="建筑市场监管司",
    ):
        article = ArticleFactory(
            column=column,
            title=title,
            department=department,
            status=status,
            body_html=body,
            publish_at=publish_at
            if publish_at is not None
            else (NOW - datetime.timedelta(days=days_ago) if status == "published" else None),
        )
        db.session.commit()
        return article

    return add


def titles(items):
    return [a.title for a in items]


def test_drafts_and_future_articles_are_never_shown(db, frozen_now, make):
    shown = make("已发布")
    draft = make("草稿", status="draft")
    scheduled = make("定时发布", publish_at=NOW + datetime.timedelta(minutes=1))
    make("政策", column="policy")
    assert titles(articles.published_query("notice")) == ["已发布"]
    assert titles(articles.search("notice").items) == ["已发布"]
    assert titles(articles.search("notice", keyword="发布").items) == ["已发布"]
    assert titles(articles.latest("notice")) == ["已发布"]
    assert titles(articles.latest_by_column()["notice"]) == ["已发布"]
    assert articles.published_article(shown.id, "notice") is shown
    assert articles.published_article(shown.id, "policy") is None, "not in another column"
    assert articles.published_article(draft.id) is None
    assert articles.published_article(scheduled.id) is None
    assert articles.available_years("notice") == [2026]


def test_a_scheduled_article_appears_when_its_time_comes(db, monkeypatch, make):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    scheduled = make("定时发布", publish_at=NOW + datetime.timedelta(hours=2))
    assert articles.latest("notice") == []
    monkeypatch.setattr(clock, "now", lambda: NOW + datetime.timedelta(hours=2))
    assert articles.latest("notice") == [scheduled]


def test_search_by_title_and_by_body(db, frozen_now, make):
    make("关于注册建造师初始注册人员名单的公示", body="<p>名单见附件</p>")
    make("资质审查意见的公示", body="<p>青山示范建工集团有限公司：建筑工程施工总承包一级</p>")
    make("系统升级维护的公告", body="<p>维护期间暂停使用</p>")
    assert titles(articles.search("notice", keyword="注册建造师").items) == ["关于注册建造师初始注册人员名单的公示"]
    assert titles(articles.search("notice", keyword="施工总承包").items) == ["资质审查意见的公示"]
    assert len(articles.search("notice", keyword="公示").items) == 2
    assert titles(articles.search("notice", keyword="公示  青山").items) == ["资质审查意见的公示"], "every word"
    assert articles.search("notice", keyword="不存在的词").items == []


def test_search_is_not_fooled_by_like_wildcards(db, frozen_now, make):
    make("百分之百_完成", body="<p>完成率100%</p>")
    make("普通公告", body="<p>普通</p>")
    assert titles(articles.search("notice", keyword="%").items) == ["百分之百_完成"]
    assert titles(articles.search("notice", keyword="_").items) == ["百分之百_完成"]
    assert articles.search("notice", keyword="100\\").items == []


def test_search_ignores_markup_in_the_body(db, frozen_now, make):
    make("公告", body="<p><strong>重点</strong>内容</p>")
    assert articles.search("notice", keyword="strong").items == []
    assert len(articles.search("notice", keyword="重点内容").items) == 1


def test_year_filter_uses_the_beijing_calendar(db, frozen_now, make):
    # 2024-12-31 17:00 UTC is 2025-01-01 01:00 in Beijing: a 2025 article.
    make("新年第一篇", publish_at=datetime.datetime(2024, 12, 31, 17, 0))
    # 2024-12-31 15:59 UTC is 2024-12-31 23:59 in Beijing: still 2024.
    make("年末最后一篇", publish_at=datetime.datetime(2024, 12, 31, 15, 59))
    make("今年", publish_at=datetime.datetime(2026, 2, 1, 1, 0))
    assert titles(articles.search("notice", year=2025).items) == ["新年第一篇"]
    assert titles(articles.search("notice", year="2024").items) == ["年末最后一篇"]
    assert titles(articles.search("notice", year=2023).items) == []
    assert articles.available_years("notice") == [2026, 2025, 2024]
    assert articles.available_years("policy") == []


def test_year_bounds_are_beijing_midnights_in_utc():
    assert articles.year_bounds(2025) == (
        datetime.datetime(2024, 12, 31, 16, 0),
        datetime.datetime(2025, 12, 31, 16, 0),
    )


def test_pages_fetch_one_extra_row_and_never_count(app, db, frozen_now, make):
    for n in range(5):
        make(f"公告{n}", days_ago=n + 1)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        values = parameters.values() if isinstance(parameters, dict) else (parameters or ())
        statements.append((statement.lower(), list(values)))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        first = articles.search("notice", page=1, per_page=2)
        statements_of_one_page = list(statements)
        second = articles.search("notice", page=2, per_page=2)
        last = articles.search("notice", page=3, per_page=2)
        beyond = articles.search("notice", page=4, per_page=2)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert titles(first.items) == ["公告0", "公告1"] and first.has_next and not first.has_prev
    assert titles(second.items) == ["公告2", "公告3"] and second.has_next and second.prev_num == 1
    assert titles(last.items) == ["公告4"] and not last.has_next and last.next_num is None
    assert beyond.items == [] and not beyond.has_next
    assert len(statements_of_one_page) == 1, "one query per page"
    statement, values = statements_of_one_page[0]
    assert "count(" not in statement
    assert "limit" in statement and 3 in values, "per_page + 1 rows"
    assert all("count(" not in s for s, _ in statements)


@pytest.mark.parametrize("keyword", ["x" * 51, "关" * 51])
def test_an_overlong_keyword_is_refused(keyword):
    with pytest.raises(BadQuery) as refused:
        articles.clean_keyword(keyword)
    assert "50" in str(refused.value.message)


def test_keyword_spaces_are_tidied():
    assert articles.clean_keyword("  注册   建造师 ") == "注册 建造师"
    assert articles.clean_keyword("   ") is None
    assert articles.clean_keyword("字" * 50) == "字" * 50


@pytest.mark.parametrize("year", ["abc", "20x5", "1800", "99999", "-2024", "２０２４", "2024.0", " 1 "])
def test_an_impossible_year_is_refused(frozen_now, year):
    with pytest.raises(BadQuery):
        articles.clean_year(year)


def test_years_that_make_sense(frozen_now):
    assert articles.clean_year("") is None
    assert articles.clean_year(None) is None
    assert articles.clean_year("2024") == 2024
    assert articles.clean_year("2027") == 2027, "next year: scheduled articles"
    with pytest.raises(BadQuery):
        articles.clean_year("2028")


def test_search_refuses_bad_input_itself(db, frozen_now):
    with pytest.raises(BadQuery):
        articles.search("notice", keyword="长" * 60)
    with pytest.raises(BadQuery):
        articles.search("notice", year="abc")
    with pytest.raises(ValueError):
        articles.search("news")


@pytest.mark.parametrize(
    "value, page", [("2", 2), ("abc", 1), ("-1", 1), ("0", 1), (None, 1), ("99999999", 1), ("5000", articles.MAX_PAGE)]
)
def test_page_numbers_are_forgiving(value, page):
    assert articles.clean_page(value) == page


# --- attachments ------------------------------------------------------------------------------------


def office_zip(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}/document.xml", "<document/>")
    return buffer.getvalue()


def ole(marker_at_512: bytes) -> bytes:
    data = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + marker_at_512)
    return bytes(data + bytes(2200 - len(data)))


PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@pytest.mark.parametrize(
    "data, extension",
    [
        (PDF, "pdf"),
        (office_zip("word"), "docx"),
        (office_zip("xl"), "xlsx"),
        (ole(b"\xec\xa5\xc1\x00"), "doc"),
        (ole(b"\x09\x08\x10\x00\x00\x06\x05\x00"), "xls"),
    ],
)
def test_accepted_attachment_formats(data, extension):
    assert attachments.check_attachment(data)[1] == extension


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(100),  # an image
        office_zip("other"),  # a ZIP that is no Office document
        office_zip("ppt"),  # PowerPoint is not accepted
        b"<html><script>alert(1)</script></html>",
        b"plain text pretending to be a PDF",
    ],
)
def test_other_files_are_refused_by_content(data):
    with pytest.raises(UploadRefused):
        attachments.check_attachment(data)


def test_empty_and_oversized_attachments_are_refused(monkeypatch):
    with pytest.raises(UploadRefused):
        attachments.check_attachment(b"")
    monkeypatch.setattr(attachments, "ATTACHMENT_MAX_MB", 1)
    with pytest.raises(UploadRefused) as refused:
        attachments.check_attachment(PDF + bytes(1024 * 1024))
    assert "1" in str(refused.value.message)


def test_an_attachment_is_stored_outside_the_web_root_with_a_random_name(app, db, uploads, frozen_now, make):
    article = make("附件测试")
    attachment = attachments.add_attachment(article, "C:\\Users\\me\\名单\x00.docx", PDF)
    db.session.commit()
    assert attachment.original_name == "名单.pdf", "folders and control characters dropped, real extension"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF) and attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.stored_name.endswith(".pdf") and "名单" not in attachment.stored_name
    path = uploads / attachment.stored_name[:2] / attachment.stored_name  # the local store's layout
    assert path.read_bytes() == PDF
    assert attachments.published_attachment(attachment.id) is attachment
    second = attachments.add_attachment(article, "", office_zip("xl"))
    db.session.commit()
    assert second.original_name == "attachment.xlsx" and second.position > attachment.position
    stored = attachments.delete_attachment(attachment)
    db.session.commit()
    storage.remove(stored)
    assert not path.exists() and not storage.exists(stored)
    assert db.session.get(ArticleAttachment, attachment.id) is None


def test_attachments_of_hidden_articles_are_not_published(app, db, uploads, frozen_now, make):
    draft = make("草稿", status="draft")
    scheduled = make("定时", publish_at=NOW + datetime.timedelta(days=1))
    hidden = [attachments.add_attachment(draft, "a.pdf", PDF), attachments.add_attachment(scheduled, "b.pdf", PDF)]
    db.session.commit()
    assert [attachments.published_attachment(a.id) for a in hidden] == [None, None]


# --- demonstration data --------------------------------------------------------------------------


def test_demo_articles(app, db, uploads):
    from app.seed.demo_articles import seed_demo_articles

    created = seed_demo_articles()
    db.session.commit()
    assert created >= 20
    assert seed_demo_articles() == 0, "idempotent"
    counts = {column: articles.published_query(column).count() for column in articles.COLUMNS}
    assert counts["notice"] >= 8 and counts["policy"] >= 6 and counts["regulation"] >= 6
    assert db.session.query(Article).filter(Article.status == "draft").count() >= 1
    for column in articles.COLUMNS:
        assert len(articles.available_years(column)) >= 2, "spread over the years"
    assert any("注册建造师管理规定" in a.title for a in articles.latest("regulation", 10))
    with_files = db.session.query(ArticleAttachment).all()
    assert 1 <= len(with_files) <= 2
    for attachment in with_files:
        data = storage.read(attachment.stored_name)
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert attachments.check_attachment(data)[0] == "application/pdf"
    for article in db.session.query(Article):
        assert article.body_html == articles.sanitize(article.body_html)
        assert article.body_text and article.department
