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
        # Working days in (origin, origin + i] at index i, over the span asked so far: ``between`` is then
        # two look-ups (the staff queue asks it twice a case, over months; day by day it was most of the page).
        self._origin: datetime.date | None = None
        self._cumulative: list[int] = []

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
        self._counted_to(min(start, end))  # the origin first: counts taken after it moved are comparable
        return self._counted_to(end) - self._counted_to(start)

    def _counted_to(self, day: datetime.date) -> int:
        """Working days in (origin, day] (negative before the origin), the span extended as needed."""
        if self._origin is None:
            self._origin, self._cumulative = day, [0]
        if day < self._origin:  # a new origin: the days before the old one, then the old counts shifted
            earlier = [0]
            moment = day
            while moment < self._origin:
                moment += datetime.timedelta(days=1)
                earlier.append(earlier[-1] + self.is_workday(moment))
            self._cumulative = earlier + [earlier[-1] + count for count in self._cumulative[1:]]
            self._origin = day
        index = (day - self._origin).days
        while len(self._cumulative) <= index:
            moment = self._origin + datetime.timedelta(days=len(self._cumulative))
            self._cumulative.append(self._cumulative[-1] + self.is_workday(moment))
        return self._cumulative[index]


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
