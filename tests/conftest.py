"""Fixtures in the flaskr style: ``app``, ``client``, ``db``, factories.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL
is set. The schema is created once per session; every test starts from the
reference data only (roles, settings, FAQ), whatever the previous test did.
"""

import datetime
import os

import pytest
import time_machine
from flask import g, has_app_context
from flask.testing import FlaskClient

os.environ["PORTAL_ENV"] = "test"

from flask_appbuilder import Model  # noqa: E402

from app import clock, create_app  # noqa: E402
from app.extensions import db as _db  # noqa: E402
from app.platform import cache as portal_cache  # noqa: E402
from app.seed.demo_data import seed_reference_data  # noqa: E402
from app.services.platform.roles_sync import sync_roles  # noqa: E402


def _test_clock_moment() -> datetime.datetime | None:
    """``PORTAL_TEST_CLOCK=2026-12-02T15:59:00Z``: every test starts at that instant (the clock then runs on)."""
    value = os.environ.get("PORTAL_TEST_CLOCK")
    return datetime.datetime.fromisoformat(value) if value else None


@pytest.fixture(autouse=True)
def portal_test_clock():
    """Run a test at a chosen moment, to prove the suite at the awkward ones (see tests/integration/test_one_clock.py)."""
    moment = _test_clock_moment()
    if moment is None:
        yield None
        return
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture
def today(portal_test_clock) -> datetime.date:
    """Today in Beijing, by the portal's own clock (never the machine's local date)."""
    return clock.today()


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal-test.db")


class RequestIsolatingClient(FlaskClient):
    """Each request starts with an empty ``g``, as it does in production.

    Tests hold an application context (for ``db.session``), and Flask reuses an
    active context for requests: without this, the signed-in user, the locale
    and other per-request caches would leak from one client's request into the
    next client's.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
            "CERTIFICATE_SIGNING_KEY_PATH": str(keys / "certificate-sm2.json"),
            "CERTIFICATE_CACHE_DIR": str(tmp_path_factory.mktemp("certificate-cache")),
            "NOTICE_CACHE_DIR": str(tmp_path_factory.mktemp("notice-cache")),
        }
    )
    application.test_client_class = RequestIsolatingClient
    with application.app_context():
        Model.metadata.drop_all(_db.engine)
        Model.metadata.create_all(_db.engine)
        sync_roles(application.appbuilder)
        seed_reference_data()
        _db.session.commit()
    yield application
    with application.app_context():
        _db.session.remove()
        Model.metadata.drop_all(_db.engine)
        _db.engine.dispose()


# Roles and permissions are synced once per session; reference rows (settings,
# FAQ, catalogue) are re-seeded only after a test touched them; the rest is
# emptied before every test.
SECURITY_TABLES = {"ab_permission", "ab_view_menu", "ab_permission_view", "ab_role", "ab_permission_view_role"}
REFERENCE_TABLES = {"site_setting", "faq_entry", "service_item", "service_material"}
_touched_tables = set()


def _record_touched_tables(session, flush_context, instances):
    for instance in list(session.new) + list(session.dirty) + list(session.deleted):
        table = getattr(instance, "__table__", None)
        if table is not None:
            _touched_tables.add(table.name)


@pytest.fixture
def db(app):
    """The database with only the reference data, whatever the previous test did."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    with app.app_context():
        kept = SECURITY_TABLES | (set() if _touched_tables & REFERENCE_TABLES else REFERENCE_TABLES)
        for table in reversed(Model.metadata.sorted_tables):
            if table.name not in kept:
                _db.session.execute(table.delete())
        seed_reference_data()
        _db.session.commit()
        _touched_tables.clear()
        # The tables were emptied behind the ORM's back: drop what the processes keep of them.
        portal_cache.clear()
        event.listen(Session, "before_flush", _record_touched_tables)
        try:
            yield _db
        finally:
            event.remove(Session, "before_flush", _record_touched_tables)
            _db.session.rollback()
            _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def staff_factory(app, db):
    """Create a back-office user with the given role names; returns the user."""
    counter = {"n": 0}

    def make(*role_names, username=None, password="Staff@2026pass"):
        counter["n"] += 1
        sm = app.appbuilder.sm
        roles = [sm.find_role(name) for name in role_names] or [sm.find_role("Admin")]
        user = sm.add_user(
            username or f"staff{counter['n']}",
            "测试",
            f"员工{counter['n']}",
            f"staff{counter['n']}@test.local",
            roles,
            password=password,
        )
        assert user, "could not create staff user"
        return user

    return make


