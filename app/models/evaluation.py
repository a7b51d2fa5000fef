"""好差评: the applicant's rating of a finished case, and the 差评整改 a bad rating opens."""

import datetime
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock

if TYPE_CHECKING:
    from app.models.case import Application
    from app.models.service import ServiceItem


class CaseEvaluation(Model):
    """One rating per case (政务服务好差评): changeable by its author within a set time."""

    __tablename__ = "case_evaluation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(Integer, ForeignKey("application.id"), nullable=False, unique=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    # Copied from the case so that the statistics group the ratings without walking the cases.
    item_id: Mapped[int] = mapped_column(Integer, ForeignKey("service_item.id"), nullable=False, index=True)
    province: Mapped[str] = mapped_column(String(20), nullable=False, default="", index=True)  # the handling unit
    level: Mapped[int] = mapped_column(Integer, nullable=False)  # 5 非常满意 ... 1 非常不满意
    efficiency: Mapped[int] = mapped_column(Integer, nullable=False)  # 办事效率
    attitude: Mapped[int] = mapped_column(Integer, nullable=False)  # 服务态度
    openness: Mapped[int] = mapped_column(Integer, nullable=False)  # 信息公开
    convenience: Mapped[int] = mapped_column(Integer, nullable=False)  # 便捷程度
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now, index=True)
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    changes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # how often the applicant changed it

    application: Mapped["Application"] = relationship("Application")
    item: Mapped["ServiceItem"] = relationship("ServiceItem")
    rectification: Mapped["Rectification | None"] = relationship(
        "Rectification", back_populates="evaluation", uselist=False
    )

    def __repr__(self) -> str:
        return repr(self.application) if self.application is not None else f"case {self.application_id}"


class Rectification(Model):
    """差评整改: the handling unit's task after a bad rating, its reply, and the applicant's confirmation."""

    __tablename__ = "rectification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(Integer, ForeignKey("case_evaluation.id"), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open", index=True)
    opened_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    due_on: Mapped[datetime.date] = mapped_column(Date, nullable=False)  # 15 working days after opening
    reply: Mapped[str] = mapped_column(Text, nullable=False, default="")
    replied_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    replied_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ab_user.id"))
    # The applicant's word on the reply: "satisfied" / "unsatisfied" ("" until given).
    confirmation: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    confirmed_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)

    evaluation: Mapped[CaseEvaluation] = relationship(CaseEvaluation, back_populates="rectification")

    @property
    def overdue(self) -> bool:
        """Awaiting the unit's reply after its deadline (Beijing date)."""
        return self.status in ("open", "reopened") and clock.today() > self.due_on

    def __repr__(self) -> str:
        return f"rectification {self.id}"
