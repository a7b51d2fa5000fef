"""公示公告, 政策发布, 制度法规 (manual 五.1): sanitising, publishing and search (attachments: ``attachments``).

No request objects here: the portal pages, the back office and the demonstration
data all go through these functions.

* The body is HTML written by staff; ``sanitize`` keeps only basic formatting
  (nh3, the Python binding of the Ammonia sanitiser) and ``prepare`` stores the
  sanitised HTML and its plain text (which the keyword search reads).
* An article is visible on the portal when it is published and its
  ``publish_at`` (naive UTC) has come: ``published_query``.
* Lists never count the whole table: a page fetches ``per_page + 1`` rows to
  know whether a next page exists.
"""

import datetime
import re
from html.parser import HTMLParser

import nh3
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_

from app import clock
from app.extensions import db
from app.models import Article
from app.services.errors import ServiceError
from app.services.paging import Page

COLUMNS = {
    "notice": _l("Public notices"),
    "policy": _l("Policy releases"),
    "regulation": _l("Rules and regulations"),
}

DRAFT = "draft"
PUBLISHED = "published"
STATUSES = {DRAFT: _l("Draft"), PUBLISHED: _l("Published")}

PER_PAGE = 15
MAX_PAGE = 1000  # deeper pages are refused rather than scanned
KEYWORD_MAX_LENGTH = 50
FIRST_YEAR = 1949

# --- sanitising ---------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
# Removed with everything inside them (other unknown tags lose the tag but keep their text).
REMOVED_WITH_CONTENT = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "textarea",
    "title",
    "select",
}


def _relative_url(url: str):
    """Relative links stay; a protocol-relative '//host' (another site in disguise) goes."""
    if url.startswith(("//", "\\", "/\\")):
        return None
    return url


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=REMOVED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https"},
    link_rel="noopener noreferrer",
    strip_comments=True,
    url_relative=_relative_url,
)


def sanitize(html) -> str:
    """Only basic formatting survives: no scripts, styles, images, event handlers or other resources."""
    if not html:
        return ""
    return _CLEANER.clean(str(html)).strip()


_BLOCK_TAGS = {"p", "br", "h2", "h3", "h4", "li", "tr", "blockquote", "table", "ul", "ol", "th", "td"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html) -> str:
    """The text of (sanitised) HTML, one block per line, for search."""
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).splitlines())
    return "\n".join(line for line in lines if line)


class ArticleRefused(ServiceError, ValueError):
    """An article that cannot be saved as it is; ``message`` is translated."""

    def __init__(self, message):
        super().__init__(message=message)


def prepare(article: Article, now=None) -> Article:
    """Before every save: valid column and status, sanitised body, its plain text."""
    if article.column not in COLUMNS:
        raise ArticleRefused(_l("Choose the column of the article"))
    if article.status not in STATUSES:
        raise ArticleRefused(_l("Choose the status of the article"))
    article.title = " ".join((article.title or "").split())
    if not article.title:
        raise ArticleRefused(_l("Enter the title of the article"))
    article.department = (article.department or "").strip()
    article.document_number = (article.document_number or "").strip()
    article.body_html = sanitize(article.body_html)
    article.body_text = plain_text(article.body_html)
    if article.status == PUBLISHED and article.publish_at is None:
        article.publish_at = now or clock.now()
    return article


def publish(article: Article, now=None) -> None:
    """Published at once, or at its scheduled ``publish_at`` if that is still to come."""
    article.status = PUBLISHED
    if article.publish_at is None:
        article.publish_at = now or clock.now()


def unpublish(article: Article) -> None:
    article.status = DRAFT


# --- what the portal shows ------------------------------------------------------------------


def published_query(column=None, now=None):
    """Articles the public may see: published, and their publishing time has come."""
    query = db.session.query(Article).filter(
        Article.status == PUBLISHED, Article.publish_at.is_not(None), Article.publish_at <= (now or clock.now())
    )
    if column is not None:
        query = query.filter(Article.column == column)
    return query


def _newest_first(query):
    return query.order_by(Article.publish_at.desc(), Article.id.desc())


def latest(column: str, n: int = 6) -> list[Article]:
    return _newest_first(published_query(column)).limit(n).all()


def latest_by_column(n: int = 6) -> dict[str, list[Article]]:
    """{column: its n newest articles}, for the home page."""
    return {column: latest(column, n) for column in COLUMNS}


def published_article(article_id, column=None):
    """The article if the public may see it (in ``column`` when given), else None."""
    return published_query(column).filter(Article.id == article_id).one_or_none()


class BadQuery(ServiceError, ValueError):
    """Search input the lists cannot use; ``message`` is translated and shown to the visitor."""

    def __init__(self, message):
        super().__init__(message=message)


def clean_keyword(value):
    """The keyword with its spaces tidied, None when empty; refused when over-long."""
    keyword = " ".join((value or "").split())
    if len(keyword) > KEYWORD_MAX_LENGTH:
        raise BadQuery(_l("The keyword can be at most %(n)s characters long", n=KEYWORD_MAX_LENGTH))
    return keyword or None


def _current_china_year() -> int:
    return clock.today().year


def clean_year(value):
    """A calendar year between 1949 and next year, None when empty; anything else is refused."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{4}", text) or not FIRST_YEAR <= int(text) <= _current_china_year() + 1:
        raise BadQuery(_l("Choose a year from the list"))
    return int(text)


def clean_page(value) -> int:
    """Page numbers are forgiving: anything that is not a sensible number means the first page."""
    text = str(value or "").strip()
    if not re.fullmatch(r"[0-9]{1,6}", text):
        return 1
    return min(max(int(text), 1), MAX_PAGE)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Naive-UTC [start, end) of a calendar year in Beijing time."""
    return clock.china_midnight(datetime.date(year, 1, 1)), clock.china_midnight(datetime.date(year + 1, 1, 1))


def search(column: str, keyword=None, year=None, page=1, per_page=PER_PAGE) -> Page:
    """Published articles of ``column``, newest first, with every keyword word in the title or text.

    Raises BadQuery for an over-long keyword or an impossible year.
    """
    if column not in COLUMNS:
        raise ValueError(f"unknown column {column!r}")
    keyword = clean_keyword(keyword)
    year = clean_year(year)
    page = min(max(int(page or 1), 1), MAX_PAGE)
    query = published_query(column)
    if keyword:
        for term in keyword.split(" "):
            query = query.filter(
                or_(Article.title.icontains(term, autoescape=True), Article.body_text.icontains(term, autoescape=True))
            )
    if year is not None:
        start, end = year_bounds(year)
        query = query.filter(Article.publish_at >= start, Article.publish_at < end)
    rows = _newest_first(query).offset((page - 1) * per_page).limit(per_page + 1).all()
    return Page(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)


def available_years(column: str) -> list[int]:
    """Beijing calendar years in which ``column`` has published articles, newest first."""
    first, last = (
        published_query(column).with_entities(func.min(Article.publish_at), func.max(Article.publish_at)).one()
    )
    if first is None:
        return []
    years = []
    for year in range(clock.china_date(last).year, clock.china_date(first).year - 1, -1):
        start, end = year_bounds(year)
        exists = published_query(column).filter(and_(Article.publish_at >= start, Article.publish_at < end))
        if db.session.query(exists.exists()).scalar():
            years.append(year)
    return years


def find_article(article_id: int) -> Article | None:
    return db.session.get(Article, article_id)
