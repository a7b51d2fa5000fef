"""RFC 9457 problem details: every error of /api/v1 is ``application/problem+json``, its ``title`` and
``detail`` in Chinese unless the caller's Accept-Language prefers English."""

from flask import jsonify, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

PROBLEMS = {
    400: ("bad-request", _l("Bad request"), _l("The request could not be understood.")),
    401: ("unauthorized", _l("Authentication required"), _l("This call needs a valid client token (Bearer).")),
    403: ("forbidden", _l("Not allowed"), _l("The client's scopes do not allow this call.")),
    404: ("not-found", _l("Not found"), _l("There is no such record.")),
    405: ("method-not-allowed", _l("Method not allowed"), _l("This address does not accept that method.")),
    406: ("not-acceptable", _l("Not acceptable"), _l("The API answers in JSON only.")),
    413: ("too-large", _l("Request too large"), _l("The request is larger than allowed.")),
    415: ("unsupported-media-type", _l("Unsupported media type"), _l("Send JSON (application/json).")),
    422: ("invalid-input", _l("Invalid input"), _l("Some values are missing or invalid; see errors.")),
    429: ("too-many-requests", _l("Too many requests"), _l("The call rate of this client or address is exceeded.")),
    500: ("server-error", _l("Server error"), _l("The service could not answer; please try again later.")),
}


def is_api_request() -> bool:
    return request.path == "/api/v1" or request.path.startswith("/api/v1/")


def _locale() -> str:
    return request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")[:2]


def problem(status: int, detail=None, *, errors: dict | None = None, headers: dict | None = None):
    known = status if status in PROBLEMS else (500 if status >= 500 else 400)
    slug, title, default_detail = PROBLEMS[known]
    with force_locale(_locale()):
        body = {
            "type": TYPE_BASE + slug,
            "title": str(title),
            "status": status,
            "detail": str(detail if detail is not None else default_detail),
            "instance": request.path,
        }
        if errors:
            body["errors"] = {
                field: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
                for field, messages in errors.items()
            }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MEDIA_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages) -> dict:
    """webargs' {"query": {"name": ["..."]}} → {"name": ["..."]}."""
    flat: dict = {}
    for location in (messages or {}).values():
        if isinstance(location, dict):
            for field, value in location.items():
                flat[field] = value if isinstance(value, list) else [str(value)]
    return flat


def from_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = _flatten(data.get("messages")) or None
    headers = {name: value for name, value in error.get_headers() if name.lower() in ("retry-after", "allow")}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'

    if isinstance(error.description, str) and getattr(error, "portal_detail", False):
        return problem(status, error.description, errors=errors, headers=headers)
    return problem(status, errors=errors, headers=headers)
