"""公示公告, 政策发布, 制度法规 (manual 五.1): articles and their attached files."""

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from app import clock


class Article(Model):
    """One piece of the three information columns.

    ``body_html`` is always the sanitised HTML (see app.services.content.articles.sanitize);
    ``body_text`` is its plain text, which the keyword search reads.
    Visible on the portal only when published and ``publish_at`` (naive UTC) has come.
    """

    __tablename__ = "article"
    __table_args__ = (Index("ix_article_column_status_publish_at", "column", "status", "publish_at"),)

    id = Column(Integer, primary_key=True)
    column = Column(String(16), nullable=False)  # notice | policy | regulation
    title = Column(String(200), nullable=False)
    department = Column(String(100), nullable=False, default="")  # 发布部门
    document_number = Column(String(100), nullable=False, default="")  # 文号, optional
    body_html = Column(Text, nullable=False, default="")
    body_text = Column(Text, nullable=False, default="")
    status = Column(String(16), nullable=False, default="draft")  # draft | published
    publish_at = Column(DateTime)  # scheduled publishing time; drafts may have none yet
    created_at = Column(DateTime, nullable=False, default=clock.now)
    updated_at = Column(DateTime, nullable=False, default=clock.now, onupdate=clock.now)
    created_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    created_by = relationship("Account")
    attachments = relationship(
        "ArticleAttachment",
        back_populates="article",
        order_by="(ArticleAttachment.position, ArticleAttachment.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self):
        return self.title or f"article {self.id}"


class ArticleAttachment(Model):
    """A file published with an article (PDF or Office document), stored outside the web root."""

    __tablename__ = "article_attachment"

    id = Column(Integer, primary_key=True)
    article_id = Column(Integer, ForeignKey("article.id"), nullable=False, index=True)
    original_name = Column(String(255), nullable=False)
    stored_name = Column(String(255), nullable=False, unique=True)
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    position = Column(Integer, nullable=False, default=0)

    article = relationship(Article, back_populates="attachments")

    def __repr__(self):
        return self.original_name
