"""Back office of 公示公告, 政策发布, 制度法规: write, schedule, publish and attach files (信息发布员)."""

import datetime

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import BaseView, ModelView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField, StringField, TextAreaField, widgets
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app import clock
from app.formatting import beijing_time
from app.models import Article
from app.services.content import articles, attachments
from app.services.errors import ServiceError
from app.services.platform import storage
from app.services.unit_of_work import unit_of_work
from app.views.admin.forms import AttachmentForm


class _FormSelect(widgets.Select):
    def __call__(self, field, **kwargs):
        kwargs["class"] = "form-control"
        return super().__call__(field, **kwargs)


class _BodyTextArea(widgets.TextArea):
    def __call__(self, field, **kwargs):
        kwargs["class"] = "form-control article-body-input"
        kwargs["rows"] = 18
        return super().__call__(field, **kwargs)


class _DateTimeLocalInput(widgets.DateTimeLocalInput):
    def __call__(self, field, **kwargs):
        kwargs["class"] = "form-control"
        return super().__call__(field, **kwargs)


class BeijingDateTimeField(DateTimeLocalField):
    """Entered and shown in Beijing time; the model keeps naive UTC."""

    widget = _DateTimeLocalInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"])
        super().__init__(*args, tz=clock.CHINA, **kwargs)

    def process_data(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        super().process_data(value)

    def populate_obj(self, obj, name):
        value = self.data
        if value is not None:
            value = clock.utc_of(value)
        setattr(obj, name, value)


DESCRIPTIONS = {
    "body_html": _l(
        "HTML with basic formatting: paragraphs, headings, lists, tables, bold, italics, underline, "
        "quotations and links (http, https or within this site). Anything else, such as scripts, "
        "styles and images, is removed when the article is saved."
    ),
    "publish_at": _l(
        "Beijing time. Leave it empty to publish at once; a later time schedules the article, "
        "which appears on the portal only from then on."
    ),
    "document_number": _l("Optional, e.g. 建市〔2026〕12号"),
}


def _choices(labels):
    return [SelectChoice(value, label) for value, label in labels.items()]


def _form_fields():
    return {
        "column": SelectField(
            _l("Column"), choices=_choices(articles.COLUMNS), widget=_FormSelect(), validators=[DataRequired()]
        ),
        "title": StringField(_l("Title"), widget=BS3TextFieldWidget(), validators=[DataRequired(), Length(max=200)]),
        "department": StringField(
            _l("Issued by"), widget=BS3TextFieldWidget(), validators=[DataRequired(), Length(max=100)]
        ),
        "document_number": StringField(
            _l("Reference number"),
            widget=BS3TextFieldWidget(),
            validators=[Optional(), Length(max=100)],
            description=DESCRIPTIONS["document_number"],
        ),
        "body_html": TextAreaField(
            _l("Text"), widget=_BodyTextArea(), validators=[DataRequired()], description=DESCRIPTIONS["body_html"]
        ),
        "status": SelectField(
            _l("Status"),
            choices=_choices(articles.STATUSES),
            widget=_FormSelect(),
            default=articles.DRAFT,
            validators=[DataRequired()],
        ),
        "publish_at": BeijingDateTimeField(
            _l("Publishing time"), validators=[Optional()], description=DESCRIPTIONS["publish_at"]
        ),
    }


FORM_COLUMNS = ["column", "title", "department", "document_number", "body_html", "status", "publish_at"]


class ArticleAdminView(ModelView):
    datamodel = SQLAInterface(Article)
    list_title = _l("Articles")
    show_title = _l("Article details")
    add_title = _l("Add article")
    edit_title = _l("Edit article")
    list_columns = ["column", "title", "department", "status", "publish_at"]
    add_columns = edit_columns = FORM_COLUMNS
    show_columns = [
        "column",
        "title",
        "department",
        "document_number",
        "status",
        "publish_at",
        "body_html",
        "created_at",
        "updated_at",
        "created_by",
    ]
    search_columns = ["title", "column", "status", "department", "document_number"]
    order_columns = ["column", "title", "status", "publish_at"]
    base_order = ("id", "desc")
    add_form_extra_fields = _form_fields()
    search_form_extra_fields = {
        "column": SelectField(_l("Column"), choices=_choices(articles.COLUMNS), widget=_FormSelect()),
        "status": SelectField(_l("Status"), choices=_choices(articles.STATUSES), widget=_FormSelect()),
    }
    edit_form_extra_fields = _form_fields()
    formatters_columns = {
        "column": lambda value: articles.COLUMNS.get(value, value),
        "status": lambda value: articles.STATUSES.get(value, value),
        "publish_at": beijing_time,
        "created_at": beijing_time,
        "updated_at": beijing_time,
        # Sanitised on save, and once more here: staff see the text as the portal shows it.
        "body_html": lambda value: Markup(articles.sanitize(value)),
        "created_by": lambda value: value or "",
    }
    label_columns = {
        "column": _l("Column"),
        "title": _l("Title"),
        "department": _l("Issued by"),
        "document_number": _l("Reference number"),
        "body_html": _l("Text"),
        "status": _l("Status"),
        "publish_at": _l("Publishing time"),
        "created_at": _l("Created at"),
        "updated_at": _l("Updated at"),
        "created_by": _l("Created by"),
    }
    show_template = "admin/article_show.html"

    def pre_add(self, item):
        if g.user is not None and getattr(g.user, "id", None):
            item.created_by_id = g.user.id
        articles.prepare(item)

    def pre_update(self, item):
        articles.prepare(item)

    # FAB deletes and commits by itself; post_delete runs only once that has succeeded.
    def pre_delete(self, item):
        g.article_files_to_remove = attachments.stored_files(item)

    def post_delete(self, item):
        for stored_name in g.pop("article_files_to_remove", []):
            storage.remove(stored_name)

    def _apply(self, items, change, message):
        items = items if isinstance(items, list) else [items]
        with unit_of_work():
            for item in items:
                change(item)
        flash(message(len(items)), "success")
        return redirect(self.get_redirect())

    @action("publish", _l("Publish"), _l("Publish the selected articles?"), "fa-check", multiple=True, single=True)
    def publish(self, items):
        return self._apply(
            items,
            articles.publish,
            lambda n: _l("%(n)s article(s) published (scheduled ones appear at their publishing time)", n=n),
        )

    @action(
        "unpublish",
        _l("Withdraw"),
        _l("Withdraw the selected articles from the portal?"),
        "fa-undo",
        multiple=True,
        single=True,
    )
    def unpublish(self, items):
        return self._apply(items, articles.unpublish, lambda n: _l("%(n)s article(s) withdrawn", n=n))


class ArticleAttachmentView(BaseView):
    """An article's attachments: upload (PDF, Word, Excel, checked by content, at most 20 MB), download, delete."""

    route_base = "/admin/articles"
    default_view = "attachments"

    @expose("/<int:article_id>/attachments", methods=["GET", "POST"])
    @has_access
    def attachments(self, article_id):
        article = articles.find_article(article_id)
        if article is None:
            abort(404)
        form = AttachmentForm()
        if form.is_submitted():
            self._store(article, form)
            return redirect(url_for("ArticleAttachmentView.attachments", article_id=article.id))
        return self.render_template(
            "admin/article_attachments.html",
            article=article,
            form=form,
            formats=", ".join(f.upper() for f in attachments.ATTACHMENT_FORMATS),
            max_mb=attachments.ATTACHMENT_MAX_MB,
            file_size=_file_size,
        )

    @staticmethod
    def _store(article, form) -> None:
        if not form.validate():
            for message in form.file.errors:
                flash(message, "danger")
            return
        upload = form.file.data
        try:
            with unit_of_work():
                attachment = attachments.add_attachment(article, upload.filename, upload.read())
        except ServiceError as refused:
            flash(refused.message, "danger")
        else:
            flash(_l("Attachment %(name)s uploaded", name=attachment.original_name), "success")

    @expose("/attachments/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_attachment(self, attachment_id):
        attachment = attachments.find_attachment(attachment_id)
        if attachment is None:
            abort(404)
        article_id, name = attachment.article_id, attachment.original_name
        with unit_of_work():
            attachments.delete_attachment(attachment)  # the file goes once the deletion is committed
        flash(_l("Attachment %(name)s deleted", name=name), "success")
        return redirect(url_for("ArticleAttachmentView.attachments", article_id=article_id))

    @expose("/attachments/<int:attachment_id>")
    @has_access
    def download_attachment(self, attachment_id):
        """Staff may open any attachment, also of drafts."""
        attachment = attachments.find_attachment(attachment_id)
        if attachment is None:
            abort(404)
        try:
            return storage.send(
                attachment.stored_name,
                mimetype=attachment.content_type,
                download_name=attachment.original_name,
                max_age=0,
            )
        except FileNotFoundError:
            abort(404)


def _file_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def register_article_views(appbuilder):
    appbuilder.add_view(
        ArticleAdminView,
        "Articles",
        label=_l("Articles"),
        icon="fa-file-text-o",
        category="Portal content",
        category_label=_l("Portal content"),
        category_icon="fa-newspaper-o",
    )
    appbuilder.add_view_no_menu(ArticleAttachmentView)
