"""Editable portal content: FAQ entries and site settings."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, func

from app import clock


class FaqEntry(Model):
    """One row of 常见问题 (manual chapter 七)."""

    __tablename__ = "faq_entry"

    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False, default=0, index=True)
    question = Column(String(300), nullable=False)
    location = Column(String(200), nullable=False, default="")
    answer = Column(Text, nullable=False)
    published = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime, nullable=False, default=clock.now, server_default=func.now(), onupdate=clock.now)

    def __repr__(self):
        return self.question


class SiteSetting(Model):
    """A value shown on the portal (footer, contact page) that staff may change."""

    __tablename__ = "site_setting"

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, unique=True)
    label = Column(String(100), nullable=False, default="")
    value = Column(String(500), nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, default=clock.now, server_default=func.now(), onupdate=clock.now)

    def __repr__(self):
        return f"{self.label or self.key}: {self.value}"
