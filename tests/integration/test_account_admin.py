"""Back office of accounts: masked lists, search, audit trail, SMS outbox, roles."""

import datetime
from html import unescape

import pytest

from app import clock
from app.models import Account, AuditRecord
from app.services.accounts.login import unlock_accounts
from app.services.errors import ServiceError
from app.services.unit_of_work import unit_of_work


def test_account_list_masks_numbers(client, db, register_person, staff_factory, login_staff):
    person = register_person()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    html = client.get("/portalaccountadminview/list/").get_data(as_text=True)
    assert "刘德明" in html
    assert person["document_number"] not in html and person["phone"] not in html
    assert person["phone"][:3] + "****" + person["phone"][-4:] in html


def test_search_by_phone_suffix(client, db, register_person, staff_factory, login_staff):
    person = register_person()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    # FAB filter: phone "ends with" (index of FilterEndsWith in the string filters)
    html = client.get("/portalaccountadminview/list/?_flt_2_phone=" + person["phone"][-4:]).get_data(as_text=True)
    assert "刘德明" in html
    html = client.get("/portalaccountadminview/list/?_flt_2_phone=0000").get_data(as_text=True)
    assert "刘德明" not in html


def test_staff_are_not_listed_as_portal_accounts(client, db, register_person, staff_factory, login_staff):
    register_person()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    html = client.get("/portalaccountadminview/list/").get_data(as_text=True)
    assert html.count('name="rowid"') == 1, "one citizen, no staff"
    assert "个人用户" in html and "正常" in html


def test_audit_and_outbox_are_visible_to_the_account_officer(client, db, register_person, staff_factory, login_staff):
    register_person()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    audit = client.get("/auditrecordadminview/list/").get_data(as_text=True)
    assert "账号注册" in audit  # the event in words, not its code (account.registered)
    outbox = client.get("/smsoutboxadminview/list/").get_data(as_text=True)
    assert "验证码" in outbox


def test_content_editor_cannot_see_accounts(client, db, staff_factory, login_staff):
    staff_factory("ContentEditor", username="writer")
    login_staff("writer")
    for url in ("/portalaccountadminview/list/", "/auditrecordadminview/list/", "/smsoutboxadminview/list/"):
        assert client.get(url).status_code == 403, url


def test_an_audit_records_detail_reads_as_text(client, db, register_person, staff_factory, login_staff):
    register_person()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    record = db.session.query(AuditRecord).filter_by(event="account.registered").one()
    assert record.detail == {"kind": "personal"}
    page = unescape(client.get(f"/auditrecordadminview/show/{record.id}").get_data(as_text=True))
    assert '{"kind": "personal"}' in page and "{'kind'" not in page


def test_unlocking_several_accounts_is_one_unit_of_work(db, staff_factory):
    officer = staff_factory("AccountOfficer", username="officer")
    locked = []
    for n in range(2):
        account = Account(
            kind="personal",
            username=f"locked-{n}",
            first_name="锁",
            last_name=str(n),
            real_name=f"锁定{n}",
            email=f"locked-{n}@accounts.portal.invalid",
            active=True,
            fail_login_count=3,
            locked_until=clock.now() + datetime.timedelta(minutes=30),
        )
        db.session.add(account)
        locked.append(account)
    db.session.commit()
    ids = [account.id for account in locked]

    with pytest.raises(ServiceError), unit_of_work():
        unlock_accounts(locked, actor=officer, ip="10.0.0.1")
        raise ServiceError(message="refused after the first step")
    db.session.expire_all()
    assert all(db.session.get(Account, i).locked_until is not None for i in ids)
    assert db.session.query(AuditRecord).filter_by(event="account.unlocked").count() == 0

    with unit_of_work():
        assert unlock_accounts([db.session.get(Account, i) for i in ids], actor=officer, ip="10.0.0.1") == 2
    db.session.expire_all()
    for i in ids:
        account = db.session.get(Account, i)
        assert account.locked_until is None and account.fail_login_count == 0
    records = db.session.query(AuditRecord).filter_by(event="account.unlocked").all()
    assert sorted(r.account_id for r in records) == sorted(ids)
    assert {(r.actor_id, r.ip_address) for r in records} == {(officer.id, "10.0.0.1")}


def test_the_unlock_action_cannot_reach_a_staff_account(client, db, staff_factory, login_staff):
    """FAB's single-record and list actions load by id; the view's filter (portal accounts only) must hold."""
    admin = staff_factory("Admin", username="chief")
    admin.locked_until = clock.now() + datetime.timedelta(minutes=30)
    db.session.commit()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    assert client.post(f"/portalaccountadminview/action/unlock/{admin.id}").status_code == 404
    for too_big in (2**31, 2**63):
        assert client.post(f"/portalaccountadminview/action/unlock/{too_big}").status_code == 404
    response = client.post("/portalaccountadminview/action_post", data={"action": "unlock", "rowid": [str(admin.id)]})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Account, admin.id).locked_until is not None
    assert db.session.query(AuditRecord).filter_by(event="account.unlocked").count() == 0


def test_the_unlock_action_still_unlocks_a_portal_account_by_id(
    client, db, register_person, staff_factory, login_staff
):
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    account.locked_until = clock.now() + datetime.timedelta(minutes=30)
    db.session.commit()
    staff_factory("AccountOfficer", username="officer")
    login_staff("officer")
    assert client.post(f"/portalaccountadminview/action/unlock/{account.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Account, account.id).locked_until is None


@pytest.mark.parametrize("role", ["AccountOfficer", "ContentEditor", "ReviewOfficer", "Statistician"])
def test_every_staff_member_can_change_their_own_password(app, client, db, staff_factory, login_staff, role):
    user = staff_factory(role, username="self-service")
    login_staff("self-service")
    assert client.get("/users/userinfo/").status_code == 200
    response = client.post(f"/users/action/resetmypassword/{user.id}")
    assert response.status_code == 302 and "/resetmypassword/form" in response.headers["Location"]
    assert client.get("/resetmypassword/form").status_code == 200
    response = client.post(
        "/resetmypassword/form", data={"password": "Changed2026pass", "conf_password": "Changed2026pass"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert app.appbuilder.sm.auth_user_db("self-service", "Changed2026pass") is not None


def test_a_staff_password_follows_the_portal_policy(app, client, db, staff_factory, login_staff):
    staff_factory("Statistician", username="self-service")
    login_staff("self-service")
    response = client.post("/resetmypassword/form", data={"password": "password1", "conf_password": "password1"})
    assert response.status_code == 200 and "过于常见" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert app.appbuilder.sm.auth_user_db("self-service", "password1") is None
