"""Site-wide values (footer, contact page): config defaults, staff overrides."""

import logging

from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import SiteSetting

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
