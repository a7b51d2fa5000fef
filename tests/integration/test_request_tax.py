"""The per-request savings of issue 20 keep every guarantee they touch.

An anonymous visitor who needs no session gets no cookie; signing in, form tokens, the language
switch and the idle timeout still work; the kept fragments are retired when what they show changes.
"""

import datetime
import re

import pytest
import time_machine

from app import clock


def _login(client, identifier, password, **extra):
    return client.post(
        "/account/login", data={"kind": "personal", "identifier": identifier, "password": password, **extra}
    )


@pytest.fixture
def no_public_marking(app, monkeypatch):
    """Public pages already go without a cookie (public_cache.py); with it off only the session rule is left."""
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_SECONDS", 0)


@pytest.mark.parametrize("path", ["/", "/services/", "/no-such-page"])
def test_an_anonymous_page_without_a_form_sets_no_session_cookie(app, db, no_public_marking, path):
    response = app.test_client().get(path)
    assert response.status_code in (200, 404)
    assert not [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]


def test_a_page_with_a_form_still_gets_its_token_and_sign_in_still_works(
    app, db, register_person, no_public_marking, monkeypatch
):
    person = register_person()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client()
    assert _login(client, person["phone"], person["password"]).status_code == 400  # no form token: refused
    page = client.get("/account/login")
    assert any(value.startswith("session=") for value in page.headers.getlist("Set-Cookie"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert _login(client, person["phone"], person["password"], csrf_token=token).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.expires is not None  # permanent: it carries the idle timeout
    assert client.get("/user/").status_code == 200


def test_a_signed_in_session_still_ends_after_the_idle_time(app, db, register_person, no_public_marking):
    person = register_person()
    client = app.test_client()
    with time_machine.travel(clock.now(), tick=False) as traveller:
        assert _login(client, person["phone"], person["password"]).status_code == 302
        traveller.shift(datetime.timedelta(minutes=20))
        assert client.get("/user/").status_code == 200  # a request within the idle time restarts it
        traveller.shift(datetime.timedelta(minutes=20))
        assert client.get("/user/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/user/")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_the_language_switch_still_holds_without_a_session_before_it(app, db, no_public_marking):
    client = app.test_client()
    assert '<html lang="zh-CN">' in client.get("/services/").get_data(as_text=True)
    switched = client.get("/language/en")
    assert any(value.startswith("session=") for value in switched.headers.getlist("Set-Cookie"))
    assert '<html lang="en">' in client.get("/services/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in app.test_client().get("/").get_data(as_text=True)


def _home(app) -> str:
    return app.test_client().get("/").get_data(as_text=True)


def test_the_home_pages_kept_latest_block_follows_every_change_to_the_articles(app, db):
    from tests.factories import ArticleFactory

    before = _home(app)  # the block is now kept in this process
    article = ArticleFactory(
        column="notice",
        title="关于开展年度检查的公告",
        status="published",
        publish_at=clock.now() - datetime.timedelta(hours=1),
    )
    db.session.commit()
    assert "关于开展年度检查的公告" not in before
    assert "关于开展年度检查的公告" in _home(app)
    article.title = "关于开展年度检查的补充公告"
    db.session.commit()
    assert "关于开展年度检查的补充公告" in _home(app)
    article.status = "draft"
    db.session.commit()
    assert "年度检查" not in _home(app)
    article.status = "published"
    db.session.commit()
    assert "关于开展年度检查的补充公告" in _home(app)
    en = app.test_client()
    en.get("/language/en")
    assert '<html lang="en">' in en.get("/").get_data(as_text=True)
    assert "Nothing has been published yet." in en.get("/").get_data(as_text=True)  # other columns, in English


def test_a_scheduled_article_appears_on_the_kept_home_page_when_its_time_comes(app, db):
    from tests.factories import ArticleFactory

    with time_machine.travel(clock.now(), tick=False) as traveller:
        ArticleFactory(
            column="policy",
            title="住房城乡建设领域新政策",
            status="published",
            publish_at=clock.now() + datetime.timedelta(minutes=10),
        )
        db.session.commit()
        assert "住房城乡建设领域新政策" not in _home(app)
        traveller.shift(datetime.timedelta(minutes=9))
        assert "住房城乡建设领域新政策" not in _home(app)
        traveller.shift(datetime.timedelta(minutes=2))
        assert "住房城乡建设领域新政策" in _home(app)


def test_my_cases_come_a_page_at_a_time_newest_first_with_their_ratings(app, db):
    from app.models import CaseEvaluation
    from tests.factories import AccountFactory, ApplicationFactory

    account = AccountFactory()
    first = datetime.datetime(2026, 1, 1, 2, 0)
    cases = [
        ApplicationFactory(account=account, status="issued", submitted_at=first + datetime.timedelta(days=n))
        for n in range(25)
    ]
    db.session.add(
        CaseEvaluation(
            application=cases[0],
            account_id=account.id,
            item_id=cases[0].item_id,
            level=5,
            efficiency=5,
            attitude=5,
            openness=5,
            convenience=5,
            comment="",
        )
    )
    db.session.commit()
    app.appbuilder.sm.reset_password(account.id, "Citizen@2026pass")
    client = app.test_client()
    assert _login(client, account.phone, "Citizen@2026pass").status_code == 302

    page_one = client.get("/user/cases").get_data(as_text=True)
    numbers = re.findall(r'href="/user/cases/([0-9]+)"', page_one)
    assert numbers == [case.number for case in reversed(cases[5:])]  # the 20 newest, newest first
    assert "/user/cases?page=2" in page_one and "一级建造师" in page_one
    page_two = client.get("/user/cases?page=2").get_data(as_text=True)
    assert re.findall(r'href="/user/cases/([0-9]+)"', page_two) == [case.number for case in reversed(cases[:5])]
    assert f'href="/user/cases/{cases[0].number}#evaluation"' in page_two  # rated: 已评价
    assert f"/user/cases/{cases[1].number}/evaluation" in page_two  # not yet rated: 评价
    assert "?page=3" not in page_two
    assert client.get("/user/cases?page=x").status_code == 200


def test_a_query_pages_counters_take_one_transaction_of_the_database_store(app, db):
    from sqlalchemy import event

    from app.services.platform.shared_store import DatabaseStore

    store = DatabaseStore(db.engine)
    commits = []

    def committed(connection):
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        assert store.incr_many([("window", 600), ("minute", 60)]) == [1, 1]
        assert store.incr_many([("window", 600), ("minute", 60)]) == [2, 2]
    finally:
        event.remove(db.engine, "commit", committed)
    assert len(commits) == 2  # one per page, not one per counter
    assert store.get("window") == "2" and store.get("minute") == "2"  # read as text, as from Redis


def test_the_public_query_limit_still_refuses_the_visitor_over_it(app, db, monkeypatch, registers):
    monkeypatch.setitem(app.config, "QUERY_CACHE_SECONDS", 0)
    monkeypatch.setitem(app.config, "QUERY_CAPTCHA_AFTER", 10**6)
    monkeypatch.setitem(app.config, "QUERY_RATE_LIMIT_PER_MINUTE", 3)
    client = app.test_client()
    answers = [client.get(f"/query/people?name=张{n}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]


def test_a_new_worker_takes_the_compiled_templates_and_sees_an_edited_one(tmp_path, monkeypatch):
    import os

    import jinja2

    from app import create_app

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "probe.html").write_text("甲{{ 1 + 1 }}", encoding="utf-8")
    overrides = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "JINJA_BYTECODE_CACHE_DIR": str(tmp_path / "jinja")}

    def worker():
        new = create_app(dict(overrides))
        new.jinja_env.loader = jinja2.FileSystemLoader(str(templates))
        compiled = []
        original = new.jinja_env.compile
        monkeypatch.setattr(new.jinja_env, "compile", lambda *a, **k: compiled.append(a) or original(*a, **k))
        with new.app_context():
            html = new.jinja_env.get_template("probe.html").render()
        return html, len(compiled)

    assert worker() == ("甲2", 1)  # the first worker compiles it and keeps the bytecode
    assert os.listdir(tmp_path / "jinja")
    assert worker() == ("甲2", 0)  # the next one loads it
    (templates / "probe.html").write_text("乙{{ 2 + 2 }}", encoding="utf-8")
    assert worker() == ("乙4", 1)  # an edited template is compiled again, never served from the old bytecode


def test_the_kept_catalogue_follows_every_change_to_the_items(app, db):
    from app.models import ServiceItem

    client = app.test_client()
    item = db.session.query(ServiceItem).filter_by(category="personal").order_by(ServiceItem.position).first()
    assert item.name in client.get("/services/").get_data(as_text=True)  # now kept in this process
    english = app.test_client()
    english.get("/language/en")
    assert '<html lang="en">' in english.get("/services/").get_data(as_text=True)
    item.name = "一级建造师初始注册（更名后）"
    db.session.commit()
    assert "一级建造师初始注册（更名后）" in client.get("/services/").get_data(as_text=True)
    assert "一级建造师初始注册（更名后）" in english.get("/services/").get_data(as_text=True)
    assert "一级建造师初始注册（更名后）" not in client.get("/services/?category=enterprise").get_data(as_text=True)
    workspace = f'href="/services/item/{item.code}"'
    assert workspace in client.get("/services/").get_data(as_text=True)
    online, item.online_kind = item.online_kind, None
    db.session.commit()
    assert workspace not in client.get("/services/").get_data(as_text=True)
    item.online_kind = online
    db.session.commit()
    assert workspace in client.get("/services/").get_data(as_text=True)


def test_the_kept_guide_follows_its_item_its_materials_and_its_ratings(app, db):
    from app.models import CaseEvaluation, ServiceItem
    from tests.factories import ApplicationFactory

    item = db.session.query(ServiceItem).filter(ServiceItem.online_kind == "constructor_initial").one()
    client = app.test_client()
    page = client.get(f"/services/guide/{item.code}").get_data(as_text=True)  # now kept in this process
    assert "暂无评价" in page or "No ratings yet" in page
    item.fee = "不收费（已更新）"
    item.materials[0].name = "身份证明（已更新）"
    db.session.commit()
    page = client.get(f"/services/guide/{item.code}").get_data(as_text=True)
    assert "不收费（已更新）" in page and "身份证明（已更新）" in page
    case = ApplicationFactory(item=item, status="issued")
    db.session.flush()
    db.session.add(
        CaseEvaluation(
            application=case,
            account_id=case.account_id,
            item_id=item.id,
            level=5,
            efficiency=5,
            attitude=5,
            openness=5,
            convenience=5,
            comment="",
        )
    )
    db.session.commit()
    assert 'id="item-satisfaction">1' in client.get(f"/services/guide/{item.code}").get_data(as_text=True)


# --- the public query pages: the form kept rendered, the typed values put in (issue 20) ---------------------


@pytest.fixture
def uncached_queries(app, monkeypatch, generous_query_limits):
    """Every query page rendered by Flask (no shared page cache, so no fast path either)."""
    monkeypatch.setitem(app.config, "QUERY_CACHE_SECONDS", 0)


def _query_form(client, path, **args) -> str:
    html = client.get(path, query_string=args).get_data(as_text=True)
    return re.search(r'<section class="panel query-panel">.*?</section>', html, re.S).group(0)


def test_the_kept_query_form_shows_each_visitor_what_they_typed_and_chose(app, registers, uncached_queries):
    chosen = {"qualification": "constructor_1", "province": "北京市"}
    first = _query_form(app.test_client(), "/query/people", name="赵钱", employer="孙李", **chosen)
    second = _query_form(app.test_client(), "/query/people", name="王雅", **chosen)  # the same options: kept copy
    assert 'name="name" value="赵钱"' in first and 'name="employer" value="孙李"' in first
    assert 'name="name" value="王雅"' in second and 'name="employer" value=""' in second
    assert "赵钱" not in second and "孙李" not in second
    for form in (first, second):
        assert '<option value="constructor_1" selected>' in form and '<option value="北京市" selected>' in form
    none_chosen = _query_form(app.test_client(), "/query/people", name="王雅")
    assert " selected>" not in none_chosen and 'name="name" value="王雅"' in none_chosen
    english = app.test_client()
    english.get("/language/en")
    in_english = _query_form(english, "/query/people", name="王雅", **chosen)
    assert "Registration category" in in_english and "注册类别" not in in_english
    assert '<option value="constructor_1" selected>' in in_english
    assert "注册类别" in _query_form(app.test_client(), "/query/people", name="王雅", **chosen)


def test_the_kept_enterprise_form_follows_the_kind(app, registers, uncached_queries):
    building = _query_form(app.test_client(), "/query/enterprises", kind="建筑业企业", name="赵钱")
    supervision = _query_form(app.test_client(), "/query/enterprises", kind="工程监理企业", name="孙李")
    assert 'name="kind" value="建筑业企业"' in building and 'name="name" value="赵钱"' in building
    assert 'name="kind" value="工程监理企业"' in supervision and 'name="name" value="孙李"' in supervision
    assert "赵钱" not in supervision


def test_what_a_visitor_types_goes_into_the_kept_form_escaped_and_never_read_as_a_slot(
    app, registers, uncached_queries
):
    client = app.test_client()
    _query_form(client, "/query/people", name="陈立")  # the form is now kept
    form = _query_form(client, "/query/people", name='陈"><script>alert(1)</script>')
    assert "<script>alert(1)" not in form and 'value="陈&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in form
    # A value spelling a slot stays what was typed (refused, shown back beside its message), never replaced
    # by another field's value: the values are put in one pass.
    form = _query_form(client, "/query/people", name="陈\x00employer\x00", employer="华岳")
    assert 'name="employer" value="华岳"' in form
    assert 'name="name" value="陈\x00employer\x00"' in form and 'id="name-error"' in form


def test_a_message_beside_a_field_is_never_kept_for_the_next_visitor(app, registers, uncached_queries):
    refused = _query_form(app.test_client(), "/query/people", name="陈立", qualification="no-such-category")
    assert 'id="qualification-error"' in refused
    after = _query_form(app.test_client(), "/query/people", name="陈立")
    assert 'id="qualification-error"' not in after and "field-error" not in after


def test_result_links_lead_to_each_persons_and_enterprises_page(app, registers, uncached_queries):
    from urllib.parse import quote

    from app.models import EnterpriseQualification, PersonRegistration

    client = app.test_client()
    people = client.get("/query/people", query_string={"name": "陈立"}).get_data(as_text=True)
    person = registers.session.query(PersonRegistration).filter_by(holder_name="陈立新").first()
    href = f'href="/query/people/{quote(person.registration_number, safe="")}"'
    assert href in people and not person.registration_number.isascii()  # 京…: the Chinese character quoted
    assert client.get(f"/query/people/{quote(person.registration_number)}").status_code == 200
    enterprise = registers.session.query(EnterpriseQualification).first()
    found = client.get("/query/enterprises", query_string={"kind": enterprise.kind, "uscc": enterprise.uscc}).get_data(
        as_text=True
    )
    assert f'href="/query/enterprises/{enterprise.uscc}"' in found


def test_the_kept_top_bar_switches_come_back_to_each_visitors_own_page(app, registers, uncached_queries):
    """The top bar is kept per language and display mode; only the way back is put in, for each page."""
    import html as html_module

    client = app.test_client()
    client.get("/query/people", query_string={"name": "陈立"})  # the top bar is now kept
    page = client.get("/query/people", query_string={"name": "王雅", "province": "北京市"}).get_data(as_text=True)
    links = [html_module.unescape(href) for href in re.findall(r'href="(/(?:language|display)/[^"]+)"', page)]
    assert len(links) == 3 and all("陈立" not in link and "%E9%99%88" not in link for link in links)
    english = next(link for link in links if link.startswith("/language/en?"))
    answer = client.get(english)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/query/people?name=%E7%8E%8B%E9%9B%85&province=%E5%8C%97%E4%BA%AC%E5%B8%82"
    assert '<html lang="en">' in client.get(answer.headers["Location"]).get_data(as_text=True)
    elder = next(link for link in links if link.startswith("/display/elder?"))
    assert client.get(elder).headers["Location"] == answer.headers["Location"]
    seniors = client.get("/services/").get_data(as_text=True)
    assert '<body class="elder">' in seniors and "Standard version" in seniors
    assert "next=/services/" in seniors


def test_the_kept_progress_form_shows_each_visitor_their_own_number(app, registers, uncached_queries):
    first = _query_form(app.test_client(), "/query/progress", number="2026030100000001", name="赵钱")
    second = _query_form(app.test_client(), "/query/progress", number="2026030187654321", name="孙李")
    assert 'value="2026030100000001"' in first and 'value="赵钱"' in first
    assert 'value="2026030187654321"' in second and 'value="孙李"' in second
    assert "2026030100000001" not in second and "赵钱" not in second


def test_a_guide_asks_no_database_and_still_follows_its_item_and_the_catalogue(app, db):
    from sqlalchemy import event

    from app.models import ServiceItem

    item = db.session.query(ServiceItem).filter(ServiceItem.online_kind == "constructor_initial").one()
    code, original_name = item.code, item.name
    client = app.test_client()
    assert f"<title>{original_name} - " in client.get(f"/services/guide/{code}").get_data(as_text=True)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get(f"/services/guide/{code}").get_data(as_text=True)  # title, breadcrumb, body: all kept
        assert client.get("/services/guide/NO-SUCH-CODE").status_code == 404  # known absent: no query either
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []
    assert f"<title>{original_name} - 办事指南" in page and 'href="/services/?category=personal">办事服务' in page

    item.name, item.category = "一级建造师初始注册（更名后）", "enterprise"
    db.session.commit()
    page = client.get(f"/services/guide/{code}").get_data(as_text=True)
    assert "<title>一级建造师初始注册（更名后） - 办事指南" in page
    assert 'href="/services/?category=enterprise">办事服务' in page  # the kept breadcrumb follows the item
    english = app.test_client()
    english.get("/language/en")
    page = english.get(f"/services/guide/{code}").get_data(as_text=True)
    assert "- Service guide" in page and 'href="/services/?category=enterprise">Online services' in page

    added = ServiceItem(code="NEW-ITEM-0001", category="personal", group=item.group, name="新增事项", position=999)
    db.session.add(added)
    db.session.commit()
    assert "<title>新增事项 - 办事指南" in client.get("/services/guide/NEW-ITEM-0001").get_data(as_text=True)
    db.session.delete(added)
    db.session.commit()
    assert client.get("/services/guide/NEW-ITEM-0001").status_code == 404


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    "query", ["", "?tab=legal&next=/user/cases%3Fpage%3D2%26x%3D%22%3E%3Cb%3E", "?_l_=en&next=/services/"]
)
def test_the_kept_login_form_is_the_page_rendered_in_full_but_for_the_token(app, db, monkeypatch, query):
    from flask import render_template

    from app.views.portal.auth import _tab_links
    from app.views.portal.forms import LoginForm

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    other = app.test_client()
    other.get("/language/en" if "_l_" not in query else "/language/zh")
    other.get("/account/login?tab=legal")  # another language and kind kept first: nothing of it may show
    other.get("/account/login")
    other_kind = "tab=personal" if "tab=legal" in query else "tab=legal"
    app.test_client().get("/account/login?" + ("_l_=en&" if "_l_" in query else "") + other_kind)  # the other kind
    kept = [app.test_client().get("/account/login" + query).get_data(as_text=True) for _ in range(2)]
    with app.test_request_context("/account/login" + query):
        kind = "legal" if "tab=legal" in query else "personal"
        form = LoginForm(kind=kind)
        full = render_template(
            "portal/account/login.html",
            form=form,
            kind=kind,
            show_captcha=False,
            csrf_input=form.csrf_token(),
            **_tab_links(),
        )
    assert _token(kept[0]) != _token(kept[1])  # each visitor their own token
    for page in kept:
        assert page.replace(_token(page), "TOKEN") == full.replace(_token(full), "TOKEN")
    if "next=" in query:
        assert "next=/user/cases?page%3D2%26x%3D%22%3E%3Cb%3E" in kept[0] or "next=/services/" in kept[0]
        assert "<b>" not in kept[0]


def test_the_kept_login_form_takes_each_visitors_own_token_and_leaves_csrf_enforced(
    app, db, register_person, monkeypatch
):
    person = register_person()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    first, second = app.test_client(), app.test_client()
    first_token = _token(first.get("/account/login").get_data(as_text=True))
    second_token = _token(second.get("/account/login").get_data(as_text=True))
    assert first_token != second_token
    # One visitor's token is worth nothing in another's session; without one the form is refused.
    assert _login(second, person["phone"], person["password"], csrf_token=first_token).status_code == 400
    assert _login(second, person["phone"], person["password"]).status_code == 400
    assert _login(second, person["phone"], person["password"], csrf_token=second_token).status_code == 302
    assert second.get("/user/").status_code == 200
    english = app.test_client()
    english.get("/language/en")
    page = english.get("/account/login?tab=legal").get_data(as_text=True)
    assert "Unified social credit code" in page and 'name="kind" type="hidden" value="legal"' in page
    assert "统一社会信用代码" not in page and _token(page) not in (first_token, second_token)


def test_after_failures_the_login_form_still_asks_for_the_picture_code_in_the_visitors_language(
    app, db, register_person
):
    person = register_person()
    client = app.test_client()
    assert "图形验证码" not in client.get("/account/login").get_data(as_text=True)
    for _ in range(3):
        answer = _login(client, person["document_number"], "Wrong2026pass")
    assert "图形验证码" in answer.get_data(as_text=True) and 'class="captcha-img"' in answer.get_data(as_text=True)
    english = app.test_client()
    english.get("/language/en")
    refused = english.post("/account/login", data={"kind": "personal", "identifier": "1" * 41, "password": ""})
    assert "Field cannot be longer than 40 characters." in refused.get_data(as_text=True)  # WTForms' own message
    refused = client.post("/account/login", data={"kind": "personal", "identifier": "1" * 41, "password": ""})
    assert "字段长度不能超过 40 个字符。" in refused.get_data(as_text=True)  # its catalogue kept per language


def test_a_kept_copy_refuses_a_slot_that_is_not_shown_as_it_is(app, monkeypatch):
    from jinja2 import ChoiceLoader, DictLoader

    from app.views.context import kept_with_slots

    templates = {
        "probe/as_is.html": "<a href=\"{{ back }}\">{{ _('Log in') }}</a>",
        "probe/through_url_for.html": "<a href=\"{{ url_for('auth.login', next=back) }}\">x</a>",
    }
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([DictLoader(templates), app.jinja_env.loader]))
    with app.test_request_context("/"):
        assert (
            kept_with_slots("probe/as_is.html", {"back": '/x?a=1&b="2"'})
            == '<a href="/x?a=1&amp;b=&#34;2&#34;">登录</a>'
        )
        assert kept_with_slots("probe/as_is.html", {"back": "/y"}) == '<a href="/y">登录</a>'
        with pytest.raises(ValueError):
            kept_with_slots("probe/through_url_for.html", {"back": "/x"})
