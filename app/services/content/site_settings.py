"""Site-wide values (footer, contact page): config defaults, staff overrides.

Their generation (``generation()``) is a number in the shared store that moves on after every committed change
to a setting, whichever process made it: each process compares it, at most every ``REFRESH_SECONDS``, with the
one its settings were read under, so an edit saved on one instance retires the settings, the page chrome and
the kept query pages of every instance within about a second (app/platform/site_settings.py).
"""

import logging
import time

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import SiteSetting
from app.services.platform import generations
from app.services.platform.shared_store import get_store

GENERATION_KEY = "site-settings:generation"
REFRESH_SECONDS = 1.0
_KEEP_SECONDS = 10 * 365 * 86400
_EXTENSION = "portal_site_settings_generation"

log = logging.getLogger(__name__)


def generation() -> int:
    """The settings' generation as this process knows it (read again from the store every second or so)."""
    state = current_app.extensions.setdefault(_EXTENSION, {"value": None, "read_at": 0.0})
    now = time.monotonic()
    if state["value"] is None or now - state["read_at"] >= REFRESH_SECONDS:
        raw = get_store().get(GENERATION_KEY)
        state["value"] = int(raw) if raw and str(raw).isdigit() else 0
        state["read_at"] = now
    return state["value"]


def bump() -> int:
    """Every process reads the settings again (and renders the chrome again) on its next look."""
    value = get_store().incr(GENERATION_KEY, _KEEP_SECONDS)
    current_app.extensions[_EXTENSION] = {"value": value, "read_at": time.monotonic()}
    return value


def _touches_settings(session) -> bool:
    return any(isinstance(instance, SiteSetting) for instance in generations.pending(session))


_WATCHER = generations.AfterCommit(
    "site_settings_changed", _touches_settings, lambda: bump(), "the site settings' generation"
)
install = _WATCHER.install


# The order is the order of the back-office list and of the contact page.
SETTING_LABELS = {
    "site_name": "站点名称",
    "platform_line": "平台名称",
    "host_organization": "主办单位",
    "operator_organization": "承办单位",
    "icp_record": "备案编号",
    "address": "地址",
    "postcode": "邮编",
    "support_phone": "技术支持电话",
    "support_email": "电子邮箱",
    "peak_hours_advice": "高峰期提示",
}


def current_settings(defaults: dict) -> dict:
    """Return ``defaults`` with every value staff have set in the database."""
    merged = dict(defaults)
    try:
        rows = db.session.query(SiteSetting.key, SiteSetting.value).all()
    except SQLAlchemyError:
        # An error page must still render when the database is down.
        logging.getLogger(__name__).exception("site settings unavailable")
        db.session.rollback()
        return merged
    merged.update({key: value for key, value in rows if value})
    return merged


def seed_settings(defaults: dict) -> int:
    """Create the rows staff edit, once; existing values are never overwritten."""
    existing = {key for (key,) in db.session.query(SiteSetting.key)}
    created = 0
    for key, label in SETTING_LABELS.items():
        if key in existing or key not in defaults:
            continue
        db.session.add(SiteSetting(key=key, label=label, value=defaults[key]))
        created += 1
    return created
