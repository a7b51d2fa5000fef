"""The served OpenAPI document against what the endpoints answer: every answer of a walk through the API
(found, not found, refused, not modified) must match the document's status codes, media types and schemas."""

import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup

from app.services.api import clients
from app.services.certificates import lifecycle
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    EnterpriseQualificationFactory,
    PersonRegistrationFactory,
)


@pytest.fixture
def spec(client, app, db):
    served = client.get("/api/v1/openapi.json").get_json()
    return schemathesis.openapi.from_dict(served)


def test_every_answer_matches_the_served_specification(client, app, db, spec, monkeypatch):
    monkeypatch.setitem(app.config, "API_PUBLIC_PER_MINUTE", 10_000)
    account = AccountFactory(real_name="王建平")
    registration = PersonRegistrationFactory(holder_name="王建平", holder_document_number=account.document_number)
    certificate = lifecycle.issue_for(registration)
    endorsement = lifecycle.endorse(account, certificate, "bidding")
    qualification = EnterpriseQualificationFactory(enterprise_name="示范建设集团")
    case = ApplicationFactory(status="accepted", province="北京市", account=account)
    _client, credentials = clients.create_client("省级平台", " ".join(clients.SCOPES))
    db.session.commit()
    token = {"Authorization": f"Bearer {credentials.token}"}
    person_url = f"/api/v1/registers/persons/{registration.registration_number}"
    etag = client.get(person_url).headers["ETag"]
    calls = [
        ("GET", "/api/v1/registers/persons", {"query_string": {"name": "王"}}, 200),
        ("GET", "/api/v1/registers/persons", {}, 422),
        ("GET", "/api/v1/registers/persons/{registration_number}", {"url": person_url}, 200),
        (
            "GET",
            "/api/v1/registers/persons/{registration_number}",
            {"url": person_url, "headers": {"If-None-Match": etag}},
            304,
        ),
        ("GET", "/api/v1/registers/persons/{registration_number}", {"url": "/api/v1/registers/persons/X1"}, 404),
        ("GET", "/api/v1/registers/enterprises", {"query_string": {"uscc": qualification.uscc}}, 200),
        ("GET", "/api/v1/registers/enterprises", {"query_string": {"name": "示", "cursor": "%%"}}, 422),
        (
            "GET",
            "/api/v1/registers/enterprises/{uscc}",
            {"url": f"/api/v1/registers/enterprises/{qualification.uscc}"},
            200,
        ),
        (
            "GET",
            "/api/v1/certificates/verify/{code}",
            {"url": f"/api/v1/certificates/verify/{endorsement.public_code}"},
            200,
        ),
        ("GET", "/api/v1/cases/progress", {"query_string": {"number": case.number, "applicant": "王建平"}}, 200),
        ("GET", "/api/v1/cases", {"headers": token, "query_string": {"status": "accepted"}}, 200),
        ("GET", "/api/v1/cases", {}, 401),
        ("GET", "/api/v1/cases/{number}", {"url": f"/api/v1/cases/{case.number}", "headers": token}, 200),
        (
            "POST",
            "/api/v1/cases/{number}/messages",
            {
                "url": f"/api/v1/cases/{case.number}/messages",
                "headers": token,
                "json": {"title": "通知", "body": "请留意"},
            },
            201,
        ),
        (
            "GET",
            "/api/v1/certificates/{number}",
            {"url": f"/api/v1/certificates/{certificate.number}", "headers": token},
            200,
        ),
    ]
    for method, path, request, status in calls:
        request = dict(request)
        url = request.pop("url", path)
        response = client.open(url, method=method, **request)
        assert response.status_code == status, (url, response.get_data(as_text=True))
        spec[path][method].validate_response(response)  # raises on any mismatch with the document
    persons = client.get("/api/v1/registers/persons", query_string={"name": "王"})
    with pytest.raises(FailureGroup):  # the check has teeth: a person is no enterprise
        spec["/api/v1/registers/enterprises"]["GET"].validate_response(persons)
