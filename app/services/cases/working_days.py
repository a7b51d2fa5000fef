"""The statutory clock: time limits counted in Chinese working days.

Public holidays and the weekend days worked in exchange (调休) come from the
maintained ``chinese_calendar`` package; staff correct or extend it with
CalendarOverride rows (the package knows a year only once the State Council
has published it; later years fall back to weekends plus the overrides).
"""

import datetime
import functools
from dataclasses import dataclass

import chinese_calendar

from app.extensions import db
from app.models import CalendarOverride

ACCEPTANCE_DAYS = 5  # 行政许可法 §32: accept or refuse within five working days


@functools.lru_cache(maxsize=8192)
def _library_workday(day: datetime.date) -> bool:
    """The package's answer (it validates every date against all its tables: ~50 µs a call, so remembered)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


class WorkingCalendar:
    def __init__(self, overrides: dict[datetime.date, bool] | None = None):
        self.overrides = overrides or {}

    @classmethod
    def from_database(cls) -> "WorkingCalendar":
        return cls({row.day: row.is_workday for row in db.session.query(CalendarOverride).all()})

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _library_workday(day)

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        day = start
        counted = 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.between(end, start)
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


@dataclass(frozen=True)
class Clock:
    started_on: datetime.date
    deadline: datetime.date
    days_left: int  # working days; negative when overdue
    paused: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def statutory_clock(
    calendar: WorkingCalendar,
    started_on: datetime.date,
    limit_days: int,
    pauses: list[tuple[datetime.date, datetime.date | None]],
    today: datetime.date,
) -> Clock:
    """Deadline of a time limit started on ``started_on``, stopped during each pause.

    A pause (an open correction request) runs from the day it was opened to the day
    the corrected application came back; an open pause runs until today.
    """
    paused_days = 0
    open_pause = False
    for begin, end in pauses:
        if end is None:
            open_pause = True
            end = today
        paused_days += calendar.between(begin, end)
    deadline = calendar.add(started_on, limit_days + paused_days)
    left = calendar.between(today, deadline)
    return Clock(started_on, deadline, left, open_pause)
