"""One clock for the whole portal.

Times are stored as naive UTC; pages show them in Asia/Shanghai through
flask-babel (BABEL_DEFAULT_TIMEZONE), whatever the server's own time zone.
"""

import datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def china_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day in China of the naive-UTC ``moment``."""
    return moment.replace(tzinfo=datetime.UTC).astimezone(CHINA).date()


def china_midnight_after(moment: datetime.datetime) -> datetime.datetime:
    """Naive-UTC instant of the next midnight in China after the naive-UTC ``moment``."""
    local = moment.replace(tzinfo=datetime.UTC).astimezone(CHINA)
    next_midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), CHINA)
    return next_midnight.astimezone(datetime.UTC).replace(tzinfo=None)
