"""The staff queue: the cases an officer can act on, most urgent first, a page at a time.

Urgency is the statutory deadline, which depends on the working-day calendar
and on the case's timeline (acceptance, corrections that stop the clock), so
it cannot be written as SQL. The queue therefore reads only the facts the
clock needs for the officer's WHOLE scoped set (two light queries: the cases,
their events), sorts that, and loads full rows only for the page shown, with
their item, applicant and events in a fixed number of queries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import joinedload, selectinload

from app import clock
from app.extensions import db
from app.models import Account, Application, ApplicationEvent, ServiceItem
from app.services import paging
from app.services.cases import deadlines
from app.services.cases import scope as case_scope
from app.services.cases.workflow import TRANSITIONS
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


@dataclass(frozen=True)
class Page(paging.Page):
    """The shared page, with the total: the queue sorts its whole set anyway, so it knows it."""

    total: int = 0

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


@dataclass
class _Facts:
    """What deadlines.case_clock reads of a case, without loading the case."""

    status: str
    submitted_at: datetime.datetime | None
    item: "_Item"
    events: list = field(default_factory=list)


@dataclass
class _Item:
    time_limit_days: int


@dataclass
class _Event:
    action: str
    created_at: datetime.datetime


def statuses_for(actions) -> list[str]:
    """The statuses in which any of ``actions`` can be taken: what the officer's queue holds."""
    return sorted({status for action in actions for status in TRANSITIONS[action].sources})


def _scoped(staff, statuses: list[str], filters: Filters):
    query = (
        db.session.query(Application)
        .join(Account, Application.account_id == Account.id)
        .join(ServiceItem, Application.item_id == ServiceItem.id)
        .filter(Application.status.in_(statuses), case_scope.condition(staff))
    )
    if filters.number:
        query = query.filter(Application.number == filters.number)
    if filters.name:
        query = query.filter(Account.real_name.startswith(filters.name, autoescape=True))
    if filters.item:
        query = query.filter(ServiceItem.name.contains(filters.item, autoescape=True))
    if filters.status in statuses:
        query = query.filter(Application.status == filters.status)
    return query


def _urgency(facts: _Facts, calendar: WorkingCalendar, today: datetime.date):
    statutory = deadlines.case_clock(facts, calendar, today)  # type: ignore[arg-type]
    if statutory:
        return (statutory.deadline, facts.submitted_at or datetime.datetime.min)
    if facts.submitted_at is None:
        return (datetime.date.min, datetime.datetime.min)
    # a case not yet accepted waits by its day of submission in Beijing, the calendar deadlines are in
    return (clock.china_date(facts.submitted_at), facts.submitted_at)


def ordered_ids(staff, actions, filters: Filters, calendar: WorkingCalendar, today: datetime.date) -> list[int]:
    """The ids of every case in the officer's queue, earliest deadline (else submission day) first."""
    scoped = _scoped(staff, statuses_for(actions), filters)
    facts = {
        case_id: _Facts(status, submitted_at, _Item(time_limit_days or 0))
        for case_id, status, submitted_at, time_limit_days in scoped.with_entities(
            Application.id, Application.status, Application.submitted_at, ServiceItem.time_limit_days
        )
    }
    events: defaultdict[int, list[_Event]] = defaultdict(list)
    for case_id, action, created_at in (
        db.session.query(ApplicationEvent.application_id, ApplicationEvent.action, ApplicationEvent.created_at)
        .filter(ApplicationEvent.application_id.in_(scoped.with_entities(Application.id).scalar_subquery()))
        .order_by(ApplicationEvent.id)
    ):
        events[case_id].append(_Event(action, created_at))
    for case_id, case_facts in facts.items():
        case_facts.events = events[case_id]
    return sorted(facts, key=lambda case_id: (*_urgency(facts[case_id], calendar, today), case_id))


def page_of(staff, actions, filters: Filters, page: int = 1, per_page: int = PER_PAGE, today=None) -> Page:
    """One page of the officer's queue; ``actions`` are the steps the officer's role may take."""
    calendar = WorkingCalendar.from_database()
    today = today or clock.today()
    ids = ordered_ids(staff, actions, filters, calendar, today)
    pages = max((len(ids) + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    shown = ids[(page - 1) * per_page : page * per_page]
    cases = {
        case.id: case
        for case in db.session.query(Application)
        .filter(Application.id.in_(shown))
        .options(joinedload(Application.item), joinedload(Application.account), selectinload(Application.events))
    }
    rows = [
        Row(
            case=cases[case_id],
            clock=deadlines.case_clock(cases[case_id], calendar, today),
            acceptance_overdue=deadlines.acceptance_overdue(cases[case_id], calendar, today),
        )
        for case_id in shown
        if case_id in cases
    ]
    return Page(items=rows, page=page, per_page=per_page, has_next=page < pages, total=len(ids))
