"""Citizens who use a running portal over HTTP (the cluster test and the load test).

Everything a citizen does goes through the pages (register, sign in, 在线申报 with its scans), with the
CSRF token and the form's submit_token the pages give. Two things a person does with their phone are done
by ``Backstage``, a process that joins the cluster with its configuration: reading the SMS code from the
built-in gateway's outbox (the picture code that guards the page's "send code" button is a person's job),
and completing 人脸识别 in the mini-program for the token the desktop page shows.
"""

import datetime
import io
import itertools
import re
import threading
import time
from dataclasses import dataclass

import requests
from PIL import Image

EMPLOYER_NAME = "北京建工示范建设集团有限公司"
PASSWORD = "Cluster2026pass"
_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def scan_jpeg(seed: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (255, 255 - seed % 200, 255)).save(buffer, "JPEG")
    return buffer.getvalue()


def refusals(html: str) -> list[str]:
    """The messages a page shows beside its fields and above its form."""
    return re.findall(r'class="(?:field-error|alert[^"]*)"[^>]*>([^<]+)<', html)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    if match is None:
        raise AssertionError(f"no {name} on the page")
    return match.group(1)


class Backstage:
    """The cluster's configuration in this process: the SMS outbox, the face mini-program, the register data."""

    def __init__(self, config: dict):
        from app import create_app

        self.app = create_app(
            dict(config, SMS_RESEND_SECONDS=0, SMS_PER_CLIENT_PER_HOUR=10**6, SMS_PER_CLIENT_PER_DAY=10**6)
        )
        self.lock = threading.Lock()
        with self.app.app_context():
            from app.extensions import db
            from app.models import ServiceItem

            item = db.session.query(ServiceItem).filter_by(online_kind="constructor_initial").one()
            self.item_code = item.code
            self.materials = [m.id for m in item.materials if m.required]
            db.session.remove()
        self.employer = self._employer()

    def _employer(self) -> str:
        from app import clock
        from app.extensions import db
        from app.models import EnterpriseQualification
        from app.services.accounts.identity_documents import make_uscc

        uscc = make_uscc("91110105MA01B2C3X")
        with self.app.app_context():
            if db.session.query(EnterpriseQualification).filter_by(uscc=uscc).first() is None:
                db.session.add(
                    EnterpriseQualification(
                        enterprise_name=EMPLOYER_NAME,
                        uscc=uscc,
                        kind="建筑业企业",
                        qualification="建筑工程施工总承包",
                        grade="一级",
                        certificate_number="D-CLUSTER-1",
                        valid_from=datetime.date(2024, 1, 1),
                        valid_to=clock.today() + datetime.timedelta(days=300),
                    )
                )
                db.session.commit()
            db.session.remove()
        return uscc

    def sms_code(self, phone: str, purpose: str) -> str:
        from sqlalchemy import func, select

        from app.extensions import db
        from app.models import SmsOutboxMessage
        from app.services.platform import sms

        def newest() -> int:
            query = select(func.max(SmsOutboxMessage.id)).filter_by(phone=phone, purpose=purpose)
            with self.app.app_context(), db.engine.connect() as conn:
                return conn.execute(query).scalar() or 0

        before = newest()
        with self.app.app_context():
            result = sms.send_code(phone, purpose, client=f"backstage-{phone}")
            assert result.sent, result.message
        # With a Celery broker the worker sends the text: a new outbox row appears when its job has run.
        deadline = time.monotonic() + 30
        while newest() == before:
            assert time.monotonic() < deadline, "no SMS was sent within 30 s"
            time.sleep(0.2)
        with self.app.app_context():
            code = sms.latest_outbox_code(phone, purpose)
        assert code
        return code

    def complete_face(self, token: str) -> None:
        from app.services.accounts import face_verification as face

        with self.app.app_context():
            face.complete(token)

    def give_certificate(self, name: str, document_number: str) -> None:
        """The 一级建造师 资格证书 the initial registration needs (a register row, as the national database has it)."""
        from app.extensions import db
        from app.models import QualificationCertificate

        with self.app.app_context():
            db.session.add(
                QualificationCertificate(
                    holder_name=name,
                    holder_document_type="resident_id",
                    holder_document_number=document_number,
                    qualification="constructor_1",
                    specialty="建筑工程",
                    certificate_number="C-" + document_number[-8:],
                    issued_on=datetime.date(2015, 6, 1),
                )
            )
            db.session.commit()
            db.session.remove()

    def cases_of(self, phone: str) -> list:
        """(number, submit_token) of every case the account with ``phone`` has filed."""
        from app.extensions import db
        from app.models import Account, Application

        with self.app.app_context():
            account = db.session.query(Account).filter_by(phone=phone).one()
            rows = (
                db.session.query(Application.number, Application.submit_token)
                .filter(Application.account_id == account.id)
                .all()
            )
            db.session.remove()
        return [tuple(row) for row in rows]

    def attachments_of(self, phone: str) -> list[int]:
        from app.extensions import db
        from app.models import Account, Application, Attachment

        with self.app.app_context():
            account = db.session.query(Account).filter_by(phone=phone).one()
            ids = [
                attachment_id
                for (attachment_id,) in db.session.query(Attachment.id)
                .join(Application, Attachment.application_id == Application.id)
                .filter(Application.account_id == account.id)
                .order_by(Attachment.id)
            ]
            db.session.remove()
        return ids


