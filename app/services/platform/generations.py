"""Move a generation on after the commit of a change it counts: the registers', the site settings' and the
statistics reports' generations retire what every process keeps (query pages, settings and chrome, reports).

Each ``AfterCommit`` notes at flush time whether the session's pending changes count, and bumps once the
whole transaction has committed (not when a savepoint is released: unit_of_work.committed_for_good); a
rollback forgets the note.
"""

import logging
from collections.abc import Callable
from itertools import chain

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services.unit_of_work import committed_for_good

log = logging.getLogger(__name__)


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
