"""Editable portal content: FAQ entries and site settings."""

import datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app import clock


class FaqEntry(Model):
    """One row of 常见问题 (manual chapter 七)."""

    __tablename__ = "faq_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0, index=True)
    question: Mapped[str] = mapped_column(String(300), nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    answer: Mapped[str] = mapped_column(Text, nullable=False)
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, nullable=False, default=clock.now, server_default=func.now(), onupdate=clock.now
    )

    def __repr__(self) -> str:
        return self.question


class SiteSetting(Model):
    """A value shown on the portal (footer, contact page) that staff may change."""

    __tablename__ = "site_setting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    value: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, nullable=False, default=clock.now, server_default=func.now(), onupdate=clock.now
    )

    def __repr__(self) -> str:
        return f"{self.label or self.key}: {self.value}"


class ErrorReport(Model):
    """政府网站找错 (manual 图3-1-2): a visitor's report of an error on a page, for the content editors."""

    __tablename__ = "error_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False)
    contact: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    handled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    created_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, nullable=False, default=clock.now, server_default=func.now(), index=True
    )

    def __repr__(self) -> str:
        return f"{self.page_url}: {self.description[:40]}"
