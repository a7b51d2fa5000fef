"""The request id and the account id a piece of work is done for, carried into the logs and into background jobs.

A request takes the ``X-Request-Id`` its proxy sent (letters, digits, ``-``, ``_``, ``.``; at most 64) or a new
random one, and answers with it; the account is the signed-in user's id. A job queued during the request carries
both (app/services/platform/jobs.py) and the worker logs them with every line of that job, so an operator can
follow one request from nginx's log to the worker's.

It lives below ``app.models`` and ``app.services`` (like app/clock.py) so that both can use it without the request.
"""

import contextlib
import re
import secrets
from collections.abc import Iterator
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
account_id: ContextVar[int | None] = ContextVar("portal_account_id", default=None)

_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{1,64}")


def new_request_id(offered: str | None = None) -> str:
    """``offered`` when it is a plausible id (from a trusted proxy's header), else a new random one."""
    if offered and _ACCEPTED.fullmatch(offered):
        return offered
    return secrets.token_hex(16)


def current() -> dict:
    """What a job queued now carries: {"request_id": ..., "account_id": ...} (None outside a request)."""
    return {"request_id": request_id.get(), "account_id": account_id.get()}


@contextlib.contextmanager
def bound(context: dict | None) -> Iterator[None]:
    """Run a block (a job) as part of the request ``context`` came from."""
    context = context or {}
    tokens = (request_id.set(context.get("request_id")), account_id.set(context.get("account_id")))
    try:
        yield
    finally:
        request_id.reset(tokens[0])
        account_id.reset(tokens[1])


def label() -> str:
    """``request=… account=…``, for a log line."""
    return f"request={request_id.get() or '-'} account={account_id.get() or '-'}"
