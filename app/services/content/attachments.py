"""The files attached to articles (manual 五.1): checked by content, stored, listed and deleted.

Attachments are PDF or Office documents recognised by what is inside them,
never by their name; they are kept in the file store's "uploads" area with random names
(outside the web root) and downloaded with a cleaned-up
version of the uploader's name.
"""

import os

import filetype
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Article, ArticleAttachment
from app.services.content.articles import published_query
from app.services.platform import storage
from app.services.platform.storage import StoredFile, UploadRefused

ATTACHMENT_MAX_MB = 20
# What each accepted format looks like inside (by content, never by name) → the extension it is stored with.
ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
ATTACHMENT_FORMATS = ("pdf", "doc", "docx", "xls", "xlsx")


def check_attachment(data: bytes) -> tuple[str, str]:
    """(content type, extension) of an acceptable attachment; UploadRefused otherwise."""
    if not data:
        raise UploadRefused(_l("The file is empty"))
    if len(data) > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise UploadRefused(_l("The file is larger than %(mb)s MB", mb=ATTACHMENT_MAX_MB))
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime not in ATTACHMENT_TYPES:
        # A .docx or .xlsx is a ZIP archive inside: ask the document matchers directly.
        document = filetype.document_match(data)
        mime = document.mime if document else mime
    if mime not in ATTACHMENT_TYPES:
        raise UploadRefused(
            _l(
                "Only these formats are accepted: %(formats)s (checked by the file content)",
                formats=", ".join(f.upper() for f in ATTACHMENT_FORMATS),
            )
        )
    return mime, ATTACHMENT_TYPES[mime]


def save_attachment(data: bytes) -> StoredFile:
    """Check, then store with a random name (removed again if the unit of work fails)."""
    content_type, extension = check_attachment(data)
    return storage.store_checked(data, content_type, extension)


def display_name(filename, extension: str) -> str:
    """The name a download gets: the uploader's, without folders or control characters, with the real extension."""
    base = os.path.basename(str(filename or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0].strip() if "." in base else base
    stem = stem[:200] or "attachment"
    return f"{stem}.{extension}"


def add_attachment(article: Article, filename, data: bytes) -> ArticleAttachment:
    """Store the file and add its row. In a unit of work a failed commit removes the file again;
    outside one the caller commits, or calls storage.remove on failure."""
    stored = save_attachment(data)
    position = max((a.position for a in article.attachments), default=0) + 1
    attachment = ArticleAttachment(
        original_name=display_name(filename, stored.stored_name.rsplit(".", 1)[1]),
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        position=position,
    )
    article.attachments.append(attachment)
    db.session.add(attachment)
    return attachment


def delete_attachment(attachment: ArticleAttachment) -> str:
    """Delete the row; its file goes once the unit of work commits (never if it rolls back).

    Returns the stored name: outside a unit of work the caller removes the file after committing.
    """
    stored_name = attachment.stored_name
    if attachment.article is not None:
        attachment.article.attachments.remove(attachment)
    db.session.delete(attachment)
    storage.remove_after_commit(stored_name)
    return stored_name


def stored_files(article: Article) -> list[str]:
    """The files of an article, to remove once its deletion is committed."""
    return [attachment.stored_name for attachment in article.attachments]


def published_attachment(attachment_id):
    """An attachment whose article the public may see, else None."""
    return (
        db.session.query(ArticleAttachment)
        .join(Article, ArticleAttachment.article_id == Article.id)
        .filter(ArticleAttachment.id == attachment_id, Article.id.in_(published_query().with_entities(Article.id)))
        .one_or_none()
    )


def find_attachment(attachment_id: int) -> ArticleAttachment | None:
    """Any attachment, also of drafts (the back office's)."""
    return db.session.get(ArticleAttachment, attachment_id)
