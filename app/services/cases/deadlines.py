"""A case's statutory clock, read from its timeline (the events are the facts)."""

import datetime

from app import clock
from app.models import Application
from app.services.cases.workflow import Status
from app.services.cases.working_days import ACCEPTANCE_DAYS, Clock, WorkingCalendar, statutory_clock


def _day(moment: datetime.datetime) -> datetime.date:
    return clock.china_date(moment)


def accepted_on(application: Application) -> datetime.date | None:
    for event in application.events:
        if event.action == "accept":
            return _day(event.created_at)
    return None


def pauses(application: Application) -> list[tuple[datetime.date, datetime.date | None]]:
    """Each correction request after acceptance, to the resubmission that closed it (or None)."""
    result: list[tuple[datetime.date, datetime.date | None]] = []
    opened: datetime.date | None = None
    accepted = False
    for event in application.events:
        if event.action == "accept":
            accepted = True
        elif event.action == "request_correction" and accepted:
            opened = _day(event.created_at)
        elif event.action == "resubmit" and opened is not None:
            result.append((opened, _day(event.created_at)))
            opened = None
    if opened is not None:
        result.append((opened, None))
    return result


def case_clock(application: Application, calendar: WorkingCalendar, today: datetime.date | None = None) -> Clock | None:
    """The promised time limit, counted from acceptance; None before acceptance."""
    started = accepted_on(application)
    if started is None:
        return None
    today = today or _day(clock.now())
    return statutory_clock(calendar, started, application.item.time_limit_days, pauses(application), today)


def acceptance_overdue(application: Application, calendar: WorkingCalendar, today: datetime.date | None = None) -> bool:
    """Neither accepted nor refused within five working days of submission (deemed accepted by law)."""
    if application.status not in (Status.SUBMITTED,) or application.submitted_at is None:
        return False
    today = today or _day(clock.now())
    return calendar.between(_day(application.submitted_at), today) > ACCEPTANCE_DAYS
