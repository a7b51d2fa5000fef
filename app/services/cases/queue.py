"""The staff queue: the cases an officer can act on, most urgent first, a page at a time.

Urgency is the deadline of the stage the case is in: five working days to accept
or refuse, then the promised time limit stopped while a correction is open. The
workflow keeps that day on the case (``Application.due_on``) at every move, so the
queue sorts and pages in SQL (index ``ix_application_queue``: due_on, submitted_at,
id, walked in order until a page of the officer's statuses is found) and computes the exact working days left only for the page shown,
loading its item, applicant, holder and events in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass

from sqlalchemy import func
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
    """The shared page, with the total (one COUNT on the queue's index)."""

    total: int = 0

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


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


def page_of(staff, actions, filters: Filters, page: int = 1, per_page: int = PER_PAGE, today=None) -> Page:
    """One page of the officer's queue; ``actions`` are the steps the officer's role may take."""
    calendar = WorkingCalendar.from_database()
    today = today or clock.today()
    scoped = _scoped(staff, statuses_for(actions), filters)
    total = scoped.with_entities(func.count()).scalar() or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    shown = list(
        ordered(scoped)
        .options(
            joinedload(Application.item),
            joinedload(Application.account),
            joinedload(Application.claimed_by),
            selectinload(Application.events),
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
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
    return Page(items=rows, page=page, per_page=per_page, has_next=page < pages, total=total)
