"""公示公告, 政策发布, 制度法规 (manual 五.1): the three lists, article pages, attachment downloads."""

from flask import Blueprint, abort, render_template, request, url_for

from app.services.content import article_generation, articles, attachments
from app.services.platform import storage
from app.views.portal.forms import ArticleSearchForm

articles_bp = Blueprint("articles", __name__)

# URL path (also the navigation key, ``active_nav``) of each column, and back.
COLUMN_PATHS = {"notice": "notices", "policy": "policies", "regulation": "regulations"}
PATH_COLUMNS = {path: column for column, path in COLUMN_PATHS.items()}


def column_url(column: str) -> str:
    return url_for(f"articles.{COLUMN_PATHS[column]}")


def article_url(article) -> str:
    return url_for("articles.detail", path=COLUMN_PATHS[article.column], article_id=article.id)


def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@articles_bp.app_context_processor
def articles_context():
    """What the article templates (and the home page's partial) call."""
    return {
        "article_url": article_url,
        "article_column_url": column_url,
        "file_size": file_size,
        "article_columns": articles.COLUMNS,
        "latest_by_column": articles.latest_by_column,
        "articles_view_key": article_generation.view_key,
    }


def column_list(path: str):
    column = PATH_COLUMNS[path]
    search = ArticleSearchForm(formdata=request.args)
    raw_keyword, raw_year = search.q.data or "", search.year.data or ""
    page_number = articles.clean_page(search.page.data)
    error = None
    try:
        keyword = articles.clean_keyword(raw_keyword)
    except articles.BadQuery as refused:
        error, keyword = refused.message, None
    try:
        year = articles.clean_year(raw_year)
    except articles.BadQuery as refused:
        error, year = error or refused.message, None
    results = None
    if error is None:
        results = articles.search(column, keyword=keyword, year=year, page=page_number)
    html = render_template(
        "portal/articles/list.html",
        column=column,
        title=articles.COLUMNS[column],
        active_nav=path,
        results=results,
        error=error,
        keyword=raw_keyword[: articles.KEYWORD_MAX_LENGTH * 2],
        year=year,
        years=articles.available_years(column),
        page_args={name: value for name, value in (("q", keyword), ("year", year)) if value},
        keyword_max=articles.KEYWORD_MAX_LENGTH,
    )
    return html, 400 if error else 200


for _path in PATH_COLUMNS:
    articles_bp.add_url_rule(f"/{_path}/", endpoint=_path, view_func=column_list, defaults={"path": _path})


@articles_bp.route("/<any(notices, policies, regulations):path>/<int:article_id>")
def detail(path, article_id):
    column = PATH_COLUMNS[path]
    article = articles.published_article(article_id, column)
    if article is None:
        abort(404)  # drafts and articles scheduled for later do not exist for the public
    return render_template(
        "portal/articles/detail.html",
        article=article,
        column=column,
        column_title=articles.COLUMNS[column],
        active_nav=path,
    )


@articles_bp.route("/articles/attachments/<int:attachment_id>")
def attachment(attachment_id):
    item = attachments.published_attachment(attachment_id)
    if item is None:
        abort(404)
    try:
        return storage.send(
            item.stored_name,
            mimetype=item.content_type,
            download_name=item.original_name,
            max_age=0,
        )
    except FileNotFoundError:
        abort(404)
