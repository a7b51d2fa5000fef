"""Cross-cutting records: audit trail, SMS outbox, shared key-value store."""

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, String, Text

from app import clock


def _now():
    return clock.now()


class AuditRecord(Model):
    """Who did what, when, from where: every login and every state change."""

    __tablename__ = "audit_record"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=_now, index=True)
    event = Column(String(64), nullable=False, index=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    subject = Column(String(100), nullable=False, default="")  # masked identifier tried
    ip_address = Column(String(64), nullable=False, default="")
    detail = Column(Text, nullable=False, default="")


class SmsOutboxMessage(Model):
    """What the built-in SMS gateway "sent": staff and tests read it here."""

    __tablename__ = "sms_outbox"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=_now, index=True)
    phone = Column(String(11), nullable=False, index=True)
    purpose = Column(String(32), nullable=False)
    content = Column(String(500), nullable=False)

    @property
    def masked_phone(self):
        return self.phone[:3] + "****" + self.phone[-4:]


class SharedStoreEntry(Model):
    """The database backend of the shared store (used when REDIS_URL is unset)."""

    __tablename__ = "shared_store_entry"

    key = Column(String(200), primary_key=True)
    value = Column(Text, nullable=False, default="")
    counter = Column(BigInteger, nullable=False, default=0)
    expires_at = Column(DateTime, nullable=False, index=True)
