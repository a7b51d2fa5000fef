"""办件: applications, their events (the timeline), versioned attachments, inbox messages."""

import datetime
from typing import TYPE_CHECKING, Any

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock

if TYPE_CHECKING:
    from app.models.account import Account
    from app.models.service import ServiceItem, ServiceMaterial


# The statuses some staff step starts from (services/cases/queue.py statuses_for(STAFF_ACTIONS)).
QUEUE_STATUSES = ("accepted", "approved", "resubmitted", "reviewed", "submitted", "under_review")
QUEUE_INDEX_WHERE = "status IN (" + ", ".join(f"'{status}'" for status in QUEUE_STATUSES) + ")"


class Application(Model):
    __tablename__ = "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)  # 申报编号, given on submission
    # one case per submitted form, however often it is posted
    submit_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    item_id: Mapped[int] = mapped_column(Integer, ForeignKey("service_item.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="draft", index=True)
    # Province the case belongs to (the employer's, else the applicant's document region): staff data scope.
    province: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="", index=True)
    # JSON values are replaced, never changed in place: SQLAlchemy does not see a mutated dict.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # what the applicant filled in
    # The open correction request ({"reason": ..., "defects": [...]}), {} when there is none.
    correction: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    commitment: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    # 统计报表 counts the cases submitted in a period (app/services/cases/statistics.py)
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, index=True)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, nullable=False, default=clock.now, onupdate=clock.now
    )
    # 领取 / 指派: the officer who works the case in its present stage (None: in the stage's pool).
    claimed_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ab_user.id"), index=True)
    claimed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    # The deadline of the present stage (acceptance: 5 working days; then the promised limit), kept at
    # every move so that the queue sorts in SQL; None when no clock runs (draft, returned, finished).
    due_on: Mapped[datetime.date | None] = mapped_column(Date)
    # What the 准予行政许可决定书 grants (the register is written on issuing, with these).
    granted_number: Mapped[str | None] = mapped_column(String(32))
    granted_from: Mapped[datetime.date | None] = mapped_column(Date)
    granted_to: Mapped[datetime.date | None] = mapped_column(Date)

    # The staff queue (services/cases/queue.py) reads a page as a range of this index, in its order,
    # from the key of the case the page follows; the officer's statuses, province and the applicant
    # are checked in the index itself. On PostgreSQL it holds only the cases a queue can show (a
    # million-case table keeps about a tenth of its rows here; a test keeps the list in step with
    # the workflow).
    __table_args__ = (
        Index(
            "ix_application_queue",
            "due_on",
            "submitted_at",
            "id",
            "status",
            "province",
            "account_id",
            postgresql_where=text(QUEUE_INDEX_WHERE),
        ),
        # The queue's total (a COUNT by status, within a province, joined to the applicants found by
        # name), read from this index alone.
        Index(
            "ix_application_queue_count",
            "status",
            "province",
            "account_id",
            postgresql_where=text(QUEUE_INDEX_WHERE),
        ),
    )

    item: Mapped["ServiceItem"] = relationship("ServiceItem")
    account: Mapped["Account"] = relationship("Account", foreign_keys=[account_id])
    claimed_by: Mapped["Account | None"] = relationship("Account", foreign_keys=[claimed_by_id])
    events: Mapped[list["ApplicationEvent"]] = relationship(
        "ApplicationEvent", back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        "Attachment", back_populates="application", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def applicant_name(self) -> str | None:
        return self.account.real_name if self.account else ""

    def __repr__(self) -> str:
        return self.number or f"draft {self.id}"


class ApplicationEvent(Model):
    """One step of the timeline: who moved the case from what to what, and why."""

    __tablename__ = "application_event"
    __table_args__ = (
        # 统计报表: the decisions and certificates of a period; each case's first acceptance (index only).
        Index("ix_application_event_action_created_at", "action", "created_at"),
        Index("ix_application_event_case_action", "application_id", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ab_user.id"))
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    from_status: Mapped[str] = mapped_column(String(24), nullable=False)
    to_status: Mapped[str] = mapped_column(String(24), nullable=False)
    office: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")
    defects: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)  # per material / field
    # 审查意见 (submit_opinion): "grant" or "refuse", and the reasons; for the back office only.
    recommendation: Mapped[str] = mapped_column(String(16), nullable=False, default="", server_default="")
    recommendation_reasons: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")

    application: Mapped[Application] = relationship(Application, back_populates="events")


class Attachment(Model):
    """An uploaded material; a new upload for the same material is a new version."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    material_id: Mapped[int] = mapped_column(Integer, ForeignKey("service_material.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)

    application: Mapped[Application] = relationship(Application, back_populates="attachments")
    material: Mapped["ServiceMaterial"] = relationship("ServiceMaterial")


class InboxMessage(Model):
    """用户中心 → 我的消息."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    application_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("application.id"))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    # "case" (a case's own message) or "reminder" (到期提醒, app/services/reminders)
    category: Mapped[str] = mapped_column(String(16), nullable=False, default="case", server_default="case")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    read_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)

    application: Mapped[Application | None] = relationship(Application)
