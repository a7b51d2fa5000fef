"""The staff back office under /admin: login, FAQ and settings CRUD, roles."""

from app.models import FaqEntry, SiteSetting


def test_back_office_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/login/")


def test_admin_login_page_is_chinese(client):
    html = client.get("/admin/login/").get_data(as_text=True)
    assert "工作人员登录" in html
    assert "recaptcha" not in html.lower()


def test_admin_signs_in_and_sees_the_back_office(client, staff_factory, login_staff):
    staff_factory("Admin", username="boss")
    response = login_staff("boss")
    assert response.status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    assert "管理后台" in html
    assert "门户内容" in html


def test_wrong_password_is_refused(client, staff_factory, login_staff):
    staff_factory("Admin", username="boss")
    login_staff("boss", password="wrong-password")
    assert client.get("/admin/").status_code == 302


def test_admin_edits_a_faq_entry(client, db, staff_factory, login_staff):
    staff_factory("Admin", username="boss")
    login_staff("boss")
    entry = db.session.query(FaqEntry).order_by(FaqEntry.position).first()
    listing = client.get("/faqentryadminview/list/")
    assert listing.status_code == 200
    assert "个人账号登录不进去是什么原因" in listing.get_data(as_text=True)
    response = client.post(
        f"/faqentryadminview/edit/{entry.id}",
        data={
            "position": "1",
            "question": "修改后的问题",
            "location": "登录界面",
            "answer": "修改后的处理方法",
            "published": "y",
        },
    )
    assert response.status_code == 302
    assert "修改后的问题" in client.get("/help/faq").get_data(as_text=True)


def test_content_editor_manages_content_but_not_accounts(client, db, staff_factory, login_staff):
    staff_factory("ContentEditor", username="writer")
    login_staff("writer")
    assert client.get("/faqentryadminview/list/").status_code == 200
    setting = db.session.query(SiteSetting).filter_by(key="support_email").one()
    response = client.post(f"/sitesettingadminview/edit/{setting.id}", data={"value": "help@example.cn"})
    assert response.status_code == 302
    assert "help@example.cn" in client.get("/help/contact").get_data(as_text=True)
    assert 'href="mailto:help@example.cn"' in client.get("/query/people").get_data(as_text=True)  # every footer
    assert client.get("/users/list/").status_code == 403
    assert client.get("/roles/list/").status_code == 403


def test_settings_cannot_be_added_or_deleted(client, db, staff_factory, login_staff):
    staff_factory("Admin", username="boss")
    login_staff("boss")
    setting = db.session.query(SiteSetting).first()
    assert client.get("/sitesettingadminview/add").status_code == 403
    client.post(f"/sitesettingadminview/delete/{setting.id}")
    assert db.session.get(SiteSetting, setting.id) is not None


def test_anonymous_cannot_reach_crud(client):
    assert client.get("/faqentryadminview/list/").status_code == 302
    assert client.get("/users/list/").status_code == 302
