"""An officer stays in the back office: a refused page keeps its shell, a return for correction lands on 我的待办."""

from app.models import Application
from tests.factories import ApplicationFactory


def test_a_refused_page_shows_the_back_office_with_the_officer_signed_in(client, staff_factory, login_staff):
    staff_factory("Statistician", username="tjy001")  # first name 测试, last name 员工1
    login_staff("tjy001")
    response = client.get("/users/list/")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "您没有权限访问此页面。" in html
    assert "测试员工1" in html  # who is signed in
    assert 'id="back-to-desk"' in html and 'href="/admin/"' in html
    assert 'id="admin-logout-button"' in html  # the back office's own menu, with its sign-out
    assert 'id="register-link"' not in html and "【注册】" not in html  # not the public site's 登录/注册


def test_a_stranger_still_gets_the_portals_page(client):
    html = client.get("/no-such-page").get_data(as_text=True)
    assert 'id="back-to-desk"' not in html


def test_after_a_return_for_correction_the_officer_lands_on_my_queue(client, db, staff_factory, login_staff):
    case = ApplicationFactory(status="submitted", data={"school": "同济大学"})
    db.session.commit()
    staff_factory("AcceptanceOfficer", username="slr001")
    login_staff("slr001")
    response = client.post(
        f"/admin/cases/{case.id}/return",
        data={"reason": "毕业院校填写有误", "flag_field_school": "1", "defect_field_school": "请填写全称"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/workflow/"
    assert db.session.get(Application, case.id).status == "returned"
