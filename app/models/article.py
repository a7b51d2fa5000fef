"""公示公告, 政策发布, 制度法规 (manual 五.1): articles and their attached files."""

import datetime
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock

if TYPE_CHECKING:
    from app.models.account import Account


class Article(Model):
    """One piece of the three information columns.

    ``body_html`` is always the sanitised HTML (see app.services.content.articles.sanitize);
    ``body_text`` is its plain text, which the keyword search reads.
    Visible on the portal only when published and ``publish_at`` (naive UTC) has come.
    """

    __tablename__ = "article"
    __table_args__ = (Index("ix_article_column_status_publish_at", "column", "status", "publish_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    column: Mapped[str] = mapped_column(String(16), nullable=False)  # notice | policy | regulation
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    department: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # 发布部门
    document_number: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # 文号, optional
    body_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    body_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")  # draft | published
    publish_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)  # scheduled; drafts may have none yet
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTime, nullable=False, default=clock.now, onupdate=clock.now
    )
    created_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=True)

    created_by: Mapped["Account | None"] = relationship("Account")
    attachments: Mapped[list["ArticleAttachment"]] = relationship(
        "ArticleAttachment",
        back_populates="article",
        order_by="(ArticleAttachment.position, ArticleAttachment.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return self.title or f"article {self.id}"


class ArticleAttachment(Model):
    """A file published with an article (PDF or Office document), stored outside the web root."""

    __tablename__ = "article_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer, ForeignKey("article.id"), nullable=False, index=True)
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    article: Mapped[Article] = relationship(Article, back_populates="attachments")

    def __repr__(self) -> str:
        return self.original_name
