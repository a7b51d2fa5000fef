"""已办结: a finished case's day and whether it was decided within its time limit (issue 15, item 4),
and the due date the queue sorts by (item 3)."""

import datetime
from types import SimpleNamespace

from app.services.cases import deadlines
from app.services.cases.working_days import WorkingCalendar

CALENDAR = WorkingCalendar()
# Beijing is UTC+8: 02:00 UTC is 10:00 the same day in Beijing.
MONDAY = datetime.datetime(2026, 11, 2, 2, 0)


def at(days: int) -> datetime.datetime:
    return MONDAY + datetime.timedelta(days=days)


def case(status, *steps, limit=20):
    events = [
        SimpleNamespace(id=index, action=action, from_status=source, created_at=at(day))
        for index, (action, source, day) in enumerate(steps, 1)
    ]
    return SimpleNamespace(
        status=status,
        submitted_at=MONDAY,
        events=events,
        item=SimpleNamespace(time_limit_days=limit),
        updated_at=events[-1].created_at,
    )


def test_a_decision_within_the_limit_is_in_time_and_one_after_it_is_late():
    on_time = case("rejected", ("submit", "draft", 0), ("accept", "submitted", 1), ("reject", "reviewed", 10))
    ended = deadlines.finished(on_time, CALENDAR)
    assert ended.on == datetime.date(2026, 11, 12) and ended.in_time is True
    assert ended.deadline == datetime.date(2026, 12, 1)  # 20 working days after Tuesday 3 November
    late = case(
        "issued",
        ("submit", "draft", 0),
        ("accept", "submitted", 1),
        ("approve", "reviewed", 40),
        ("issue", "approved", 41),
    )
    ended = deadlines.finished(late, CALENDAR)
    assert ended.on == datetime.date(2026, 12, 13) and ended.in_time is False


def test_a_refusal_at_the_door_is_held_against_the_five_working_days():
    prompt = case("not_accepted", ("submit", "draft", 0), ("refuse", "submitted", 4))
    assert deadlines.finished(prompt, CALENDAR).in_time is True
    late = case("not_accepted", ("submit", "draft", 0), ("refuse", "submitted", 9))
    ended = deadlines.finished(late, CALENDAR)
    assert ended.in_time is False and ended.deadline == datetime.date(2026, 11, 9)


def test_a_withdrawn_case_is_finished_without_a_verdict_on_time():
    withdrawn = case("withdrawn", ("submit", "draft", 0), ("withdraw", "submitted", 2))
    ended = deadlines.finished(withdrawn, CALENDAR)
    assert ended.on == datetime.date(2026, 11, 4) and ended.in_time is None


def test_an_open_case_is_not_finished_and_keeps_its_clock():
    running = case("under_review", ("submit", "draft", 0), ("accept", "submitted", 1), ("start_review", "accepted", 2))
    clock, ended = deadlines.timing(running, CALENDAR)
    assert ended is None and clock is not None and clock.deadline == datetime.date(2026, 12, 1)


def test_the_due_date_of_each_stage():
    waiting = case("submitted", ("submit", "draft", 0))
    assert deadlines.due_on(waiting, CALENDAR) == datetime.date(2026, 11, 9)  # five working days
    corrected = case(
        "resubmitted", ("submit", "draft", 0), ("request_correction", "submitted", 1), ("resubmit", "returned", 7)
    )
    assert deadlines.due_on(corrected, CALENDAR) == datetime.date(2026, 11, 16)  # five days from the correction
    reviewing = case(
        "under_review", ("submit", "draft", 0), ("accept", "submitted", 1), ("start_review", "accepted", 2)
    )
    assert deadlines.due_on(reviewing, CALENDAR) == datetime.date(2026, 12, 1)
    assert (
        deadlines.due_on(case("returned", ("submit", "draft", 0), ("request_correction", "submitted", 1)), CALENDAR)
        is None
    )
    assert deadlines.due_on(case("issued", ("submit", "draft", 0)), CALENDAR) is None
