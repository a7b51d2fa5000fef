"""One unit of work per user action: everything it changed is committed, or nothing is.

    with unit_of_work():
        applications.submit(...)

commits when the block ends normally. When it raises (a ``ServiceError`` or
anything else) the session is rolled back and every file stored during the
block (``storage.save`` records them here) is removed, so that a refused or
failed attempt leaves neither rows nor files behind. Files that the change
makes obsolete (``storage.remove_after_commit``) are removed only once the
commit has succeeded. Services never commit;
the view (or the command, or the job) that owns the user's action opens the
unit.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.extensions import db

_written: ContextVar[list[str] | None] = ContextVar("unit_of_work_files", default=None)
_obsolete: ContextVar[list[str] | None] = ContextVar("unit_of_work_obsolete_files", default=None)


def note_written(stored_name: str) -> None:
    """Called by storage for every file it writes: removed again if the unit fails."""
    written = _written.get()
    if written is not None:
        written.append(stored_name)


def note_obsolete(stored_name: str) -> bool:
    """Called by storage for a file to remove once the unit commits; False outside a unit."""
    obsolete = _obsolete.get()
    if obsolete is None:
        return False
    obsolete.append(stored_name)
    return True


@contextmanager
def unit_of_work() -> Iterator[None]:
    if _written.get() is not None:  # nested: the outer unit decides
        yield
        return
    from app.services.platform import storage  # storage notes its files here: imported late

    written: list[str] = []
    obsolete: list[str] = []
    token, obsolete_token = _written.set(written), _obsolete.set(obsolete)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for name in written:
            storage.remove(name)
        raise
    else:
        for name in obsolete:
            storage.remove(name)
    finally:
        _written.reset(token)
        _obsolete.reset(obsolete_token)


def abandon() -> None:
    """After an unexpected error: roll back what the failed request left in the session.

    A failed statement leaves the transaction aborted (PostgreSQL), and the error page still reads
    the site settings.
    """
    db.session.rollback()


def committed_for_good(session) -> bool:
    """For ``after_commit`` listeners: whether this is the commit of the whole transaction.

    SQLAlchemy also calls ``after_commit`` when a savepoint (``begin_nested``) is released; the outer
    transaction may still roll back then, and on SQLite it still holds the write lock, so work done on
    another connection at that moment (a shared-store counter) waits for the lock until it times out.
    """
    return session.get_nested_transaction() is None
