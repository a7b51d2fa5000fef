"""Move a generation on after the commit of a change it counts: the registers', the site settings' and the
statistics reports' generations retire what every process keeps (query pages, settings and chrome, reports).

Each ``AfterCommit`` notes at flush time whether the session's pending changes count, and bumps once the
whole transaction has committed (not when a savepoint is released: unit_of_work.committed_for_good); a
rollback forgets the note.
"""

import itertools
import logging
import time
from collections.abc import Callable
from itertools import chain

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services.unit_of_work import committed_for_good

log = logging.getLogger(__name__)
_local_bumps = itertools.count(1)


class AfterCommit:
    def __init__(self, flag: str, counts: Callable[[Session], bool], bump: Callable[[], object], what: str):
        self.flag, self.counts, self.bump, self.what = flag, counts, bump, what

    def _note(self, session, _flush_context, _instances) -> None:
        if not session.info.get(self.flag) and self.counts(session):
            session.info[self.flag] = True

    def _after_commit(self, session) -> None:
        if not committed_for_good(session):
            return
        if session.info.pop(self.flag, False) and has_app_context():
            try:
                self.bump()
            except Exception:  # the change is committed; what is kept then retires by its age
                log.exception("could not move %s on", self.what)

    def _forget(self, session) -> None:
        session.info.pop(self.flag, None)

    def install(self) -> None:
        """Listen to every ORM session (once per process, however many applications are built)."""
        for name, listener in (
            ("before_flush", self._note),
            ("after_commit", self._after_commit),
            ("after_rollback", self._forget),
        ):
            if not event.contains(Session, name, listener):
                event.listen(Session, name, listener)


def pending(session):
    """Every instance the session is about to write or delete."""
    return chain(session.new, session.dirty, session.deleted)


class Generation:
    """A number in the shared store that moves on after the commit of a change ``counts`` sees: what is rendered
    from the data it counts is kept under it (every process reads it at most every ``REFRESH_SECONDS``, and its
    own change at once)."""

    REFRESH_SECONDS = 1.0
    _KEEP_SECONDS = 10 * 365 * 86400

    def __init__(self, key: str, counts: Callable[[Session], bool], what: str):
        self.key = key
        self._extension = f"portal_generation:{key}"
        self._watcher = AfterCommit(f"{key}_changed", counts, self.bump, what)

    def current(self) -> str:
        """The shared number, and how often this process moved it on: a store that was emptied (a restart of
        Redis, the memory fallback) starts counting again, and this process must not take its new "1" for the
        "1" it kept pages under before."""
        from flask import current_app

        from app.services.platform.shared_store import get_store

        state = current_app.extensions.get(self._extension)
        now = time.monotonic()
        if state is None or now - state[1] >= self.REFRESH_SECONDS:
            raw = get_store().get(self.key)
            value = int(raw) if raw and str(raw).isdigit() else 0
            state = (value, now, state[2] if state else 0)
            current_app.extensions[self._extension] = state
        return f"{state[0]}.{state[2]}"

    def bump(self) -> int:
        from flask import current_app

        from app.services.platform.shared_store import get_store

        value = get_store().incr(self.key, self._KEEP_SECONDS)
        current_app.extensions[self._extension] = (value, time.monotonic(), next(_local_bumps))
        return value

    def install(self) -> None:
        self._watcher.install()
