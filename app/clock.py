"""One clock for the whole portal.

Every deadline, validity, notice and certificate date of the portal is a
Beijing date (Asia/Shanghai, the statutory time zone), whatever the time zone
of the machine. Instants are stored as naive UTC; pages show them in Beijing
time through flask-babel (``BABEL_DEFAULT_TIMEZONE``) with the ``beijing_time``
filter. Nothing in ``app/`` asks the machine for its local date or time
(``date.today()``, naive ``datetime.now()``): ruff's DTZ rules refuse it.

It lives below ``app.models`` and ``app.services`` so that both can use it.
"""

import datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> datetime.datetime:
    """The current instant as naive UTC (how the database keeps it)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def today() -> datetime.date:
    """Today's date in Beijing."""
    return datetime.datetime.now(CHINA).date()


def in_china(moment: datetime.datetime) -> datetime.datetime:
    """The naive-UTC ``moment`` as an aware Beijing time."""
    return moment.replace(tzinfo=datetime.UTC).astimezone(CHINA)


def china_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day in China of the naive-UTC ``moment``."""
    return in_china(moment).date()


def utc_of(local: datetime.datetime) -> datetime.datetime:
    """A Beijing wall-clock time (naive or aware) as naive UTC."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=CHINA)
    return local.astimezone(datetime.UTC).replace(tzinfo=None)


def china_midnight(day: datetime.date) -> datetime.datetime:
    """Naive-UTC instant at which ``day`` begins in China."""
    return utc_of(datetime.datetime.combine(day, datetime.time()))


def china_midnight_after(moment: datetime.datetime) -> datetime.datetime:
    """Naive-UTC instant of the next midnight in China after the naive-UTC ``moment``."""
    return china_midnight(china_date(moment) + datetime.timedelta(days=1))