@pytest.fixture
def login_staff(client):
    def do_login(username, password="Staff@2026pass"):
        return client.post("/admin/login/", data={"username": username, "password": password})

    return do_login


@pytest.fixture
def uploads(app, tmp_path):
    """Uploaded files go to a folder of this test's own (UPLOAD_DIR), returned as a Path."""
    before = app.config.get("UPLOAD_DIR")
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = before


# --- portal accounts ----------------------------------------------------------------

CAPTCHA_TEXT = "K7PX"


@pytest.fixture
def known_captcha(monkeypatch):
    """Every picture code shows CAPTCHA_TEXT, so tests can answer it."""
    from app.services.platform import captcha

    monkeypatch.setattr(captcha, "_generate_text", lambda: CAPTCHA_TEXT)
    return CAPTCHA_TEXT


def _new_captcha_id(client) -> str:
    return client.get("/verify/captcha").get_json()["id"]


@pytest.fixture
def new_captcha_id():
    """Fetch a picture code as a page's refresh does; return its challenge id."""
    return _new_captcha_id


@pytest.fixture
def request_sms(known_captcha):
    """Ask for an SMS code through the page's endpoint; return the code from the outbox."""
    from app.services.platform.sms import latest_outbox_code

    def request_code(client, phone, purpose):
        response = client.post(
            "/verify/sms",
            data={"phone": phone, "purpose": purpose, "captcha": known_captcha, "captcha_id": _new_captcha_id(client)},
        )
        assert response.status_code == 200, response.get_json()
        return latest_outbox_code(phone, purpose)

    return request_code


