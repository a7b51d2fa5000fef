"""How instants are shown: Beijing time, labelled as such (the portal's one clock, see app/clock.py).

Instants are stored as naive UTC; flask-babel converts them with
``BABEL_DEFAULT_TIMEZONE`` (Asia/Shanghai). Dates (validity, deadlines) are
already Beijing dates and are shown as ``YYYY-MM-DD``.
"""

import json

from flask_babel import format_datetime
from flask_babel import gettext as _


def beijing_time(value) -> str:
    """``2026-12-03 04:15（北京时间）``; empty rather than 'None'."""
    if not value:
        return ""
    return _("%(time)s (Beijing time)", time=format_datetime(value, "yyyy-MM-dd HH:mm"))


def beijing_date(value) -> str:
    """The Beijing calendar day of a naive-UTC instant, ``YYYY-MM-DD``."""
    return format_datetime(value, "yyyy-MM-dd") if value else ""


def json_text(value) -> str:
    """A JSON column's value as readable text (Chinese characters as they are, not a Python repr); empty if empty."""
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, default=str)
