"""政府网站找错 (manual 图3-1-2): anyone reports an error on a page; the content editors read the reports."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import ErrorReport
from app.services.errors import ServiceError
from app.services.platform import audit

MAX_DESCRIPTION = 2000


def report(page_url: str, description: str, contact: str, *, ip: str = "") -> ErrorReport:
    """Keep a report, or raise ServiceError with the problems beside their fields (nothing is saved)."""
    page_url, description, contact = (page_url or "").strip(), (description or "").strip(), (contact or "").strip()
    errors = {}
    parts = urlsplit(page_url)
    if not page_url:
        errors["page_url"] = _l("Please give the address of the page with the error")
    elif len(page_url) > 500 or not (parts.scheme in ("http", "https") and parts.netloc or page_url.startswith("/")):
        errors["page_url"] = _l("Please give the page address as it appears in the browser, e.g. /help/faq")
    if not description:
        errors["description"] = _l("Please describe the error")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _l("At most %(n)s characters", n=MAX_DESCRIPTION)
    if len(contact) > 100:
        errors["contact"] = _l("At most %(n)s characters", n=100)
    if errors:
        raise ServiceError(errors)
    entry = ErrorReport(page_url=page_url, description=description, contact=contact)
    db.session.add(entry)
    db.session.flush()
    audit.record(audit.AuditEvent.ERROR_REPORTED, ip=ip, subject=str(entry.id), page=page_url[:200])
    return entry
