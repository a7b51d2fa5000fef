"""Corrections to the public-holiday calendar that staff make in the back office."""

import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class CalendarOverride(Model):
    """A day whose status differs from the library's calendar (or a year it does not know yet)."""

    __tablename__ = "calendar_override"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[datetime.date] = mapped_column(Date, nullable=False, unique=True)
    is_workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str] = mapped_column(String(100), nullable=False, default="")

    def __repr__(self) -> str:
        return f"{self.day} {'workday' if self.is_workday else 'holiday'}"
