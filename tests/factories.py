"""Model factories (factory-boy) for tests that need rows rather than a walk through the pages.

Each factory adds its row to Flask-SQLAlchemy's session and flushes it (ids are there at once);
the test commits when the code under test must see the rows from another session or a request.
Every value a unique index or a check digit cares about comes from a sequence, so a test may
build as many rows as it needs; the defaults describe one coherent, valid citizen and case.

    account = AccountFactory(real_name="张建国")
    case = ApplicationFactory(account=account, status="issued")       # with its timeline up to 制证
    PersonRegistrationFactory(specialty_names=("建筑工程", "机电工程"))
"""

import datetime

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app import clock
from app.extensions import db
from app.models import (
    Account,
    AccountKind,
    Application,
    ApplicationEvent,
    Article,
    ArticleAttachment,
    Enterprise,
    EnterpriseQualification,
    PersonRegistration,
    QualificationCertificate,
    RegisteredSpecialty,
    ServiceItem,
)
from app.services.accounts.identity_documents import make_resident_id, make_uscc
from app.services.content import articles

BIRTH = datetime.date(1986, 4, 2)
# The workflow's path from submission to 制证: (action, from, to, office of the step).
TIMELINE = (
    ("submit", "draft", "submitted", ""),
    ("accept", "submitted", "accepted", "受理处室"),
    ("start_review", "accepted", "under_review", "审查处室"),
    ("approve", "under_review", "approved", "审批处室"),
    ("issue", "approved", "issued", "制证处室"),
)


def resident_id(n: int) -> str:
    """The n-th distinct, checksum-valid resident ID (a new birth day every thousand)."""
    return make_resident_id("110105", BIRTH + datetime.timedelta(days=n // 1000), n % 1000)


def uscc(n: int, region: str = "110105") -> str:
    """The n-th distinct, check-character-valid 统一社会信用代码 of an enterprise in ``region``."""
    return make_uscc(f"91{region}MA{n:07d}")


class PortalFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731  (the session of the current app context)
        sqlalchemy_session_persistence = "flush"


class AccountFactory(PortalFactory):
    """A citizen's account (个人用户), active, with a resident ID and a phone of its own."""

    class Meta:
        model = Account

    kind = AccountKind.PERSONAL
    status = "active"
    active = True
    real_name = "刘德明"
    first_name = factory.LazyAttribute(lambda o: o.real_name[:1])
    last_name = factory.LazyAttribute(lambda o: o.real_name[1:])
    username = factory.Sequence(lambda n: f"personal-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@accounts.portal.invalid")
    document_type = "resident_id"
    document_number = factory.Sequence(resident_id)
    phone = factory.Sequence(lambda n: f"137{n:08d}")


class EnterpriseFactory(PortalFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"示范{n}建设有限公司")
    uscc = factory.Sequence(uscc)
    entity_type = "enterprise"
    legal_rep_name = "周建华"
    legal_rep_document_type = "resident_id"
    legal_rep_document_number = factory.Sequence(lambda n: resident_id(n + 500_000))
    legal_rep_valid_from = datetime.date(2010, 9, 9)


class LegalAccountFactory(AccountFactory):
    """An enterprise's account (法人用户): its name and USCC come from the enterprise."""

    kind = AccountKind.LEGAL
    enterprise = factory.SubFactory(EnterpriseFactory)
    real_name = factory.LazyAttribute(lambda o: o.enterprise.legal_rep_name)
    username = factory.Sequence(lambda n: f"legal-{n}")
    document_type = None
    document_number = None


class QualificationCertificateFactory(PortalFactory):
    """资格证书: the examination a registration needs."""

    class Meta:
        model = QualificationCertificate

    holder_name = "刘德明"
    holder_document_type = "resident_id"
    holder_document_number = factory.Sequence(resident_id)
    qualification = "constructor_1"
    specialty = "建筑工程"
    certificate_number = factory.Sequence(lambda n: f"C{n:09d}")
    issued_on = datetime.date(2015, 6, 1)


class EnterpriseQualificationFactory(PortalFactory):
    """资质证书 of an enterprise, valid for another 300 days."""

    class Meta:
        model = EnterpriseQualification

    enterprise_name = "示范建设集团"
    uscc = factory.Sequence(uscc)
    kind = "建筑业企业"
    qualification = "建筑工程施工总承包"
    grade = "一级"
    certificate_number = factory.Sequence(lambda n: f"D{n:09d}")
    province = "北京市"
    valid_from = datetime.date(2024, 1, 1)
    valid_to = factory.LazyFunction(lambda: clock.today() + datetime.timedelta(days=300))


class PersonRegistrationFactory(PortalFactory):
    """注册人员: a valid registration with its specialties (``specialty_names``), province from the employer."""

    class Meta:
        model = PersonRegistration

    class Params:
        specialty_names = ("建筑工程",)

    holder_name = "刘德明"
    holder_document_type = "resident_id"
    holder_document_number = factory.Sequence(resident_id)
    qualification = "constructor_1"
    registration_number = factory.Sequence(lambda n: f"京1111526{n:05d}")
    employer_name = "示范建设集团"
    employer_uscc = make_uscc("91110105MA01QQQQ1")
    valid_from = factory.LazyFunction(lambda: clock.today() - datetime.timedelta(days=30))
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=3 * 365))
    status = "valid"
    specialties = factory.LazyAttribute(
        lambda o: [RegisteredSpecialty(specialty=name, valid_to=o.valid_to) for name in o.specialty_names]
    )


