"""长辈版 (适老化, MIIT 2021): a display preference the visitor keeps in a cookie, signed in or not.

Only the look changes (larger type, high contrast, bigger targets, a simpler home page): the
pages' content and rules are the same. Pages kept whole for visitors (query_fast_path.py)
are kept per mode.
"""

from collections.abc import Mapping

COOKIE = "elder_mode"
COOKIE_DAYS = 365
MODES = ("elder", "standard")


def elder(cookies: Mapping[str, str]) -> bool:
    return cookies.get(COOKIE) == "1"