@dataclass
class Citizen:
    """One person with a browser (a requests session: its cookies go to every instance of 127.0.0.1)."""

    backstage: Backstage
    name: str
    document_number: str
    phone: str
    password: str = PASSWORD

    @classmethod
    def new(cls, backstage: Backstage, prefix: str = "139") -> "Citizen":
        from app.services.accounts.identity_documents import make_resident_id

        with _numbers_lock:
            number = next(_numbers)
        unique = (threading.get_ident() + number * 7919) % 10**8
        birthday = datetime.date(1970, 1, 1) + datetime.timedelta(days=unique % 9000)
        return cls(
            backstage,
            name="林" + "一二三四五六七八九十"[unique % 10] + "明",
            document_number=make_resident_id("110105", birthday, (unique % 498) * 2 + 1),  # odd: a man
            phone=f"{prefix}{unique:08d}",
        )

    def __post_init__(self):
        self.browser = requests.Session()

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.browser.get(url, allow_redirects=False, timeout=60, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self.browser.post(url, allow_redirects=False, timeout=60, **kwargs)

    def register(self, base: str) -> None:
        page = self.get(base + "/account/register/personal")
        assert page.status_code == 200, page.status_code
        data = {
            "csrf_token": hidden(page.text, "csrf_token"),
            "document_type": "resident_id",
            "name": self.name,
            "document_number": self.document_number,
            "valid_from": "2016-04-02",
            "validity": "20",
            "valid_to": "",
            "gender": "M",
            "birth_date": "",
            "phone": self.phone,
            "sms_code": self.backstage.sms_code(self.phone, "register"),
            "email": f"c{self.phone}@example.cn",
            "password": self.password,
            "password_confirm": self.password,
            "agree": "y",
        }
        done = self.post(base + "/account/register/personal", data=data)
        assert done.status_code == 302, refusals(done.text)
        self.browser.cookies.clear()

    def sign_in(self, base: str) -> None:
        page = self.get(base + "/account/login")
        data = {
            "csrf_token": hidden(page.text, "csrf_token"),
            "kind": "personal",
            "identifier": self.phone,
            "password": self.password,
        }
        done = self.post(base + "/account/login", data=data)
        assert done.status_code == 302, refusals(done.text)

    def sign_out(self, base: str) -> requests.Response:
        page = self.get(base + "/user/")
        return self.post(base + "/account/logout", data={"csrf_token": hidden(page.text, "csrf_token")})

    def pass_face_check(self, base: str) -> None:
        page = self.get(base + "/face/online_service")
        assert page.status_code == 200, page.status_code
        token = re.search(r"/face/m/([A-Za-z0-9_\-]+)", page.text).group(1)
        self.backstage.complete_face(token)

    def prepare(self, base: str) -> "Citizen":
        """Registered, with a 资格证书, signed in and face-checked: ready to file 一级建造师初始注册."""
        self.register(base)
        self.backstage.give_certificate(self.name, self.document_number)
        self.sign_in(base)
        self.pass_face_check(base)
        return self

    def apply_form(self, base: str) -> dict:
        """The 在线申报 page's tokens (csrf_token, submit_token)."""
        page = self.get(f"{base}/services/item/{self.backstage.item_code}/apply")
        assert page.status_code == 200, (page.status_code, page.headers.get("Location"), refusals(page.text))
        return {"csrf_token": hidden(page.text, "csrf_token"), "submit_token": hidden(page.text, "submit_token")}

    def submit(self, base: str, tokens: dict, scan: bytes) -> requests.Response:
        """Post the application with ``tokens`` (the same tokens again: the citizen's second try)."""
        data = {
            "nation": "汉族",
            "school": "同济大学",
            "major": "土木",
            "education": "本科",
            "graduation_date": "2008-07-01",
            "employer_name": EMPLOYER_NAME,
            "employer_uscc": self.backstage.employer,
            "specialty": "建筑工程",
            "commitment": "yes",
            "sms_code": self.backstage.sms_code(self.phone, "application"),
            **tokens,
        }
        files = {f"material_{m}": ("scan.jpg", scan, "image/jpeg") for m in self.backstage.materials}
        return self.post(f"{base}/services/item/{self.backstage.item_code}/apply", data=data, files=files)
