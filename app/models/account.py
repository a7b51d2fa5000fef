"""Accounts (FAB's user, extended), enterprises and their registers."""

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import relationship

from app import clock
from app.masking import mask_document, mask_phone, mask_uscc


def _now():
    return clock.now()


class AccountKind:
    STAFF = "staff"
    PERSONAL = "personal"
    LEGAL = "legal"


class AccountStatus:
    ACTIVE = "active"
    CANCELLED = "cancelled"


class Enterprise(Model):
    """A legal entity holding a portal account (法人用户)."""

    __tablename__ = "enterprise"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    uscc = Column(String(18), nullable=False, index=True)
    entity_type = Column(String(32), nullable=False)
    legal_rep_name = Column(String(100), nullable=False)
    legal_rep_document_type = Column(String(32), nullable=False)
    legal_rep_document_number = Column(String(32), nullable=False)
    legal_rep_valid_from = Column(Date)
    legal_rep_valid_to = Column(Date)  # None: long-term (长期有效)
    created_at = Column(DateTime, nullable=False, default=_now)

    @property
    def masked_uscc(self):
        return mask_uscc(self.uscc)

    def __repr__(self):
        return self.name


class Account(User):
    """Every person who signs in: staff, citizens (个人) and legal entities (法人).

    FAB's ``username`` and ``email`` are unique: a cancelled account gives them
    back (see accounts.cancel_account) so that the same person can register again,
    while its own columns keep the record.
    """

    __tablename__ = "ab_user"

    kind = Column(String(16), nullable=False, default=AccountKind.STAFF, server_default=AccountKind.STAFF)
    status = Column(String(16), nullable=False, default=AccountStatus.ACTIVE, server_default=AccountStatus.ACTIVE)
    real_name = Column(String(100))
    gender = Column(String(1))
    birth_date = Column(Date)
    document_type = Column(String(32))
    document_number = Column(String(32))
    passport_country = Column(String(64))
    document_valid_from = Column(Date)
    document_valid_to = Column(Date)
    needs_manual_check = Column(Boolean, nullable=False, default=False, server_default=text("false"))
    phone = Column(String(11))
    contact_email = Column(String(320))
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"))
    locked_until = Column(DateTime)
    session_version = Column(Integer, nullable=False, default=0, server_default="0")
    cancelled_at = Column(DateTime)
    # Staff data scope (empty: everything): the item groups (comma-separated) and the province of the cases
    # this officer may see and handle.
    case_groups = Column(String(200), nullable=False, default="", server_default="")
    case_province = Column(String(20), nullable=False, default="", server_default="")

    enterprise = relationship(Enterprise, foreign_keys=[enterprise_id])

    @property
    def is_cancelled(self):
        return self.status == AccountStatus.CANCELLED

    @property
    def masked_document(self):
        if self.kind == AccountKind.LEGAL and self.enterprise is not None:
            return mask_uscc(self.enterprise.uscc)
        if self.document_number:
            return mask_document(self.document_type, self.document_number)
        return ""

    @property
    def masked_phone(self):
        return mask_phone(self.phone) if self.phone else ""

    @property
    def display_name(self):
        if self.kind == AccountKind.LEGAL and self.enterprise is not None:
            return self.enterprise.name
        return self.real_name or f"{self.first_name}{self.last_name}"


_LIVE = "status = 'active'"
# One live account per identity document, per phone number and per enterprise (FAQ 7).
Index(
    "uq_account_live_document",
    Account.kind,
    Account.document_type,
    Account.document_number,
    unique=True,
    sqlite_where=text(_LIVE + " AND kind = 'personal'"),
    postgresql_where=text(_LIVE + " AND kind = 'personal'"),
)
Index(
    "uq_account_live_phone",
    Account.phone,
    unique=True,
    sqlite_where=text(_LIVE + " AND phone IS NOT NULL"),
    postgresql_where=text(_LIVE + " AND phone IS NOT NULL"),
)
Index(
    "uq_account_live_enterprise",
    Account.enterprise_id,
    unique=True,
    sqlite_where=text(_LIVE + " AND enterprise_id IS NOT NULL"),
    postgresql_where=text(_LIVE + " AND enterprise_id IS NOT NULL"),
)
Index("ix_account_document_number", Account.document_number)


class EnterpriseRegisterEntry(Model):
    """The national enterprise register, as the built-in enterprise verifier sees it.

    A real deployment asks the market-regulation register instead (see
    services/verification.py); this table holds the demonstration register.
    """

    __tablename__ = "enterprise_register_entry"

    id = Column(Integer, primary_key=True)
    uscc = Column(String(18), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    entity_type = Column(String(32), nullable=False)
    legal_rep_name = Column(String(100), nullable=False)
    legal_rep_document_type = Column(String(32), nullable=False)
    legal_rep_document_number = Column(String(32), nullable=False)

    def __repr__(self):
        return self.name


class LegalRepChange(Model):
    """法人变更: the legal representative before and after, for the record."""

    __tablename__ = "legal_rep_change"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    enterprise_id = Column(Integer, ForeignKey("enterprise.id"), nullable=False)
    before = Column(Text, nullable=False)  # JSON
    after = Column(Text, nullable=False)  # JSON
    created_at = Column(DateTime, nullable=False, default=_now)
