"""Working days across the Spring Festival and National Day, with 调休 and pauses."""

import datetime

import pytest

from app.services.cases.working_days import WorkingCalendar, statutory_clock

D = datetime.date


@pytest.fixture
def calendar():
    return WorkingCalendar()


def test_spring_festival_2026(calendar):
    # 2026: holiday 15–23 Feb; Saturday 14 Feb and Saturday 28 Feb are worked (调休).
    assert not calendar.is_workday(D(2026, 2, 17))
    assert calendar.is_workday(D(2026, 2, 14))
    # Friday 13 Feb + 1 working day is Saturday 14 Feb; + 2 is Tuesday 24 Feb.
    assert calendar.add(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_national_day_2025(calendar):
    # 2025: holiday 1–8 Oct, Saturday 11 Oct worked.
    assert calendar.add(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert calendar.between(D(2025, 9, 30), D(2025, 10, 11)) == 3  # 9, 10, 11 October


def test_twenty_working_days_over_national_day(calendar):
    assert calendar.add(D(2025, 9, 26), 20) == D(2025, 10, 30)


def test_years_the_library_does_not_know_fall_back_to_weekends():
    calendar = WorkingCalendar()
    assert calendar.is_workday(D(2027, 3, 3)) and not calendar.is_workday(D(2027, 3, 6))


def test_staff_overrides_win():
    spring_2027 = WorkingCalendar({D(2027, 2, 8): False, D(2027, 2, 6): True})
    assert not spring_2027.is_workday(D(2027, 2, 8))
    assert spring_2027.is_workday(D(2027, 2, 6))


def test_between_is_antisymmetric(calendar):
    assert calendar.between(D(2026, 3, 10), D(2026, 3, 3)) == -calendar.between(D(2026, 3, 3), D(2026, 3, 10))


def test_clock_without_pause(calendar):
    clock = statutory_clock(calendar, D(2026, 3, 2), 20, [], today=D(2026, 3, 2))
    assert clock.deadline == D(2026, 3, 30) and clock.days_left == 20 and not clock.overdue


def test_a_correction_request_stops_the_clock(calendar):
    # Returned on 9 March, corrected on 16 March: 5 working days do not count.
    clock = statutory_clock(calendar, D(2026, 3, 2), 20, [(D(2026, 3, 9), D(2026, 3, 16))], today=D(2026, 3, 20))
    assert clock.deadline == D(2026, 4, 7)  # 30 March + 5 working days, across 清明 (4–6 April)
    assert not clock.paused


def test_an_open_pause_runs_until_today(calendar):
    clock = statutory_clock(calendar, D(2026, 3, 2), 20, [(D(2026, 3, 9), None)], today=D(2026, 3, 11))
    assert clock.paused and clock.deadline == D(2026, 4, 1)


def test_overdue(calendar):
    clock = statutory_clock(calendar, D(2026, 3, 2), 5, [], today=D(2026, 3, 12))
    assert clock.overdue and clock.days_left == -3


def test_between_counts_the_same_as_day_by_day_whatever_order_it_is_asked_in():
    """``between`` keeps counts over the span asked so far; asked forwards, backwards and across, the same."""
    overrides = {D(2026, 5, 6): False, D(2026, 5, 9): True}
    start = D(2025, 12, 20)
    days = [start + datetime.timedelta(days=n) for n in range(0, 500, 7)]

    def day_by_day(a, b):
        sign, (a, b) = (1, (a, b)) if a <= b else (-1, (b, a))
        probe = WorkingCalendar(overrides)
        return sign * sum(probe.is_workday(a + datetime.timedelta(days=n)) for n in range(1, (b - a).days + 1))

    calendar = WorkingCalendar(overrides)
    for a, b in [(days[30], days[40]), (days[5], days[2]), (days[0], days[-1]), (days[50], days[10])]:
        assert calendar.between(a, b) == day_by_day(a, b)
    assert calendar.between(D(2026, 5, 5), D(2026, 5, 10)) == day_by_day(D(2026, 5, 5), D(2026, 5, 10))
