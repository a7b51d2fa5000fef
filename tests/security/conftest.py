"""The attack suite (issue 14, "Trust"): run by ``make security``, once, and left out of ``make test``.

Every request any test here makes goes through :class:`CountingClient`, which counts it and every 5xx answer
(an exception that escapes the application counts as one); the tests count the leaks they look for and the
memory the upload bombs cost. ``pytest_terminal_summary`` prints the totals at the end of the run:

    attack suite: 5123 attempts, 0 answered 5xx, 0 leaks in 2890 bodies checked, upload bombs' memory peak 3.1 MB
"""

import dataclasses
import io

import pytest
from werkzeug.security import generate_password_hash

from app import clock
from app.masking import mask_document, mask_phone
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    LegalAccountFactory,
    PersonRegistrationFactory,
    resident_id,
)
from tests.security.attack import LEDGER, SCOPED_OFFICER, CountingMixin


@pytest.fixture(autouse=True)
def counted_requests(app):
    before = app.test_client_class
    app.test_client_class = type("CountingClient", (CountingMixin, before), {})
    yield LEDGER
    app.test_client_class = before


@pytest.fixture
def ledger():
    return LEDGER


def pytest_terminal_summary(terminalreporter):
    if not LEDGER.attempts:
        return
    peak = max(LEDGER.bomb_peaks.values(), default=0)
    terminalreporter.section("attack suite (tests/security)")
    terminalreporter.write_line(
        f"attack suite: {LEDGER.attempts} attempts, {len(LEDGER.server_errors)} answered 5xx, "
        f"{len(LEDGER.leaks)} leaks in {LEDGER.bodies_checked} bodies checked, "
        f"upload bombs' memory peak {peak / 1e6:.1f} MB"
    )
    for name, value in sorted(LEDGER.bomb_peaks.items()):
        terminalreporter.write_line(f"  bomb {name}: peak {value / 1e6:.1f} MB")
    for where, status in LEDGER.server_errors[:20]:
        terminalreporter.write_line(f"  5xx: {where} → {status}")
    for who, where, shown in LEDGER.leaks[:20]:
        terminalreporter.write_line(f"  leak: {who} {where} shows {', '.join(shown)}")


# --- the world the attackers walk in ------------------------------------------------------------------------

PASSWORD = "Attack2026pass"
STAFF_PASSWORD = "Staff@2026pass"


def _citizen(real_name: str, serial: int, phone: str):
    account = AccountFactory(
        real_name=real_name,
        document_number=resident_id(serial),
        phone=phone,
        password=generate_password_hash(PASSWORD),
    )
    return account


def _sign_in(client, kind: str, identifier: str) -> None:
    response = client.post("/account/login", data={"kind": kind, "identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


class Clients(dict):
    """Who → a signed-in test client, signed in on first use (password hashes are slow: only those needed)."""

    def __init__(self, sign_in):
        super().__init__()
        self._sign_in = sign_in

    def __missing__(self, who):
        self[who] = client = self._sign_in(who)
        return client


@dataclasses.dataclass
class World:
    """Citizen A's things (the targets) and everyone who tries to reach them."""

    ids: dict  # route argument name → A's object of that kind
    secrets: dict  # what must never show to anyone but A (and the staff allowed to see A's case)
    clients: Clients  # who → a signed-in test client
    case: object
    certificate: object


@pytest.fixture
def world(app, db, uploads, staff_factory):
    from app.models import Attachment, InboxMessage
    from app.services.accounts import face_verification as face
    from app.services.certificates import lifecycle as certificates
    from app.services.platform import storage
    from tests.face_checks import pass_face_check

    a = _citizen("司马保密", 910_001, "13900010001")
    b = _citizen("欧阳旁人", 920_002, "13600020002")
    company = LegalAccountFactory(phone="13500030003", password=generate_password_hash(PASSWORD))
    case = ApplicationFactory(account=a, status="accepted", province="北京市", submitted_at=clock.now())
    stored = storage.save(_jpeg(), ["jpg"], 1)
    attachment = Attachment(
        application=case,
        material=case.item.materials[0],
        original_name="身份证明.jpg",
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    message = InboxMessage(account_id=a.id, application=case, title="您的申报已受理", body=f"申报编号{case.number}")
    db.session.add_all([attachment, message])
    registration = PersonRegistrationFactory(
        holder_name=a.real_name,
        holder_document_number=a.document_number,
        registration_number="京1119999202600042",
    )
    db.session.flush()
    certificate = certificates.issue_for(registration, clock.today())
    db.session.commit()
    accept = next(event for event in case.events if event.action == "accept")

    citizens = {
        "citizen A": (a, "personal", a.phone),
        "citizen B": (b, "personal", b.phone),
        "company": (company, "legal", company.enterprise.uscc),
    }

    def sign_in_citizen(who):
        account, kind, identifier = citizens[who]
        client = app.test_client()
        _sign_in(client, kind, identifier)
        for purpose in face.PURPOSES:
            pass_face_check(client, account.id, purpose)
        return client

    def sign_in_staff(who):
        username = f"attack-{len(clients)}"
        user = staff_factory("ReviewOfficer" if who == SCOPED_OFFICER else who, username=username)
        if who == SCOPED_OFFICER:
            user.case_province = "上海市"  # A's case is in 北京市
        db.session.commit()
        client = app.test_client()
        response = client.post("/admin/login/", data={"username": username, "password": STAFF_PASSWORD})
        assert response.status_code == 302, who
        return client

    def sign_in(who):
        if who == "anonymous":
            return app.test_client()
        return sign_in_citizen(who) if who in citizens else sign_in_staff(who)

    clients = Clients(sign_in)
    return World(
        ids={
            "case_id": case.id,
            "attachment_id": attachment.id,
            "event_id": accept.id,
            "certificate_id": certificate.id,
            "message_id": message.id,
            "number": case.number,
            "pk": a.id,
        },
        secrets={
            "A's case number": case.number,
            "A's name": a.real_name,
            "A's document number": a.document_number,
            "A's masked document number": mask_document(a.document_type, a.document_number),
            "A's phone": a.phone,
            "A's masked phone": mask_phone(a.phone),
            "A's certificate number": certificate.number,
            "A's message": "您的申报已受理",
        },
        clients=clients,
        case=case,
        certificate=certificate,
    )


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, "JPEG")
    return out.getvalue()
