"""统计报表's periods (Beijing dates) and its working-day index (the statutory calendar, counted once per day)."""

import datetime

import pytest

from app.services.cases import statistics
from app.services.cases.working_days import WorkingCalendar
from app.services.errors import ServiceError

D = datetime.date


def test_months_quarters_and_years_cover_their_days():
    assert statistics.month_period(2024, 2) == statistics.Period("month", D(2024, 2, 1), D(2024, 2, 29))
    assert statistics.month_period(2025, 12).end == D(2025, 12, 31)
    assert statistics.quarter_period(2025, 1) == statistics.Period("quarter", D(2025, 1, 1), D(2025, 3, 31))
    assert statistics.quarter_period(2025, 4) == statistics.Period("quarter", D(2025, 10, 1), D(2025, 12, 31))
    year = statistics.year_period(2025)
    assert (year.start, year.end) == (D(2025, 1, 1), D(2025, 12, 31))
    assert year.months() == [f"2025-{m:02d}" for m in range(1, 13)]


def test_a_period_runs_from_midnight_in_beijing_to_the_midnight_after_its_last_day():
    period = statistics.month_period(2025, 4)
    assert period.since == datetime.datetime(2025, 3, 31, 16, 0)  # 00:00 on 1 April in Beijing, in UTC
    assert period.until == datetime.datetime(2025, 4, 30, 16, 0)


def test_a_range_must_end_after_it_starts_and_last_at_most_ten_years():
    assert statistics.range_period(D(2025, 3, 1), D(2025, 3, 1)).months() == ["2025-03"]
    with pytest.raises(ServiceError) as refused:
        statistics.range_period(D(2025, 3, 2), D(2025, 3, 1))
    assert list(refused.value.errors) == ["end"]
    with pytest.raises(ServiceError):
        statistics.range_period(D(2010, 1, 1), D(2025, 1, 1))


def test_the_status_columns_follow_the_workflow():
    from app.services.cases.workflow import STATUS_LABELS, Status

    assert statistics.columns() == [s for s in STATUS_LABELS if s != Status.DRAFT]


def test_the_working_day_index_counts_as_the_calendar_does_overrides_included():
    # A Saturday made a working day and a Wednesday made a holiday by staff (CalendarOverride).
    calendar = WorkingCalendar({D(2025, 3, 8): True, D(2025, 3, 12): False})
    first, last = D(2024, 12, 20), D(2025, 5, 10)
    index = statistics.WorkdayIndex(calendar, first, last)
    days = [first + datetime.timedelta(days=n) for n in range(0, (last - first).days + 1, 3)]
    for start in days:
        for end in days:
            assert index.between(start, end) == calendar.between(start, end), (start, end)
    # Spring Festival 2025 and the two overrides, counted by hand: (03-07, 03-14] has 03-08 (worked),
    # 03-10, 03-11, 03-13, 03-14 (03-12 off).
    assert index.between(D(2025, 3, 7), D(2025, 3, 14)) == 5
