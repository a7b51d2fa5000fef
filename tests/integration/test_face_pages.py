"""人脸识别 pages: the desktop QR page, the phone's mini-program pages, polling and 手动跳转."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from flask_login import login_user

from app.models import Account
from app.services.accounts import face_verification as face
from app.services.accounts.identity_documents import make_resident_id
from app.services.platform.shared_store import get_store
from app.views.portal.face import face_verified_required, local_target, qr_data_url
from app.views.portal.session import SESSION_ID_KEY, session_id

FACE_PAGE = "/face/online_service?next=/user/"


class IsolatedClient(FlaskClient):
    """A browser of its own: each request gets a fresh app context.

    The ``db`` fixture keeps an app context open for the whole test, and a request
    reuses it, so ``g`` (and Flask-Login's cached user) would leak from one client's
    request to another's. The desktop, the phone and the stranger must not share it.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_client(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def signed_in(client, person):
    response = client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    assert response.status_code == 302


def token_of(html: str) -> str:
    return re.search(r'data-status-url="/face/status/([^"]+)"', html).group(1)


def mobile_url_of(html: str) -> str:
    return re.search(r'id="face-qr"[^>]*data-mobile-url="([^"]+)"', html).group(1)


@pytest.fixture
def person(register_person):
    return register_person()


@pytest.fixture
def desktop(app, person):
    """The citizen's computer, signed in."""
    browser = new_client(app)
    signed_in(browser, person)
    return browser


@pytest.fixture
def stranger(app, person, register_person):
    """A second citizen, signed in on a computer of their own."""
    data = register_person(
        document_number=make_resident_id("110105", datetime.date(1991, 2, 3), 21),
        phone="13522223333",
        email="other@example.cn",
    )
    browser = new_client(app)
    signed_in(browser, data)
    return browser


def open_face_page(client, url=FACE_PAGE):
    response = client.get(url)
    assert response.status_code == 200, response.headers.get("Location")
    html = response.get_data(as_text=True)
    return html, token_of(html)


def verify_on_phone(app, token):
    phone = new_client(app)
    assert phone.get(f"/face/m/{token}").status_code == 200
    assert phone.post(f"/face/m/{token}/start").status_code == 200
    response = phone.post(f"/face/m/{token}/complete")
    assert response.status_code == 200
    return response


def test_the_face_page_needs_a_signed_in_citizen(client, db):
    response = client.get(FACE_PAGE)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/login"
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [FACE_PAGE]


def test_unknown_purpose_is_404(desktop):
    assert desktop.get("/face/driving_licence?next=/user/").status_code == 404


def test_page_shows_both_steps_and_three_qr_codes(app, desktop):
    html, token = open_face_page(desktop)
    page = text(desktop.get(FACE_PAGE))
    assert "第一步：使用支付宝或微信打开住房和城乡建设部政务服务门户小程序" in page
    assert "使用支付宝扫一扫功能打开小程序" in page
    assert "使用微信扫一扫功能打开小程序" in page
    assert "第二步：使用住房和城乡建设部政务服务门户小程序扫码完成人脸识别确认" in page
    assert "人脸识别成功后，页面会自动跳转，如果未能自动跳转，请于4秒后点击【手动跳转】" in page
    site = app.config["PORTAL_SITE"]
    assert site["peak_hours_advice"] in page
    assert f"技术支持电话：{site['support_phone']}" in page and f"电子邮箱： {site['support_email']}" in page
    assert "【手动跳转】" in page and "注：如扫码无反应，可将页面放大后重新尝试" in page

    images = re.findall(r'<img class="qr-code"[^>]*src="([^"]+)"', html)
    assert len(images) == 3 and all(src.startswith("data:image/svg+xml;base64,") for src in images)
    # Each code is a real QR code of its URL, made locally.
    mobile_url = mobile_url_of(html)
    assert mobile_url == f"http://localhost/face/m/{token}"
    assert qr_data_url(mobile_url) in images
    assert qr_data_url("http://localhost/face/mini-program/alipay") in images
    assert qr_data_url("http://localhost/face/mini-program/wechat") in images
    assert f'id="face-mobile-link" href="{mobile_url}" hidden' in html
    # Nothing is loaded from another host.
    assert not re.search(r'(src|href)="(https?:)?//', html.replace(mobile_url, ""))
    assert re.search(r'<button[^>]*id="manual-jump"[^>]*disabled', html)
    assert 'data-manual-seconds="4"' in html and 'data-poll-seconds="2"' in html
    assert "/static/js/face.js" in html


def test_the_page_speaks_english_too(desktop):
    desktop.get("/language/en")
    page = text(desktop.get(FACE_PAGE))
    assert "Step 1: use Alipay or WeChat to open the 住房和城乡建设部政务服务门户 mini-program" in page
    assert "click [Continue manually] after 4 seconds" in page  # English brackets, not 【】


def test_each_visit_starts_a_token_for_the_account(desktop, person, db):
    html, token = open_face_page(desktop)
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    assert face.status(token, account.id) == "pending"
    assert token_of(desktop.get(FACE_PAGE).get_data(as_text=True)) != token
    assert desktop.get(f"/face/status/{token}").get_json() == {"state": "pending"}


def test_the_phone_flow_verifies_and_the_desktop_moves_on(app, desktop, person, db):
    html, token = open_face_page(desktop)
    phone = new_client(app)

    apply = phone.get(f"/face/m/{token}")
    assert apply.status_code == 200
    assert apply.headers["Cache-Control"] == "no-store" and apply.headers["Referrer-Policy"] == "no-referrer"
    assert "住房和城乡建设部政务服务门户 申请使用" in text(apply)
    assert "下一步" in text(apply)
    assert "人脸识别功能验证你的身份信息，请确保为本人操作" in text(apply)
    assert f'action="/face/m/{token}/start"' in apply.get_data(as_text=True)
    assert 'name="csrf_token"' in apply.get_data(as_text=True)
    assert "portal.css" not in apply.get_data(as_text=True), "the phone page has its own small layout"
    assert desktop.get(f"/face/status/{token}").get_json() == {"state": "scanned"}

    liveness = phone.post(f"/face/m/{token}/start")
    assert "请正对手机屏幕，保持面部清晰" in text(liveness)
    assert f'action="/face/m/{token}/complete"' in liveness.get_data(as_text=True)
    assert 'data-auto-submit-after="2000"' in liveness.get_data(as_text=True)
    assert desktop.get(f"/face/status/{token}").get_json()["state"] == "scanned"

    done = phone.post(f"/face/m/{token}/complete")
    page = text(done)
    assert "身份验证" in page and "认证成功" in page
    assert "恭喜你，完成了身份验证" in page and "返回 (2)" in page

    assert desktop.get(f"/face/status/{token}").get_json() == {
        "state": "verified",
        "redirect": f"/face/continue/{token}",
    }
    response = desktop.get(f"/face/continue/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "/user/"
    with desktop.session_transaction() as browser_session:
        session_id = browser_session[SESSION_ID_KEY]
    assert face.is_verified(session_id, face.ONLINE_SERVICE)
    assert not face.is_verified(session_id, face.MY_CERTIFICATES)
    # Verified for a few minutes, in this session and for this purpose: the face page goes straight on.
    again = desktop.get("/face/online_service?next=/user/settings")
    assert again.status_code == 302 and again.headers["Location"] == "/user/settings"
    assert desktop.get("/face/my_certificates?next=/user/").status_code == 200


def test_a_used_code_shows_the_invalid_page(app, desktop):
    _, token = open_face_page(desktop)
    verify_on_phone(app, token)
    phone = new_client(app)
    for response in (
        phone.get(f"/face/m/{token}"),
        phone.post(f"/face/m/{token}/start"),
        phone.post(f"/face/m/{token}/complete"),
    ):
        assert response.status_code == 410
        assert "二维码无效或已过期" in text(response)
        assert "请刷新电脑上的人脸识别页面" in text(response)


def test_an_expired_or_unknown_code_shows_the_invalid_page(app, desktop):
    _, token = open_face_page(desktop)
    get_store().delete(f"face:token:{token}")
    phone = new_client(app)
    for url in (f"/face/m/{token}", "/face/m/made-up-token"):
        response = phone.get(url)
        assert response.status_code == 410 and "二维码无效或已过期" in text(response)
    assert phone.post(f"/face/m/{token}/complete").status_code == 410
    assert desktop.get(f"/face/status/{token}").get_json() == {"state": "expired"}


def test_only_the_account_that_started_may_poll_or_continue(app, desktop, stranger):
    _, token = open_face_page(desktop)
    response = stranger.get(f"/face/status/{token}")
    assert response.status_code == 403 and response.get_json() == {"state": "forbidden"}
    assert stranger.get(f"/face/continue/{token}").status_code == 403
    assert new_client(app).get(f"/face/status/{token}").status_code == 403
    verify_on_phone(app, token)
    assert stranger.get(f"/face/status/{token}").status_code == 403
    assert stranger.get(f"/face/continue/{token}").status_code == 403
    assert desktop.get(f"/face/continue/{token}").headers["Location"] == "/user/"


def test_continue_goes_back_to_the_face_page_until_verified(desktop):
    _, token = open_face_page(desktop)
    response = desktop.get(f"/face/continue/{token}?purpose=online_service&next=/user/")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/face/online_service" and parse_qs(location.query)["next"] == ["/user/"]
    page = text(desktop.get(response.headers["Location"]))
    assert "人脸识别尚未完成" in page


def test_continue_with_an_expired_code_starts_again(desktop):
    _, token = open_face_page(desktop, "/face/my_certificates?next=/user/settings")
    get_store().delete(f"face:token:{token}")
    response = desktop.get(f"/face/continue/{token}?purpose=my_certificates&next=/user/settings")
    location = urlsplit(response.headers["Location"])
    assert location.path == "/face/my_certificates" and parse_qs(location.query)["next"] == ["/user/settings"]
    assert "二维码已过期，已为您生成新的二维码" in text(desktop.get(response.headers["Location"]))


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/face/online_service",
        "",
    ],
)
def test_next_cannot_leave_the_site(app, desktop, target):
    _, token = open_face_page(desktop, "/face/online_service?next=" + target.replace("\\", "%5C"))
    verify_on_phone(app, token)
    assert desktop.get(f"/face/continue/{token}").headers["Location"] == "/user/"


