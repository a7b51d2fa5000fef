"""Corrections to the public-holiday calendar that staff make in the back office."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, Integer, String


class CalendarOverride(Model):
    """A day whose status differs from the library's calendar (or a year it does not know yet)."""

    __tablename__ = "calendar_override"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, unique=True)
    is_workday = Column(Boolean, nullable=False)
    note = Column(String(100), nullable=False, default="")

    def __repr__(self):
        return f"{self.day} {'workday' if self.is_workday else 'holiday'}"
