"""Integrating agencies (接入单位) of the REST API /api/v1: their clients and the webhook outbox."""

import datetime

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock


class ApiClient(Model):
    """An agency's client: an id and a secret (kept as a SHA-256: it is 256 random bits), its scopes and
    data scope (item groups and a province, empty: all, as for staff), its rate, and where its webhooks go."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    client_id: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    scopes: Mapped[str] = mapped_column(String(200), nullable=False, default="")  # space-separated
    case_groups: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    case_province: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    rate_per_minute: Mapped[int] = mapped_column(Integer, nullable=False, default=120)
    webhook_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    # The HMAC-SHA256 key of the webhooks (the receiver holds the same; shown once, like the secret).
    webhook_secret: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)

    @property
    def scope_list(self) -> list[str]:
        return (self.scopes or "").split()

    @scope_list.setter
    def scope_list(self, value: list[str]) -> None:
        self.scopes = " ".join(value or [])

    def __repr__(self) -> str:
        return f"{self.name} ({self.client_id})"


class WebhookDelivery(Model):
    """The outbox: one row per (client, case event), written with the move it announces, delivered once."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("client_id", "event_key", name="uq_webhook_delivery_client_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(Integer, ForeignKey("api_client.id"), nullable=False, index=True)
    event_key: Mapped[str] = mapped_column(String(64), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)  # the exact JSON bytes signed and sent
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now, index=True)
    delivered_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)  # gave up after the last attempt
    last_error: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    client: Mapped[ApiClient] = relationship(ApiClient)
