"""办件: applications, their events (the timeline), versioned attachments, inbox messages."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app import clock


class Application(Model):
    __tablename__ = "application"

    id = Column(Integer, primary_key=True)
    number = Column(String(32), unique=True)  # 申报编号, given on submission
    submit_token = Column(String(64), unique=True)  # one case per submitted form, however often it is posted
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    item_id = Column(Integer, ForeignKey("service_item.id"), nullable=False, index=True)
    status = Column(String(24), nullable=False, default="draft", index=True)
    # Province the case belongs to (the employer's, else the applicant's document region): staff data scope.
    province = Column(String(20), nullable=False, default="", server_default="", index=True)
    data = Column(Text, nullable=False, default="{}")  # JSON: what the applicant filled in
    correction = Column(Text, nullable=False, default="")  # JSON: the open correction request
    commitment = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=clock.now)
    submitted_at = Column(DateTime)
    updated_at = Column(DateTime, nullable=False, default=clock.now, onupdate=clock.now)

    item = relationship("ServiceItem")
    account = relationship("Account")
    events = relationship(
        "ApplicationEvent", back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )
    attachments = relationship(
        "Attachment", back_populates="application", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def applicant_name(self):
        return self.account.real_name if self.account else ""

    def __repr__(self):
        return self.number or f"draft {self.id}"


class ApplicationEvent(Model):
    """One step of the timeline: who moved the case from what to what, and why."""

    __tablename__ = "application_event"

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=clock.now)
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    action = Column(String(32), nullable=False)
    from_status = Column(String(24), nullable=False)
    to_status = Column(String(24), nullable=False)
    office = Column(String(100), nullable=False, default="")
    remarks = Column(Text, nullable=False, default="")
    defects = Column(Text, nullable=False, default="")  # JSON list: per material / field

    application = relationship(Application, back_populates="events")


class Attachment(Model):
    """An uploaded material; a new upload for the same material is a new version."""

    __tablename__ = "attachment"

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    material_id = Column(Integer, ForeignKey("service_material.id"), nullable=False)
    version = Column(Integer, nullable=False, default=1)
    is_current = Column(Boolean, nullable=False, default=True)
    original_name = Column(String(255), nullable=False)
    stored_name = Column(String(255), nullable=False, unique=True)
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    uploaded_at = Column(DateTime, nullable=False, default=clock.now)

    application = relationship(Application, back_populates="attachments")
    material = relationship("ServiceMaterial")


class InboxMessage(Model):
    """用户中心 → 我的消息."""

    __tablename__ = "inbox_message"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    application_id = Column(Integer, ForeignKey("application.id"))
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=clock.now)
    read_at = Column(DateTime)

    application = relationship(Application)
