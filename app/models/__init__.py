"""All models, imported here so that Alembic and ``create_all`` see every table."""

from flask_appbuilder import Model  # noqa: F401  (the declarative base of every table)

from app.models.account import (Account, AccountKind, AccountStatus, Enterprise,  # noqa: F401
                                EnterpriseRegisterEntry, LegalRepChange)
from app.models.content import FaqEntry, SiteSetting  # noqa: F401
from app.models.platform import AuditRecord, SharedStoreEntry, SmsOutboxMessage  # noqa: F401
