"""A 人员资格查询 by identity number: the number waits in the shared store behind a short-lived token.

An identity number never stays in an address or on a page: the search is
redirected to ``?doc=<token>`` (its address, the language links and the pager
then carry the token), and the shared store keeps the number for half an hour.
"""

import re
import secrets

from app.services.platform.shared_store import get_store

TOKEN_SECONDS = 1800
TOKEN_MAX_LENGTH = 32
_TOKEN = re.compile(r"[\w-]+")


def _key(token: str) -> str:
    return f"query:document:{token}"


def remember(number: str) -> str:
    """A new token standing for the (cleaned) identity ``number``."""
    token = secrets.token_urlsafe(12)
    get_store().set(_key(token), number, TOKEN_SECONDS)
    return token


def number_for(token: str) -> str | None:
    """The number a token stands for; None when it has expired or was never given."""
    if not _TOKEN.fullmatch(token):
        return None
    return get_store().get(_key(token))
