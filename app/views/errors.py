"""Translated error pages in the portal's look; never a stack trace."""

import logging

from flask import current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.services.unit_of_work import abandon
from app.views.api import problems
from app.views.api.problems import is_api_request

log = logging.getLogger(__name__)

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to view this page.")),
    404: (_l("Page not found"), _l("The page you requested does not exist or has been moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in that way.")),
    413: (_l("File too large"), _l("The uploaded content exceeds the allowed size.")),
    429: (_l("Too many requests"), _l("You are doing that too often. Please wait a moment and try again.")),
    500: (
        _l("Service temporarily unavailable"),
        _l(
            "The system encountered an error. Please try again later. If the problem persists, contact technical support."
        ),
    ),
}


def _signed_in_staff() -> bool:
    from app.models import AccountKind

    user = getattr(g, "user", None)
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.kind == AccountKind.STAFF)


def _render(code: int, title=None, message=None):
    default_title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    if _signed_in_staff():
        # An officer stays in the back office: its menu, their name, a way back to the desk.
        try:
            return (
                render_template(
                    "admin/error.html",
                    appbuilder=current_app.appbuilder,
                    base_template=current_app.appbuilder.base_template,
                    code=code,
                    title=title or default_title,
                    message=message or default_message,
                ),
                code,
            )
        except Exception:  # the back office's shell itself failed: the portal's page still answers
            log.exception("The back-office error page failed on %s", request.path)
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message,
        ),
        code,
    )


def handle_http_error(error: HTTPException):
    if is_api_request():
        return problems.from_http_exception(error)
    code = error.code or 500
    if code not in ERROR_TEXTS:
        code = 500 if code >= 500 else 400
    return _render(code)


def handle_csrf_error(error: CSRFError):
    if is_api_request():
        return problems.problem(400, error.description)
    return _render(
        400,
        title=_l("Page expired"),
        message=_l("The form has expired or was not submitted from this site. Please reload the page and try again."),
    )


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    abandon()
    if is_api_request():
        return problems.problem(500)
    return _render(InternalServerError.code)


def register_error_handlers(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
