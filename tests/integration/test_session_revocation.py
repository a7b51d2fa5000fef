"""Sessions that end (issue 14 item 3): sign-out, a password change or reset, cancellation and an
administrator's lock end EVERY session of the account at once, a copied session cookie included."""

import pytest

from app.models import Account


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def portal_login(client, person):
    response = client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    assert response.status_code == 302


def signed_in_to_portal(client) -> bool:
    return client.get("/user/").status_code == 200


def signed_in_to_back_office(client) -> bool:
    response = client.get("/users/userinfo/")
    return response.status_code == 200


@pytest.fixture
def person(register_person):
    return register_person()


def test_portal_sign_out_ends_a_copied_session(app, client, db, person):
    portal_login(client, person)
    copy = copy_of(app, client)
    assert signed_in_to_portal(copy)
    client.post("/account/logout")
    assert not signed_in_to_portal(client)
    assert not signed_in_to_portal(copy)


def test_sign_out_ends_the_sessions_of_other_browsers(app, client, db, person):
    portal_login(client, person)
    elsewhere = app.test_client()
    portal_login(elsewhere, person)
    client.post("/account/logout")
    assert not signed_in_to_portal(elsewhere)


def test_a_password_change_ends_every_other_session(app, client, db, person):
    portal_login(client, person)
    copy = copy_of(app, client)
    response = client.post(
        "/user/settings",
        data={
            "action": "password",
            "password-current_password": person["password"],
            "password-new_password": "Renewed2026pass",
            "password-password_confirm": "Renewed2026pass",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert signed_in_to_portal(client), "the browser that changed the password stays signed in"
    assert not signed_in_to_portal(copy)


def test_an_administrators_lock_ends_the_staff_members_sessions(app, client, db, staff_factory, login_staff):
    staff = staff_factory("Statistician", username="clerk")
    login_staff("clerk")
    copy = copy_of(app, client)
    assert signed_in_to_back_office(copy)
    staff.active = False
    db.session.commit()
    assert not signed_in_to_back_office(copy)
    staff.active = True  # unlocked again: the old sessions stay ended
    db.session.commit()
    assert not signed_in_to_back_office(copy)


def test_a_staff_password_change_ends_the_other_sessions(app, client, db, staff_factory, login_staff):
    user = staff_factory("Statistician", username="self-service")
    login_staff("self-service")
    copy = copy_of(app, client)
    client.post(f"/users/action/resetmypassword/{user.id}")
    response = client.post(
        "/resetmypassword/form", data={"password": "Changed2026pass", "conf_password": "Changed2026pass"}
    )
    assert response.status_code == 302
    assert signed_in_to_back_office(client)
    assert not signed_in_to_back_office(copy)


def test_staff_sign_out_is_a_post_that_ends_every_session(app, client, db, staff_factory, login_staff):
    staff_factory("Statistician", username="clerk")
    login_staff("clerk")
    copy = copy_of(app, client)
    assert client.get("/admin/logout/").status_code == 405
    assert signed_in_to_back_office(client), "a GET (a link, an image) does not sign out"
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not signed_in_to_back_office(client)
    assert not signed_in_to_back_office(copy)


def test_the_back_office_menu_signs_out_with_a_form(client, db, staff_factory, login_staff):
    staff_factory("Statistician", username="clerk")
    login_staff("clerk")
    html = client.get("/users/userinfo/").get_data(as_text=True)
    assert 'method="post" action="/admin/logout/"' in html
    assert 'href="/admin/logout/"' not in html


def test_staff_sign_out_is_csrf_protected(app, client, db, staff_factory, login_staff, monkeypatch):
    staff_factory("Statistician", username="clerk")
    login_staff("clerk")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/admin/logout/").status_code == 400
    assert signed_in_to_back_office(client)


def test_cancellation_ends_a_copied_session(app, client, db, person):
    from app.services.accounts.recovery import cancel_account

    portal_login(client, person)
    copy = copy_of(app, client)
    cancel_account(db.session.query(Account).filter_by(phone=person["phone"]).one())
    db.session.commit()
    assert not signed_in_to_portal(copy)


def test_a_password_reset_ends_a_copied_session(app, client, db, person):
    from app.services.accounts.recovery import reset_password

    portal_login(client, person)
    copy = copy_of(app, client)
    reset_password(db.session.query(Account).filter_by(phone=person["phone"]).one(), "Recovered2026pass")
    db.session.commit()
    assert not signed_in_to_portal(copy)
