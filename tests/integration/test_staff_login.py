"""Staff sign-in at /admin/login/ under the citizens' rules (issue 14, items 5 and 6)."""

import re

from app.models import Account, AuditRecord


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def staff_login(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        "/admin/login/",
        data={"username": username, "password": password, **extra},
        environ_base={"REMOTE_ADDR": address},
    )


def test_picture_code_after_three_failures(client, db, staff_factory, known_captcha, new_captcha_id):
    staff_factory("ReviewOfficer", username="reviewer1")
    for _ in range(3):
        response = staff_login(client, "reviewer1", "Wrong2026pass")
    assert response.status_code == 200 and "图形验证码" in text(response)
    response = staff_login(client, "reviewer1", "Staff@2026pass")
    assert response.status_code == 200 and "请输入图片中的字符" in text(response)
    response = staff_login(
        client, "reviewer1", "Staff@2026pass", captcha=known_captcha, captcha_id=new_captcha_id(client)
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_lock_out_after_five_failures_from_five_addresses(client, db, staff_factory, known_captcha, new_captcha_id):
    """Six wrong passwords from six addresses, then the right one, used to sign in."""
    staff = staff_factory("Admin", username="chief")
    for n in range(5):
        staff_login(
            client, "chief", "Wrong2026pass", f"10.0.1.{n}", captcha=known_captcha, captcha_id=new_captcha_id(client)
        )
    db.session.expire_all()
    assert db.session.get(Account, staff.id).locked_until is not None
    response = staff_login(
        client, "chief", "Staff@2026pass", "10.0.1.9", captcha=known_captcha, captcha_id=new_captcha_id(client)
    )
    assert response.status_code == 200 and "锁定" in text(response)
    assert client.get("/admin/").status_code == 302
    events = [event for (event,) in db.session.query(AuditRecord.event).filter_by(account_id=staff.id)]
    assert events.count("login.failure") == 5 and events.count("login.locked") == 2


def test_sign_ins_are_audited(client, db, staff_factory):
    staff = staff_factory("Statistician", username="counter1")
    assert staff_login(client, "counter1", "Staff@2026pass").status_code == 302
    record = db.session.query(AuditRecord).filter_by(event="login.success", account_id=staff.id).one()
    assert record.ip_address == "10.0.0.1"


def test_an_unknown_staff_name_gets_the_same_answer(app, db, staff_factory):
    staff_factory("Statistician", username="counter1")
    known, unknown = app.test_client(), app.test_client()
    assert text(staff_login(known, "counter1", "Wrong2026pass")) == text(
        staff_login(unknown, "nobody", "Wrong2026pass")
    )


def test_the_address_limit_counts_failures_only(app, db, staff_factory):
    """An office behind one address signs in all day; ten failures make that address wait."""
    staff_factory("Statistician", username="counter1")
    for _ in range(15):
        assert staff_login(app.test_client(), "counter1", "Staff@2026pass").status_code == 302
    for n in range(10):
        assert staff_login(app.test_client(), f"guess{n}", "Wrong2026pass").status_code == 200
    response = staff_login(app.test_client(), "counter1", "Staff@2026pass")
    assert response.status_code == 200 and "该地址登录失败次数过多" in text(response)
    assert staff_login(app.test_client(), "counter1", "Staff@2026pass", address="10.0.0.2").status_code == 302


def test_a_deactivated_staff_member_cannot_sign_in(client, db, staff_factory):
    staff = staff_factory("Statistician", username="gone1")
    staff.active = False
    db.session.commit()
    assert staff_login(client, "gone1", "Staff@2026pass").status_code == 200
    assert client.get("/admin/").status_code == 302