def test_local_target_keeps_paths_and_queries(app):
    with app.test_request_context():
        assert local_target("/user/settings?edit=phone") == "/user/settings?edit=phone"
        assert local_target("/\tevil") == "/user/"
        assert local_target(None) == "/user/"


def test_the_mini_program_stand_in_pages(client, db):
    for channel, label in (("alipay", "支付宝小程序"), ("wechat", "微信小程序")):
        response = client.get(f"/face/mini-program/{channel}")
        assert response.status_code == 200 and label in text(response)
    assert client.get("/face/mini-program/weibo").status_code == 404


def test_phone_forms_are_csrf_protected(app, desktop, monkeypatch):
    _, token = open_face_page(desktop)
    phone = new_client(app)
    html = phone.get(f"/face/m/{token}").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert phone.post(f"/face/m/{token}/start").status_code == 400
    assert phone.post(f"/face/m/{token}/start", data={"csrf_token": csrf_token}).status_code == 200


def test_face_verified_required_sends_unverified_citizens_to_the_face_page(app, person, db):
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()

    @face_verified_required(face.MY_CERTIFICATES)
    def certificates():
        return "certificates"

    with app.app_context(), app.test_request_context("/user/certificates?page=2"):
        anonymous = certificates()
        assert urlsplit(anonymous.headers["Location"]).path == "/account/login"
    with app.app_context(), app.test_request_context("/user/certificates?page=2"):
        login_user(account)
        response = certificates()
        location = urlsplit(response.headers["Location"])
        assert location.path == "/face/my_certificates"
        assert parse_qs(location.query)["next"] == ["/user/certificates?page=2"]
        session = face.start(account.id, face.MY_CERTIFICATES, "/user/certificates?page=2", session_id=session_id())
        face.complete(session.token)
        assert certificates() == "certificates"
    with pytest.raises(ValueError):
        face_verified_required("anything")


