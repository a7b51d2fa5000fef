"""The registers' generation: a number that moves on whenever a public register changes.

Cached query pages (app/platform/query_cache.py) are keyed by it, so a change to
a register (a registration issued, renewed, changed or cancelled, an enterprise
qualification added, a case of a registered person issued) retires every cached
result at once, in every server process. The number lives in the shared store;
each process reads it at most once every ``REFRESH_SECONDS``, so another
process's change shows within that time and this process's own at once.

Changes are noticed in the ORM session (``before_flush``) and the number moves
after the commit, never for a transaction that is rolled back. A register loaded
by other means (a bulk import) calls ``bump()`` itself. The application factory
calls ``install()``, which puts the listeners on SQLAlchemy's ``Session``.
"""

import logging
import time
from itertools import chain

from flask import current_app
from sqlalchemy import inspect

from app.models import Account, Application, EnterpriseQualification, PersonRegistration, RegisteredSpecialty
from app.services.cases.workflow import Status
from app.services.platform import generations
from app.services.platform.shared_store import get_store

KEY = "registers:generation"
REFRESH_SECONDS = 1.0
_KEEP_SECONDS = 10 * 365 * 86400
_EXTENSION = "portal_register_generation"
_REGISTER_MODELS = (PersonRegistration, RegisteredSpecialty, EnterpriseQualification)
# What the person detail page shows besides the register: the issued cases of the holder.
_ACCOUNT_FIELDS = ("document_number", "document_type")

log = logging.getLogger(__name__)


def current() -> int:
    """The generation this process works with (read again from the store every second or so)."""
    state = current_app.extensions.setdefault(_EXTENSION, {"value": None, "read_at": 0.0})
    now = time.monotonic()
    if state["value"] is None or now - state["read_at"] >= REFRESH_SECONDS:
        raw = get_store().get(KEY)
        state["value"] = int(raw) if raw and str(raw).isdigit() else 0
        state["read_at"] = now
    return state["value"]


def bump() -> int:
    """Retire every cached query result (in every process)."""
    value = get_store().incr(KEY, _KEEP_SECONDS)
    current_app.extensions[_EXTENSION] = {"value": value, "read_at": time.monotonic()}
    return value


def _changed(instance, fields) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _issued_changed(application) -> bool:
    history = inspect(application).attrs.status.history
    return Status.ISSUED in chain(history.added or (), history.deleted or ())


def touches_registers(session) -> bool:
    """Whether the pending changes of ``session`` change what the public queries show."""
    for instance in chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, _REGISTER_MODELS):
            return True
        if isinstance(instance, Application) and instance in session.dirty and _issued_changed(instance):
            return True
        if isinstance(instance, Account) and instance in session.dirty and _changed(instance, _ACCOUNT_FIELDS):
            return True
    return False


_WATCHER = generations.AfterCommit("registers_changed", touches_registers, lambda: bump(), "the registers' generation")
install = _WATCHER.install
