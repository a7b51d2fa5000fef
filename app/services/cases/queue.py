"""The staff queue: the cases an officer can act on, most urgent first, a page at a time.

Urgency is the deadline of the stage the case is in: five working days to accept
or refuse, then the promised time limit stopped while a correction is open. The
workflow keeps that day on the case (``Application.due_on``) at every move, so the
queue sorts and pages in SQL and computes the exact working days left only for the
page shown, loading its item, applicant, holder and events in a fixed number of queries.

Paging is by key (seek), not by OFFSET: the links to the next and the previous page
carry the sort key (due_on, submitted_at, id) of the last or first case shown, and the
page is read from the index ``ix_application_queue`` (due_on, submitted_at, id, status,
province; on PostgreSQL only the cases a queue can hold) starting at that key, so page
300 costs what page 1 costs and a case never shows twice or goes missing between pages,
even among cases due on the same day. Every case in a queue status has been submitted
(submitted_at is set); a case without a deadline (an item without a time limit) sorts
last. A bare ``page=N`` (an old link) still works: it skips by OFFSET over the ids only.
"""

import datetime
from dataclasses import dataclass

from sqlalchemy import func, tuple_
from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.extensions import db
from app.models import Account, Application, ServiceItem
from app.services import paging
from app.services.cases import deadlines
from app.services.cases import scope as case_scope
from app.services.cases.workflow import ACCEPTANCE_STAGE, TRANSITIONS
from app.services.cases.working_days import Clock, WorkingCalendar

PER_PAGE = 50
NUMBER_MAX, NAME_MAX, ITEM_MAX = 32, 50, 100


@dataclass(frozen=True)
class Filters:
    number: str = ""  # the exact 申报编号
    name: str = ""  # the applicant's name begins with this
    item: str = ""  # the item's name contains this
    status: str = ""


@dataclass
class Row:
    case: Application
    clock: Clock | None
    acceptance_overdue: bool
    # Before acceptance: the last day to accept or refuse, and the working days left to it (negative: overdue).
    accept_by: datetime.date | None = None
    acceptance_days_left: int | None = None

    @property
    def claimant(self) -> str:
        holder = self.case.claimed_by
        return (holder.display_name or holder.username) if holder is not None else ""


@dataclass(frozen=True)
class Page(paging.Page):
    """The shared page, with the total (one COUNT on the queue's index) and the keys to turn it."""

    total: int = 0
    first_key: str = ""  # the sort key of the first case shown: the previous page ends before it
    last_key: str = ""  # ... of the last case shown: the next page starts after it

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def key_of(case: Application) -> str:
    """The case's place in the queue's order, for a page link: "2026-12-10.20261201083000123456.42"."""
    due = case.due_on.isoformat() if case.due_on else "-"
    submitted = case.submitted_at.strftime("%Y%m%d%H%M%S%f") if case.submitted_at else "-"
    return f"{due}.{submitted}.{case.id}"


def parse_key(text: str | None) -> tuple[datetime.date | None, datetime.datetime, int] | None:
    """A key from a page link, or None when it is missing or not one (the first page is shown)."""
    try:
        due, submitted, case_id = (text or "").split(".")
        return (
            None if due == "-" else datetime.date.fromisoformat(due),
            datetime.datetime.strptime(submitted, "%Y%m%d%H%M%S%f"),
            int(case_id),
        )
    except ValueError:
        return None


def statuses_for(actions) -> list[str]:
    """The statuses in which any of ``actions`` can be taken: what the officer's queue holds."""
    return sorted({status for action in actions for status in TRANSITIONS[action].sources})


def _scoped(staff, statuses: list[str], filters: Filters):
    query = db.session.query(Application).filter(Application.status.in_(statuses), case_scope.condition(staff))
    if filters.number:
        query = query.filter(Application.number == filters.number)
    if filters.name:
        query = query.join(Account, Application.account_id == Account.id).filter(
            Account.real_name.startswith(filters.name, autoescape=True)
        )
    if filters.item:
        query = query.join(ServiceItem, Application.item_id == ServiceItem.id).filter(
            ServiceItem.name.contains(filters.item, autoescape=True)
        )
    if filters.status in statuses:
        query = query.filter(Application.status == filters.status)
    return query


def ordered(query):
    """Earliest deadline first (a case without one last), then the earliest submitted."""
    return query.order_by(
        Application.due_on.asc().nulls_last(), Application.submitted_at.asc().nulls_last(), Application.id
    )


def _reversed(query):
    return query.order_by(
        Application.due_on.desc().nulls_first(), Application.submitted_at.desc().nulls_first(), Application.id.desc()
    )


