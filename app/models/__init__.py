"""All models, imported here so that Alembic and ``create_all`` see every table."""

from flask_appbuilder import Model  # noqa: F401  (the declarative base of every table)

from app.models.account import Account, AccountKind, AccountStatus, Enterprise, EnterpriseRegisterEntry, LegalRepChange  # noqa: F401
from app.models.api import ApiClient, WebhookDelivery  # noqa: F401
from app.models.article import Article, ArticleAttachment  # noqa: F401
from app.models.calendar import CalendarOverride  # noqa: F401
from app.models.case import Application, ApplicationEvent, Attachment, InboxMessage  # noqa: F401
from app.models.certificate import CertificateEndorsement, ElectronicCertificate, IssuedCertificateFile  # noqa: F401
from app.models.content import ErrorReport, FaqEntry, SiteSetting  # noqa: F401
from app.models.evaluation import CaseEvaluation, Rectification  # noqa: F401
from app.models.platform import AuditRecord, SharedStoreEntry, SmsJob, SmsOutboxMessage  # noqa: F401
from app.models.registry import (  # noqa: F401
    EnterpriseQualification,
    PersonRegistration,
    QualificationCertificate,
    RegisteredSpecialty,
)
from app.models.reminder import ReminderDelivery  # noqa: F401
from app.models.service import ServiceItem, ServiceMaterial  # noqa: F401
