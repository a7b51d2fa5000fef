"""A case's statutory clock, read from its timeline (the events are the facts)."""

import datetime
from dataclasses import dataclass

from app import clock
from app.models import Application
from app.services.cases.workflow import ACCEPTANCE_STAGE, CORRECTION_ACTIONS, FINISHED_STATUSES, Status
from app.services.cases.working_days import ACCEPTANCE_DAYS, Clock, WorkingCalendar, statutory_clock

# The steps that end a case (已办结), and the step whose day is held against the time limit.
DECIDING_ACTIONS = ("refuse", "approve", "reject")


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
        elif event.action in CORRECTION_ACTIONS and accepted:
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


def received_on(application: Application) -> datetime.date | None:
    """The day the acceptance office last received the case complete (submission or a correction before acceptance)."""
    return received_on_before(application, None)


def acceptance_deadline(application: Application, calendar: WorkingCalendar) -> datetime.date | None:
    """行政许可法 §32: accept or refuse within five working days of receiving the application."""
    received = received_on(application)
    return calendar.add(received, ACCEPTANCE_DAYS) if received else None


def acceptance_overdue(application: Application, calendar: WorkingCalendar, today: datetime.date | None = None) -> bool:
    """Neither accepted nor refused within five working days of submission (deemed accepted by law)."""
    if application.status not in ACCEPTANCE_STAGE:
        return False
    deadline = acceptance_deadline(application, calendar)
    today = today or _day(clock.now())
    return deadline is not None and today > deadline


def due_on(application: Application, calendar: WorkingCalendar) -> datetime.date | None:
    """The deadline of the stage the case is in (what the queue sorts by); None when no clock runs for staff."""
    if application.status in ACCEPTANCE_STAGE:
        return acceptance_deadline(application, calendar)
    if application.status in FINISHED_STATUSES or application.status in (Status.DRAFT, Status.RETURNED):
        return None
    running = case_clock(application, calendar)
    return running.deadline if running else None


@dataclass(frozen=True)
class Finished:
    """已办结: the day the case ended and whether that was within its time limit (None: no limit applies)."""

    on: datetime.date
    status: str
    in_time: bool | None
    deadline: datetime.date | None


def finished(application: Application, calendar: WorkingCalendar) -> Finished | None:
    """How a finished case ended; None while it is open."""
    if application.status not in FINISHED_STATUSES:
        return None
    events = list(application.events)
    last = events[-1] if events else None
    ended = _day(last.created_at) if last else _day(application.updated_at)
    deadline: datetime.date | None = None
    decided: datetime.date | None = None
    if application.status == Status.NOT_ACCEPTED:
        refusal = next((e for e in reversed(events) if e.action == "refuse"), None)
        if refusal is not None:
            decided = _day(refusal.created_at)
            deadline = calendar.add(
                received_on_before(application, refusal.id) or decided,
                ACCEPTANCE_DAYS,
            )
    elif application.status in (Status.ISSUED, Status.REJECTED):
        decision = next((e for e in reversed(events) if e.action in ("approve", "reject")), None)
        if decision is not None:
            decided = _day(decision.created_at)
            running = case_clock(application, calendar, decided)
            deadline = running.deadline if running else None
    in_time = None if deadline is None or decided is None else decided <= deadline
    return Finished(on=ended, status=application.status, in_time=in_time, deadline=deadline)


def received_on_before(application: Application, event_id: int | None) -> datetime.date | None:
    """received_on as it stood before the event ``event_id`` (None: now)."""
    day = _day(application.submitted_at) if application.submitted_at else None
    for event in application.events:
        if event_id is not None and event.id is not None and event.id >= event_id:
            break
        if event.action in ("submit", "resubmit") and event.from_status in (Status.DRAFT, Status.RETURNED):
            day = _day(event.created_at)
    return day


def timing(application: Application, calendar: WorkingCalendar) -> tuple[Clock | None, Finished | None]:
    """What a case page shows: the running clock, or, once the case is finished, how it ended (never both)."""
    ended = finished(application, calendar)
    if ended is not None:
        return None, ended
    return case_clock(application, calendar), None