def pass_on_desktop(app, desktop, url=FACE_PAGE):
    _, token = open_face_page(desktop, url)
    verify_on_phone(app, token)
    assert desktop.get(f"/face/continue/{token}").status_code == 302


def test_a_passed_check_is_forgotten_at_sign_out(app, desktop, person):
    pass_on_desktop(app, desktop)
    assert desktop.get(FACE_PAGE).status_code == 302, "passed: the face page goes straight on"
    desktop.post("/account/logout")
    signed_in(desktop, person)
    assert desktop.get(FACE_PAGE).status_code == 200, "signed in again: the check is asked again"
    elsewhere = new_client(app)
    signed_in(elsewhere, person)
    assert elsewhere.get(FACE_PAGE).status_code == 200, "another browser: asked again"


def test_a_passed_check_belongs_to_its_browser_session(app, desktop, person):
    elsewhere = new_client(app)
    signed_in(elsewhere, person)
    pass_on_desktop(app, desktop)
    assert elsewhere.get(FACE_PAGE).status_code == 200


def test_a_check_for_one_purpose_does_not_open_the_other(app, desktop):
    pass_on_desktop(app, desktop, "/face/my_certificates?next=/user/")
    assert desktop.get("/face/my_certificates?next=/user/").status_code == 302
    assert desktop.get(FACE_PAGE).status_code == 200


def test_a_passed_check_lasts_the_configured_minutes(app, desktop, monkeypatch):
    pass_on_desktop(app, desktop)
    with desktop.session_transaction() as browser_session:
        session_id = browser_session[SESSION_ID_KEY]
    with app.app_context():
        assert 0 < get_store().ttl(f"face:ok:{session_id}:online_service") <= 5 * 60
    monkeypatch.setitem(app.config, "FACE_CHECK_VALID_MINUTES", 2)
    pass_on_desktop(app, desktop, "/face/my_certificates?next=/user/")
    with app.app_context():
        assert 0 < get_store().ttl(f"face:ok:{session_id}:my_certificates") <= 2 * 60
