"""A case's clock read from its timeline: acceptance, pauses for correction, the 5-day rule."""

import datetime

import pytest

from app.models import Application, ApplicationEvent, ServiceItem
from app.services.cases import deadlines
from app.services.cases.working_days import WorkingCalendar

D = datetime.date


def at(day, hour=2):  # 10:00 in Beijing, stored in UTC
    return datetime.datetime.combine(day, datetime.time(hour))


SUBMITTED = D(2026, 3, 2)


def case_with(*events, status="under_review", submitted=SUBMITTED):
    application = Application(status=status, submitted_at=at(submitted))
    application.item = ServiceItem(code="x", category="personal", group="g", name="n", time_limit_days=20)
    application.events = [ApplicationEvent(action=a, from_status="", to_status="", created_at=at(d)) for a, d in events]
    return application


def test_no_clock_before_acceptance():
    assert deadlines.case_clock(case_with(("submit", D(2026, 3, 2))), WorkingCalendar()) is None


def test_clock_from_acceptance_with_a_closed_pause():
    application = case_with(
        ("submit", D(2026, 3, 2)),
        ("accept", D(2026, 3, 2)),
        ("request_correction", D(2026, 3, 9)),
        ("resubmit", D(2026, 3, 16)),
    )
    clock = deadlines.case_clock(application, WorkingCalendar(), today=D(2026, 3, 20))
    assert clock.deadline == D(2026, 4, 7) and not clock.paused


def test_correction_before_acceptance_does_not_pause():
    application = case_with(
        ("submit", D(2026, 3, 2)),
        ("request_correction", D(2026, 3, 3)),
        ("resubmit", D(2026, 3, 5)),
        ("accept", D(2026, 3, 6)),
    )
    assert deadlines.pauses(application) == []


@pytest.mark.parametrize("today, flagged", [(D(2026, 3, 9), False), (D(2026, 3, 10), True)])
def test_acceptance_within_five_working_days(today, flagged):
    application = case_with(("submit", D(2026, 3, 2)), status="submitted")
    assert deadlines.acceptance_overdue(application, WorkingCalendar(), today=today) is flagged