def constructor_initial() -> ServiceItem:
    """一级建造师初始注册, from the reference catalogue every test database holds."""
    return db.session.query(ServiceItem).filter_by(online_kind="constructor_initial").one()


def timeline_to(status: str, submitted_at: datetime.datetime, remarks: str = "") -> list[ApplicationEvent]:
    """The events that took a case from draft to ``status``, one day apart."""
    reached = [step[2] for step in TIMELINE]
    steps = TIMELINE[: reached.index(status) + 1] if status in reached else ()
    return [
        ApplicationEvent(
            action=action,
            from_status=source,
            to_status=target,
            office=office,
            remarks=remarks,
            created_at=submitted_at + datetime.timedelta(days=index),
        )
        for index, (action, source, target, office) in enumerate(steps)
    ]


class ApplicationFactory(PortalFactory):
    """A submitted case (办件) of 一级建造师初始注册, with its timeline up to ``status``."""

    class Meta:
        model = Application

    class Params:
        event_remarks = ""

    number = factory.Sequence(lambda n: f"20260301{n:08d}")
    account = factory.SubFactory(AccountFactory)
    item = factory.LazyFunction(constructor_initial)
    status = "submitted"
    commitment = True
    submitted_at = datetime.datetime(2026, 3, 1, 2, 0)
    events = factory.LazyAttribute(lambda o: timeline_to(o.status, o.submitted_at, o.event_remarks))


class ArticleFactory(PortalFactory):
    """A published notice (公示公告), prepared as the back office saves one (sanitised, plain text)."""

    class Meta:
        model = Article

    column = "notice"
    title = factory.Sequence(lambda n: f"公告{n}")
    department = "建筑市场监管司"
    status = "published"
    body_html = "<p>正文内容</p>"
    publish_at = factory.LazyFunction(lambda: clock.now() - datetime.timedelta(days=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        article = model_class(*args, **kwargs)
        articles.prepare(article)
        session = cls._meta.sqlalchemy_session_factory()
        session.add(article)
        session.flush()
        return article


class ArticleAttachmentFactory(PortalFactory):
    """An attachment row (the file itself is the test's business: see storage.save)."""

    class Meta:
        model = ArticleAttachment

    article = factory.SubFactory(ArticleFactory)
    original_name = "附件.pdf"
    stored_name = factory.Sequence(lambda n: f"article-{n:08d}.pdf")
    content_type = "application/pdf"
    size = 1024
    sha256 = "0" * 64