@pytest.fixture
def personal_form():
    """A valid 个人注册 form (a generated, checksum-valid resident ID)."""
    import datetime

    from app.services.accounts.identity_documents import make_resident_id

    def build(**overrides):
        data = {
            "document_type": "resident_id",
            "name": "刘德明",
            "document_number": make_resident_id("110105", datetime.date(1986, 4, 2), 13),
            "valid_from": "2016-04-02",
            "validity": "20",
            "valid_to": "",
            "gender": "M",
            "birth_date": "",
            "phone": "13712345678",
            "sms_code": "",
            "email": "liudeming@example.cn",
            "password": "Secure2026pass",
            "password_confirm": "Secure2026pass",
            "agree": "y",
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def legal_form():
    import datetime

    from app.services.accounts.identity_documents import make_resident_id, make_uscc

    def build(**overrides):
        data = {
            "entity_type": "enterprise",
            "enterprise_name": "杭州示范建筑工程有限公司",
            "uscc": make_uscc("91330106MA2B3C4D5"),
            "rep_document_type": "resident_id",
            "rep_name": "周建华",
            "rep_document_number": make_resident_id("330106", datetime.date(1975, 9, 9), 31),
            "rep_valid_from": "2010-09-09",
            "rep_validity": "long",
            "rep_valid_to": "",
            "phone": "13698765432",
            "sms_code": "",
            "email": "office@hz-demo.example.cn",
            "password": "Company2026pass",
            "password_confirm": "Company2026pass",
            "agree": "y",
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def register_person(client, request_sms, personal_form):
    """Register a personal account through the pages; returns the form data used."""

    def register(**overrides):
        data = personal_form(**overrides)
        data["sms_code"] = request_sms(client, data["phone"], "register")
        response = client.post("/account/register/personal", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        client.post("/account/logout")
        return data

    return register


# --- cases ----------------------------------------------------------------------------


@pytest.fixture
def submit_constructor_case(db, register_person, request_sms):
    """Register a citizen with a 一级建造师 资格证书 and an employer, and submit an initial registration
    through the portal with ``client``; returns (person, account, item). The client stays signed in."""
    import datetime
    import io

    from PIL import Image

    from app.models import Account, EnterpriseQualification, QualificationCertificate, ServiceItem
    from app.services.accounts import face_verification as face
    from app.services.accounts.identity_documents import make_uscc
    from tests.face_checks import pass_face_check

    def submit(
        client,
        *,
        employer_name="示范建设集团",
        major="土木",
        certificate_number="C1",
        qualification_number="D1",
        submit_token="t",
    ):
        employer = make_uscc("91110105MA01B2C3X")
        person = register_person()
        db.session.add(
            QualificationCertificate(
                holder_name=person["name"],
                holder_document_type="resident_id",
                holder_document_number=person["document_number"],
                qualification="constructor_1",
                specialty="建筑工程",
                certificate_number=certificate_number,
                issued_on=datetime.date(2015, 6, 1),
            )
        )
        db.session.add(
            EnterpriseQualification(
                enterprise_name=employer_name,
                uscc=employer,
                kind="建筑业企业",
                qualification="建筑工程施工总承包",
                grade="一级",
                certificate_number=qualification_number,
                valid_from=datetime.date(2024, 1, 1),
                valid_to=clock.today() + datetime.timedelta(days=300),
            )
        )
        db.session.commit()
        client.post(
            "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
        )
        account = db.session.query(Account).filter_by(phone=person["phone"]).one()
        pass_face_check(client, account.id, face.ONLINE_SERVICE)
        item = db.session.query(ServiceItem).filter_by(online_kind="constructor_initial").one()
        data = {
            "nation": "汉族",
            "school": "同济大学",
            "major": major,
            "education": "本科",
            "graduation_date": "2008-07-01",
            "employer_name": employer_name,
            "employer_uscc": employer,
            "specialty": "建筑工程",
            "commitment": "yes",
            "submit_token": submit_token,
            "sms_code": request_sms(client, person["phone"], "application"),
        }
        for material in item.materials:
            if material.required:
                scan = io.BytesIO()
                Image.new("RGB", (295, 413), "white").save(scan, "JPEG")
                data[f"material_{material.id}"] = (io.BytesIO(scan.getvalue()), "scan.jpg")
        response = client.post(f"/services/item/{item.code}/apply", data=data, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return person, account, item

    return submit


# --- registers ------------------------------------------------------------------------

ISSUED_CASE_NUMBER = "2026030112345678"


@pytest.fixture
def registers(db):
    """The demonstration registers (enterprises and registered persons)."""
    from app.seed.demo_registers import seed_demo_registers

    seed_demo_registers()
    db.session.commit()
    return db


@pytest.fixture
def issued_case(db):
    """刘德明's 一级建造师初始注册, issued (京111152600077) with its whole timeline, and his employer."""
    from app.services.accounts.identity_documents import make_resident_id, make_uscc
    from tests.factories import (
        AccountFactory,
        ApplicationFactory,
        EnterpriseQualificationFactory,
        PersonRegistrationFactory,
    )

    document = make_resident_id("110105", datetime.date(1986, 4, 2), 13)
    employer = make_uscc("91110105MA01QQQQ1")
    account = AccountFactory(real_name="刘德明", document_number=document, phone="13712345678")
    application = ApplicationFactory(number=ISSUED_CASE_NUMBER, account=account, status="issued")
    EnterpriseQualificationFactory(enterprise_name="示范建设集团", uscc=employer, certificate_number="D110009999")
    PersonRegistrationFactory(
        holder_name="刘德明",
        holder_document_number=document,
        registration_number="京111152600077",
        employer_name="示范建设集团",
        employer_uscc=employer,
        valid_from=datetime.date(2026, 3, 5),
        valid_to=datetime.date(2029, 3, 5),
    )
    db.session.commit()
    return application


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of the suite's engine that holds nothing yet: a new SQLite file, or on PostgreSQL a database
    created for the test and dropped after it (migrations and the backup drill start from one)."""
    import uuid

    from sqlalchemy import create_engine, text

    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "empty.db")
        return
    name = "portal_empty_" + uuid.uuid4().hex[:8]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
