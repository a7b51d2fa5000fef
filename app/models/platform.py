"""Cross-cutting records: audit trail, SMS outbox, shared key-value store."""

import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from app import clock


def _now() -> datetime.datetime:
    return clock.now()


class AuditRecord(Model):
    """Who did what, when, from where: every login and every state change."""

    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=_now, index=True)
    event: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ab_user.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ab_user.id"))
    subject: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # masked identifier tried
    ip_address: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class AuditTrailIsAppendOnly(RuntimeError):
    """An audit record was changed or deleted through the ORM: only the archive job removes rows (in bulk, after
    writing them to the file store: app/services/platform/audit_archive.py)."""


@event.listens_for(AuditRecord, "before_update")
@event.listens_for(AuditRecord, "before_delete")
def _append_only(_mapper, _connection, target: AuditRecord) -> None:
    raise AuditTrailIsAppendOnly(f"audit record {target.id} cannot be changed or deleted")


class SmsOutboxMessage(Model):
    """What the built-in SMS gateway "sent": staff and tests read it here."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=_now, index=True)
    phone: Mapped[str] = mapped_column(String(11), nullable=False, index=True)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    content: Mapped[str] = mapped_column(String(500), nullable=False)

    @property
    def masked_phone(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]


class SharedStoreEntry(Model):
    """The database backend of the shared store (used when REDIS_URL is unset)."""

    __tablename__ = "shared_store_entry"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False, default="")
    counter: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, index=True)


class SmsJob(Model):
    """One text handed to the SMS gateway by a background job (app/services/platform/sms.py).

    ``state``: "queued" until the gateway took it ("sent"), or "dead" when every retry failed (the dead-letter
    record operators read in the back office, with the last error). A verification code's text is never kept
    here (``content`` is empty: the code lives only in the job's message); a notification's is.
    """

    __tablename__ = "sms_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=_now, index=True)
    phone: Mapped[str] = mapped_column(String(11), nullable=False, index=True)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    content: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    finished_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    request_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    account_id: Mapped[int | None] = mapped_column(Integer)

    @property
    def masked_phone(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]
