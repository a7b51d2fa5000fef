"""A property-based run of schemathesis over the whole /api/v1 specification (``make api-fuzz``, once in CI).

Every operation is called with generated input (valid and invalid: the examples, the coverage of each
parameter's boundaries, then random data), as an agency holding every scope; each answer must be no server
error and must match the specification: status code, content type, headers and body schema. The database
holds a few records of each kind, so that the generated numbers sometimes find one.
"""

import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.services.api import clients
from app.services.certificates import lifecycle
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    EnterpriseQualificationFactory,
    PersonRegistrationFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


EXAMPLES = 30  # per operation and mode: 10 operations x 2 modes x 30 calls and the explicit examples


@pytest.fixture
def token(app, db, monkeypatch):
    """Records of every kind, and an agency's token with every scope and a rate the run cannot exceed."""
    monkeypatch.setitem(app.config, "API_PUBLIC_PER_MINUTE", 1_000_000)
    account = AccountFactory(real_name="王建平")
    registration = PersonRegistrationFactory(
        holder_name="王建平", holder_document_number=account.document_number, registration_number="京1112026000001"
    )
    certificate = lifecycle.issue_for(registration)
    lifecycle.endorse(account, certificate, "bidding")
    EnterpriseQualificationFactory(enterprise_name="示范建设集团", uscc="91110105MA01QQQQ10")
    for status in ("submitted", "accepted", "issued"):
        ApplicationFactory(status=status, province="北京市", submitted_at=datetime.datetime(2026, 3, 1, 2))
    _client, credentials = clients.create_client(
        "压力测试单位", " ".join(clients.SCOPES), rate_per_minute=clients.MAX_RATE
    )
    db.session.commit()
    return credentials.token


def test_every_operation_answers_as_specified(app, token):
    """schemathesis's own pytest plugin does not run under pytest 9: the operations are walked here."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    headers = {"Authorization": f"Bearer {token}"}
    calls = {"n": 0}
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
            def run(case):
                calls["n"] += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                pass  # no invalid value exists (a path's free-text segment): nothing negative to send
            except Exception as failure:  # noqa: BLE001 - every operation is run; all failures are reported
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    print(f"schemathesis: {len(operations)} operations, {calls['n']} calls, {len(failures)} failures")
    for failure in failures:
        print(failure)
    assert failures == []
