"""Accounts (FAB's user, extended), enterprises and their registers."""

import datetime
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.masking import mask_document, mask_phone, mask_uscc


def _now() -> datetime.datetime:
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    legal_rep_name: Mapped[str] = mapped_column(String(100), nullable=False)
    legal_rep_document_type: Mapped[str] = mapped_column(String(32), nullable=False)
    legal_rep_document_number: Mapped[str] = mapped_column(String(32), nullable=False)
    legal_rep_valid_from: Mapped[datetime.date | None] = mapped_column(Date)
    legal_rep_valid_to: Mapped[datetime.date | None] = mapped_column(Date)  # None: long-term (长期有效)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=_now)

    @property
    def masked_uscc(self) -> str:
        return mask_uscc(self.uscc)

    def __repr__(self) -> str:
        return self.name


class Account(User):
    """Every person who signs in: staff, citizens (个人) and legal entities (法人).

    FAB's ``username`` and ``email`` are unique: a cancelled account gives them
    back (see accounts.cancel_account) so that the same person can register again,
    while its own columns keep the record.
    """

    __tablename__ = "ab_user"

    kind: Mapped[str] = mapped_column(
        String(16), nullable=False, default=AccountKind.STAFF, server_default=AccountKind.STAFF
    )
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=AccountStatus.ACTIVE, server_default=AccountStatus.ACTIVE
    )
    real_name: Mapped[str | None] = mapped_column(String(100))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[datetime.date | None] = mapped_column(Date)
    document_type: Mapped[str | None] = mapped_column(String(32))
    document_number: Mapped[str | None] = mapped_column(String(32))
    passport_country: Mapped[str | None] = mapped_column(String(64))
    document_valid_from: Mapped[datetime.date | None] = mapped_column(Date)
    document_valid_to: Mapped[datetime.date | None] = mapped_column(Date)
    needs_manual_check: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    phone: Mapped[str | None] = mapped_column(String(11))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    enterprise_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("enterprise.id"))
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    cancelled_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    # 账户设置: no reminders that the law does not require (加注 expiring, a draft to be discarded)
    statutory_reminders_only: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    # Staff data scope (empty: everything): the item groups (comma-separated) and the province of the cases
    # this officer may see and handle.
    case_groups: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    case_province: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="")

    enterprise: Mapped[Enterprise | None] = relationship(Enterprise, foreign_keys=[enterprise_id])

    @property
    def is_cancelled(self) -> bool:
        return self.status == AccountStatus.CANCELLED

    @property
    def masked_document(self) -> str:
        if self.kind == AccountKind.LEGAL and self.enterprise is not None:
            return mask_uscc(self.enterprise.uscc)
        if self.document_number:
            return mask_document(self.document_type, self.document_number)
        return ""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def get_full_name(self) -> str:
        """姓 and 名 joined as Chinese names are written (FAB puts a space between them)."""
        first, last = self.first_name or "", self.last_name or ""
        if first.isascii() and last.isascii():
            return f"{first} {last}".strip()
        return f"{first}{last}"

    def __repr__(self) -> str:
        return self.get_full_name()

    @property
    def display_name(self) -> str:
        if self.kind == AccountKind.LEGAL and self.enterprise is not None:
            return self.enterprise.name
        return self.real_name or f"{self.first_name}{self.last_name}"


_LIVE = "status = 'active'"
# One live account per identity document, per enterprise (FAQ 7) and per phone number of each kind: the phone
# identifies a person, who may hold a personal account and also be the legal representative of a company's.
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
    Account.kind,
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
# The staff queue's search by the applicant's name (real_name LIKE '王%'): a range of this index on
# PostgreSQL whatever the database's collation, read from the index alone (with the id the queue joins on);
# SQLite's LIKE ignores case and scans the (small) table.
Index("ix_account_real_name_prefix", Account.real_name, Account.id, postgresql_ops={"real_name": "text_pattern_ops"})


@event.listens_for(Account.active, "set")
def _deactivation_ends_sessions(account, value, previous, initiator):
    """An administrator's lock (``active`` off) ends the account's sessions for good: unlocking it later
    does not bring a copied cookie back."""
    if value is False and previous is not False:
        account.session_version = (account.session_version or 0) + 1


class EnterpriseRegisterEntry(Model):
    """The national enterprise register, as the built-in enterprise verifier sees it.

    A real deployment asks the market-regulation register instead (see
    services/verification.py); this table holds the demonstration register.
    """

    __tablename__ = "enterprise_register_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    legal_rep_name: Mapped[str] = mapped_column(String(100), nullable=False)
    legal_rep_document_type: Mapped[str] = mapped_column(String(32), nullable=False)
    legal_rep_document_number: Mapped[str] = mapped_column(String(32), nullable=False)
    # 成立日期 (the 房地产开发企业一级资质核定 counts the years of development from it); None when not on record.
    established_on: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)

    def __repr__(self) -> str:
        return self.name


class LegalRepChange(Model):
    """法人变更: the legal representative before and after, for the record."""

    __tablename__ = "legal_rep_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    enterprise_id: Mapped[int] = mapped_column(Integer, ForeignKey("enterprise.id"), nullable=False)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=_now)