def _ids_after(scoped, key, limit: int) -> list[int]:
    """The ids of up to ``limit`` cases after ``key`` in the queue's order (None: from the start).

    Each statement is a range of the index (a row comparison), never a filter over all
    that comes before: the cases with a deadline after the key, then those without one.
    """
    ids: list[int] = []
    ident = Application.id
    if key is None or key[0] is not None:
        with_deadline = scoped.filter(Application.due_on.is_not(None))
        if key is not None:
            with_deadline = with_deadline.filter(
                tuple_(Application.due_on, Application.submitted_at, Application.id) > tuple_(*key)
            )
        ids += [i for (i,) in ordered(with_deadline).with_entities(ident).limit(limit)]
    if len(ids) < limit:
        without = scoped.filter(Application.due_on.is_(None))
        if key is not None and key[0] is None:
            without = without.filter(tuple_(Application.submitted_at, Application.id) > tuple_(key[1], key[2]))
        ids += [i for (i,) in ordered(without).with_entities(ident).limit(limit - len(ids))]
    return ids


def _ids_before(scoped, key, limit: int) -> list[int]:
    """The ids of up to ``limit`` cases before ``key`` (None: from the end), nearest first."""
    ids: list[int] = []
    ident = Application.id
    if key is None or key[0] is None:
        without = scoped.filter(Application.due_on.is_(None))
        if key is not None:
            without = without.filter(tuple_(Application.submitted_at, Application.id) < tuple_(key[1], key[2]))
        ids += [i for (i,) in _reversed(without).with_entities(ident).limit(limit)]
    if len(ids) < limit:
        with_deadline = scoped.filter(Application.due_on.is_not(None))
        if key is not None and key[0] is not None:
            with_deadline = with_deadline.filter(
                tuple_(Application.due_on, Application.submitted_at, Application.id) < tuple_(*key)
            )
        ids += [i for (i,) in _reversed(with_deadline).with_entities(ident).limit(limit - len(ids))]
    return ids


def page_of(
    staff,
    actions,
    filters: Filters,
    page: int = 1,
    per_page: int = PER_PAGE,
    today=None,
    *,
    after: str = "",
    before: str = "",
    last: bool = False,
) -> Page:
    """One page of the officer's queue; ``actions`` are the steps the officer's role may take.

    ``after`` / ``before``: the key of the case the page follows (next) or precedes (previous),
    with ``page`` its number (for the row numbers); ``last``: the last page. Without them,
    page ``page`` by its position.
    """
    calendar = WorkingCalendar.from_database()
    today = today or clock.today()
    scoped = _scoped(staff, statuses_for(actions), filters)
    total = scoped.with_entities(func.count()).scalar() or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    after_key, before_key = parse_key(after), parse_key(before)
    if last:
        page = pages
        ids = _ids_before(scoped, None, total - (pages - 1) * per_page if total else per_page)[::-1]
        has_next = False
    elif after_key is not None:
        ids = _ids_after(scoped, after_key, per_page + 1)
        has_next = len(ids) > per_page
        ids = ids[:per_page]
        page = max(page, 2)
        if not ids and total:  # the cases after the key have left the queue meanwhile: the last page
            return page_of(staff, actions, filters, pages, per_page, today, last=True)
    elif before_key is not None:
        ids = _ids_before(scoped, before_key, per_page + 1)
        if len(ids) <= per_page:
            page = 1  # the start is reached, whatever the link said
        ids = ids[:per_page][::-1]
        has_next = True
    elif page == 1:
        ids = _ids_after(scoped, None, per_page + 1)
        has_next = len(ids) > per_page
        ids = ids[:per_page]
    else:  # an old link with a page number only: skip over the ids (the index alone on PostgreSQL)
        ids = [
            i for (i,) in ordered(scoped).with_entities(Application.id).offset((page - 1) * per_page).limit(per_page)
        ]
        has_next = page < pages
    by_id = (
        {
            case.id: case
            for case in db.session.query(Application)
            .filter(Application.id.in_(ids))
            .options(
                joinedload(Application.item),
                joinedload(Application.account),
                joinedload(Application.claimed_by),
                selectinload(Application.events),
            )
        }
        if ids
        else {}
    )
    shown = [by_id[i] for i in ids if i in by_id]
    rows = []
    for case in shown:
        accept_by = deadlines.acceptance_deadline(case, calendar) if case.status in ACCEPTANCE_STAGE else None
        rows.append(
            Row(
                case=case,
                clock=None if accept_by else deadlines.case_clock(case, calendar, today),
                acceptance_overdue=deadlines.acceptance_overdue(case, calendar, today),
                accept_by=accept_by,
                acceptance_days_left=calendar.between(today, accept_by) if accept_by else None,
            )
        )
    return Page(
        items=rows,
        page=page,
        per_page=per_page,
        has_next=has_next,
        total=total,
        first_key=key_of(shown[0]) if shown else "",
        last_key=key_of(shown[-1]) if shown else "",
    )
