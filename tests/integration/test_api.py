"""REST API /api/v1: public queries, agencies' clients (scopes, data scope, rates, audit), problem details,
cursors, ETags, webhooks and the back office's clients."""

import datetime
import hashlib
import hmac
import http.server
import json
import threading

import pytest
import time_machine
from sqlalchemy import select

from app import clock
from app.masking import mask_name
from app.models import ApiClient, AuditRecord, InboxMessage, WebhookDelivery
from app.services.api import clients, webhooks
from app.services.cases import workflow
from app.services.certificates import lifecycle
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    EnterpriseQualificationFactory,
    PersonRegistrationFactory,
    uscc,
)

BEIJING_USCC = uscc(1, "110105")
GUANGDONG_USCC = uscc(2, "440300")


def bearer(credentials) -> dict:
    return {"Authorization": f"Bearer {credentials.token}"}


@pytest.fixture
def make_client(db):
    def make(scopes="registers:read cases:read cases:write certificates:read", **settings):
        client, credentials = clients.create_client("省级政务服务平台", scopes, **settings)
        db.session.commit()
        return client, credentials

    return make


@pytest.fixture
def generous(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_PUBLIC_PER_MINUTE", 10_000)


def problem_of(response) -> dict:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return response.get_json()


# --- the specification and its viewer ------------------------------------------------------------


def test_the_specification_is_served_and_describes_every_endpoint_in_chinese_and_english(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operations = [op for path in spec["paths"].values() for method, op in path.items() if method != "parameters"]
    assert len(operations) == 10
    for operation in operations:
        summary = operation["summary"]
        assert " / " in summary and any("\u4e00" <= ch <= "\u9fff" for ch in summary), summary
    assert spec["paths"]["/api/v1/cases"]["get"]["security"] == [{"bearerAuth": []}]
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(error) == ["application/problem+json"]


def test_the_documentation_page_loads_its_viewer_from_this_portal_only(client, db):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/openapi.json" in page and "/static/appbuilder/js/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page
    assert client.get("/static/appbuilder/js/swagger-ui-bundle.js").status_code == 200


# --- public queries ---------------------------------------------------------------------------------


def test_persons_by_registration_number_and_by_name_within_a_province(client, db, generous):
    beijing = PersonRegistrationFactory(holder_name="张建国", employer_uscc=BEIJING_USCC)
    PersonRegistrationFactory(holder_name="张建军", employer_uscc=GUANGDONG_USCC)
    db.session.commit()
    by_number = client.get(
        "/api/v1/registers/persons", query_string={"registration_number": beijing.registration_number}
    )
    [hit] = by_number.get_json()["items"]
    assert hit["name"] == "张建国" and hit["province"] == "北京市" and hit["status"] == "valid"
    assert hit["document"] != beijing.holder_document_number and "*" in hit["document"]
    by_name = client.get("/api/v1/registers/persons", query_string={"name": "张建", "province": "广东省"}).get_json()
    assert [h["name"] for h in by_name["items"]] == ["张建军"] and by_name["next_cursor"] is None
    refused = client.get("/api/v1/registers/persons")
    assert refused.status_code == 422 and "name" in problem_of(refused)["errors"]


def test_a_person_record_carries_an_etag_and_answers_304_while_unchanged(client, db, generous):
    registration = PersonRegistrationFactory(holder_name="李明")
    db.session.commit()
    url = f"/api/v1/registers/persons/{registration.registration_number}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"].startswith('"')
    assert first.get_json()["registrations"][0]["registration_number"] == registration.registration_number
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == first.headers["ETag"]
    registration.employer_name = "另一建设集团"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert client.get("/api/v1/registers/persons/NOSUCH1").status_code == 404


def test_enterprises_page_by_cursor_without_gaps_or_repeats(client, db, generous):
    for n in range(5):
        EnterpriseQualificationFactory(enterprise_name=f"示范建设{n}公司", uscc=uscc(100 + n))
    db.session.commit()
    seen, cursor, pages = [], None, 0
    while True:
        query = {"name": "示范建设", "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/registers/enterprises", query_string=query).get_json()
        seen += [item["name"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and seen == [f"示范建设{n}公司" for n in range(5)]
    record = client.get(f"/api/v1/registers/enterprises/{uscc(102)}")
    assert record.get_json()["qualifications"][0]["grade"] == "一级" and record.headers["ETag"]


def test_errors_are_problem_details_in_chinese_or_in_english_when_asked(client, db, generous):
    forged = client.get("/api/v1/registers/enterprises", query_string={"name": "示范", "cursor": "bm90LWEtY3Vyc29y"})
    body = problem_of(forged)
    assert forged.status_code == 422 and body["title"] == "参数有误" and body["status"] == 422
    assert body["errors"]["cursor"] == ["该游标不是接口返回的游标"]
    english = client.get("/api/v1/registers/persons/NOSUCH1", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert problem_of(english)["title"] == "Not found"
    assert problem_of(client.get("/api/v1/registers/persons/NOSUCH1"))["title"] == "未找到"
    assert problem_of(client.get("/api/v1/no-such-endpoint"))["type"] == "/api/v1/problems/not-found"
    assert client.post("/api/v1/registers/persons").status_code == 405


def test_certificate_verification_gives_the_verification_pages_answer_with_the_sm2_signature(client, db, generous):
    account = AccountFactory(real_name="王建平")
    registration = PersonRegistrationFactory(holder_name="王建平", holder_document_number=account.document_number)
    certificate = lifecycle.issue_for(registration)
    endorsement = lifecycle.endorse(account, certificate, "bidding")
    db.session.commit()
    body = client.get(f"/api/v1/certificates/verify/{endorsement.public_code}").get_json()
    page = lifecycle.verify_code(endorsement.public_code)
    assert (body["valid"], body["authentic"], body["verdict"]) == (True, True, page.verdict)
    assert (
        body["certificate"]["holder_name"] == mask_name("王建平") != "王建平"
        and body["certificate"]["number"] == certificate.number
    )
    assert body["signature"]["value"] == endorsement.signature and body["signature"]["key_id"] == endorsement.key_id
    assert body["signature"]["public_key"].startswith("04") and len(body["signature"]["public_key"]) == 130
    assert client.get("/api/v1/certificates/verify/unknown-code").status_code == 404


def test_case_progress_needs_the_number_and_the_applicants_name(client, db, generous):
    case = ApplicationFactory(account=AccountFactory(real_name="赵志刚"), status="accepted")
    db.session.commit()
    found = client.get("/api/v1/cases/progress", query_string={"number": case.number, "applicant": "赵志刚"})
    assert found.status_code == 200 and found.get_json()["status"] == "accepted"
    assert found.get_json()["applicant"] != "赵志刚"
    wrong = client.get("/api/v1/cases/progress", query_string={"number": case.number, "applicant": "赵志强"})
    assert wrong.status_code == 404


def test_public_calls_are_limited_per_address(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_PUBLIC_PER_MINUTE", 3)
    codes = [client.get("/api/v1/registers/persons/NOSUCH1").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    limited = client.get("/api/v1/registers/persons/NOSUCH1")
    assert problem_of(limited)["title"] == "请求过于频繁" and limited.headers["Retry-After"] == "60"


# --- agencies ----------------------------------------------------------------------------------------


def _cases(db):
    beijing = ApplicationFactory(status="submitted", province="北京市")
    guangdong = ApplicationFactory(status="accepted", province="广东省")
    db.session.commit()
    return beijing, guangdong


def test_cases_need_a_token_with_cases_read(client, db, make_client):
    _cases(db)
    _client, readers = make_client("registers:read")
    no_token = client.get("/api/v1/cases")
    assert no_token.status_code == 401 and no_token.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer pc_0000000000000000.nope"}).status_code == 401
    forbidden = client.get("/api/v1/cases", headers=bearer(readers))
    assert forbidden.status_code == 403 and problem_of(forbidden)["title"] == "无权调用"


def test_a_client_of_one_province_sees_only_its_provinces_cases(client, db, make_client):
    beijing, guangdong = _cases(db)
    _client, credentials = make_client(case_province="北京市")
    listed = client.get("/api/v1/cases", headers=bearer(credentials)).get_json()
    assert [case["number"] for case in listed["items"]] == [beijing.number]
    assert client.get(f"/api/v1/cases/{beijing.number}", headers=bearer(credentials)).status_code == 200
    assert client.get(f"/api/v1/cases/{guangdong.number}", headers=bearer(credentials)).status_code == 404
    _all, everywhere = make_client()
    assert len(client.get("/api/v1/cases", headers=bearer(everywhere)).get_json()["items"]) == 2


def test_cases_by_item_and_status_page_by_cursor(client, db, make_client):
    cases = [ApplicationFactory(status="accepted", province="北京市") for _ in range(3)]
    ApplicationFactory(status="issued", province="北京市")
    db.session.commit()
    _client, credentials = make_client()
    item = cases[0].item.code
    first = client.get(
        "/api/v1/cases", query_string={"item": item, "status": "accepted", "limit": 2}, headers=bearer(credentials)
    ).get_json()
    second = client.get(
        "/api/v1/cases",
        query_string={"item": item, "status": "accepted", "limit": 2, "cursor": first["next_cursor"]},
        headers=bearer(credentials),
    ).get_json()
    assert [c["number"] for c in first["items"] + second["items"]] == [c.number for c in cases]
    assert second["next_cursor"] is None
    detail = client.get(f"/api/v1/cases/{cases[0].number}", headers=bearer(credentials)).get_json()
    assert [event["action"] for event in detail["events"]] == ["submit", "accept"]


def test_every_client_call_is_audited_and_limited_by_the_clients_own_rate(client, db, make_client):
    _client, credentials = make_client(rate_per_minute=2)
    codes = [client.get("/api/v1/cases", headers=bearer(credentials)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    calls = db.session.scalars(select(AuditRecord).filter_by(event="api.call").order_by(AuditRecord.id)).all()
    assert [(c.subject, c.detail["status"], c.detail["path"]) for c in calls[:2]] == [
        (credentials.client_id, 200, "/api/v1/cases")
    ] * 2


def test_a_revoked_client_is_refused_at_once(client, db, make_client):
    api_client, credentials = make_client()
    assert client.get("/api/v1/cases", headers=bearer(credentials)).status_code == 200
    clients.revoke(api_client)
    db.session.commit()
    assert client.get("/api/v1/cases", headers=bearer(credentials)).status_code == 401


def test_cases_write_sends_a_message_and_a_browser_cookie_never_counts(app, client, db, make_client):
    case = ApplicationFactory(status="accepted", province="北京市")
    db.session.commit()
    _reader, reader = make_client("cases:read")
    _writer, writer = make_client("cases:read cases:write")
    url = f"/api/v1/cases/{case.number}/messages"
    message = {"title": "请补充社保证明", "body": "请于五个工作日内补充。"}
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url, json=message, headers=bearer(reader)).status_code == 403
        assert client.post(url, json=message).status_code == 401  # no token: whatever cookies the browser has
        sent = client.post(url, json=message, headers=bearer(writer))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert sent.status_code == 201
    inbox = db.session.scalars(select(InboxMessage).filter_by(account_id=case.account_id)).all()
    assert [m.title for m in inbox] == ["省级政务服务平台：请补充社保证明"]
    empty = client.post(url, json={"title": "", "body": "x"}, headers=bearer(writer))
    assert empty.status_code == 422 and "title" in problem_of(empty)["errors"]


def test_certificates_read_gives_an_issued_certificates_data_within_the_province(client, db, make_client):
    account = AccountFactory(real_name="王建平")
    registration = PersonRegistrationFactory(
        holder_name="王建平", holder_document_number=account.document_number, employer_uscc=BEIJING_USCC
    )
    certificate = lifecycle.issue_for(registration)
    db.session.commit()
    _beijing, beijing = make_client("certificates:read", case_province="北京市")
    _guangdong, guangdong = make_client("certificates:read", case_province="广东省")
    _cases_only, cases_only = make_client("cases:read")
    found = client.get(f"/api/v1/certificates/{certificate.number}", headers=bearer(beijing))
    assert found.status_code == 200
    assert found.get_json()["data"]["registration_number"] == registration.registration_number
    assert client.get(f"/api/v1/certificates/{certificate.number}", headers=bearer(guangdong)).status_code == 404
    assert client.get(f"/api/v1/certificates/{certificate.number}", headers=bearer(cases_only)).status_code == 403


# --- webhooks ----------------------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on a private port: records what it got, answers with the next status given."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_status_changes_are_pushed_signed_retried_and_never_twice(db, make_client, receiver):
    beijing, guangdong = _cases(db)
    subscriber, _credentials = make_client("cases:read", case_province="北京市", webhook_url=receiver.url)
    make_client("registers:read", webhook_url=receiver.url)  # without cases:read: nothing
    workflow.apply(beijing, "accept", office="受理处室")
    workflow.apply(guangdong, "start_review", office="审查处室")  # outside the subscriber's province
    db.session.commit()
    [row] = db.session.scalars(select(WebhookDelivery)).all()
    assert row.client_id == subscriber.id

    receiver.answers = [503]
    first = webhooks.deliver_due()
    assert (first.delivered, first.retried) == (0, 1)
    assert webhooks.deliver_due().delivered == 0  # the back-off: not due yet
    with time_machine.travel(clock.now().replace(tzinfo=datetime.UTC) + datetime.timedelta(minutes=2)):
        assert webhooks.deliver_due().delivered == 1
        assert webhooks.deliver_due().delivered == 0  # delivered once, never again
    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    assert headers["X-Portal-Delivery"] == row.event_key == receiver.received[0][0]["X-Portal-Delivery"]
    timestamp, signature = (part.split("=", 1)[1] for part in headers["X-Portal-Signature"].split(","))
    expected = hmac.new(subscriber.webhook_secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(signature, expected.hexdigest())
    event = json.loads(body)
    assert event["type"] == "case.status_changed"
    assert event["case"] == {
        "number": beijing.number,
        "item_code": beijing.item.code,
        "province": "北京市",
        "status": "accepted",
        "previous_status": "submitted",
        "action": "accept",
    }


def test_a_delivery_claimed_by_another_worker_is_not_posted_again(db, make_client, receiver):
    beijing, _guangdong = _cases(db)
    make_client("cases:read", webhook_url=receiver.url)
    workflow.apply(beijing, "accept")
    db.session.commit()
    posted = []

    def racing_sender(url, body, headers):
        posted.append(webhooks.deliver_due(sender=lambda *a: 200).delivered)  # a second worker, meanwhile
        return 200

    assert webhooks.deliver_due(sender=racing_sender).delivered == 1
    assert posted == [0]


def test_a_webhook_that_keeps_failing_is_given_up_after_the_last_try(db, app, make_client, monkeypatch):
    beijing, _guangdong = _cases(db)
    make_client("cases:read", webhook_url="http://127.0.0.1:9/unreachable")
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 2)
    workflow.apply(beijing, "accept")
    db.session.commit()
    assert webhooks.deliver_due(sender=lambda *a: 0).retried == 1
    with time_machine.travel(clock.now().replace(tzinfo=datetime.UTC) + datetime.timedelta(minutes=2)):
        assert webhooks.deliver_due(sender=lambda *a: 500).failed == 1
    row = db.session.scalar(select(WebhookDelivery))
    db.session.refresh(row)
    assert row.failed_at is not None and row.attempts == 2 and row.last_error == "HTTP 500"


# --- the back office ---------------------------------------------------------------------------------


def test_an_administrator_creates_a_client_whose_token_works_and_revokes_it(client, db, staff_factory, login_staff):
    staff_factory("Admin", username="admin1")
    login_staff("admin1")
    response = client.post(
        "/apiclientadminview/add",
        data={
            "name": "全国建筑市场监管公共服务平台",
            "scope_list": ["cases:read", "registers:read"],
            "case_province": "北京市",
            "case_groups": "建造师",
            "rate_per_minute": "60",
            "webhook_url": "",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    token = page.split("id='api-client-token'>")[1].split("</code>")[0]
    api_client = db.session.scalar(select(ApiClient))
    assert api_client.scopes == "registers:read cases:read" and api_client.case_groups == "建造师"
    assert token.split(".")[1] not in api_client.secret_hash
    client.post("/admin/logout")
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert db.session.query(AuditRecord).filter_by(event="api.client_created").count() == 1
    login_staff("admin1")
    client.post("/apiclientadminview/action_post", data={"action": "revoke", "rowid": [str(api_client.id)]})
    client.post("/admin/logout")
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_client_limited_to_an_item_group_sees_only_that_groups_cases(client, db, make_client):
    beijing, _guangdong = _cases(db)  # both 一级建造师 cases (group 建造师)
    _architects, architects = make_client(case_groups="注册建筑师")
    _constructors, constructors = make_client(case_groups="建造师", case_province="北京市")
    assert client.get("/api/v1/cases", headers=bearer(architects)).get_json()["items"] == []
    assert client.get(f"/api/v1/cases/{beijing.number}", headers=bearer(architects)).status_code == 404
    listed = client.get("/api/v1/cases", headers=bearer(constructors)).get_json()["items"]
    assert [case["number"] for case in listed] == [beijing.number]
