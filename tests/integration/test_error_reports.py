"""政府网站找错 (manual 图3-1-2): the footer's form, kept for the content editors, with an acknowledgement."""

from app.models import AuditRecord, ErrorReport


def text(response):
    return response.get_data(as_text=True)


def test_the_footer_links_to_the_form_which_names_the_page_the_visitor_came_from(client, db):
    assert 'href="/help/report-error"' in text(client.get("/help/faq"))
    page = text(client.get("/help/report-error", headers={"Referer": "http://localhost/notices/7"}))
    assert "政府网站找错" in page
    assert 'value="http://localhost/notices/7"' in page


def test_a_report_is_kept_for_the_editors_and_acknowledged(client, db):
    response = client.post(
        "/help/report-error",
        data={"page_url": "/help/contact", "description": "邮编写错了，应为100835", "contact": "13712345678"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/help/report-error/received")
    (report,) = db.session.query(ErrorReport).all()
    assert (report.page_url, report.description, report.contact, report.handled) == (
        "/help/contact",
        "邮编写错了，应为100835",
        "13712345678",
        False,
    )
    thanks = text(client.get(response.headers["Location"]))
    assert f"您的报告（编号 {report.id}）已转交网站编辑处理" in thanks and "已收到您的报告" in thanks
    assert db.session.query(AuditRecord).filter_by(event="content.error_reported").count() == 1


def test_an_empty_description_is_asked_for_and_nothing_is_kept(client, db):
    response = client.post("/help/report-error", data={"page_url": "/help/faq", "description": "  ", "contact": ""})
    page = text(response)
    assert response.status_code == 200 and 'value="/help/faq"' in page
    assert "请描述发现的错误" in page or "此项为必填项" in page
    assert 'aria-describedby="description-error"' in page
    assert db.session.query(ErrorReport).count() == 0


def test_a_page_address_must_look_like_one(client, db):
    response = client.post("/help/report-error", data={"page_url": "javascript:alert(1)", "description": "x"})
    assert "请按浏览器地址栏填写页面地址" in text(response)
    assert db.session.query(ErrorReport).count() == 0


def test_content_editors_read_the_reports_in_the_back_office(app, client, db, staff_factory, login_staff):
    db.session.add(ErrorReport(page_url="/notices/3", description="附件打不开", contact=""))
    db.session.commit()
    staff_factory("ContentEditor", username="writer")
    login_staff("writer")
    listing = client.get("/errorreportadminview/list/")
    assert listing.status_code == 200 and "附件打不开" in text(listing)
    staff_factory("AcceptanceOfficer", username="acceptor")
    other = app.test_client()
    other.post("/admin/login/", data={"username": "acceptor", "password": "Staff@2026pass"})
    assert "附件打不开" not in text(other.get("/errorreportadminview/list/"))
