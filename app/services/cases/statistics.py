"""统计报表: the figures a ministry's statisticians report on the licensing work (read-only).

For a period of Beijing dates (a month, a quarter, a year or any range), a province and
an item group, within the statistician's own data scope (``scope.condition``):

- intake (cases submitted) and output (decisions: 准予/不予许可, 不予受理) and
  certificates issued, in total and month by month;
- the cases submitted in the period by item and by their status now (the statuses are
  read from ``workflow.STATUS_LABELS``: a status added to the workflow gets its column);
- the working days from acceptance to decision of the decisions of the period;
- the open cases today, those over their statutory time limit and those not accepted
  within five working days.

Counting is done by the database (GROUP BY on indexed columns, by Beijing day); working
days are counted once per distinct day through a cumulative index, never per case, so the
page stays quick at a million cases (``bench/reports.py``). Only the open cases that
had a correction request (their clock was paused) have their timelines read one by one.
"""

import datetime
import functools
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Date, and_, func, select, text, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app import clock
from app.extensions import db
from app.models import Application, ApplicationEvent, CertificateEndorsement, ElectronicCertificate, ServiceItem
from app.regions import PROVINCE_NAMES
from app.services.cases import deadlines, evaluations
from app.services.cases import scope as case_scope
from app.services.cases.groups import GROUPS
from app.services.cases.workflow import CORRECTION_ACTIONS, OPEN_STATUSES, STATUS_LABELS, Status
from app.services.cases.working_days import ACCEPTANCE_DAYS, WorkingCalendar
from app.services.errors import ServiceError

DECISIONS = ("approve", "reject", "refuse")  # output: 准予许可, 不予许可, 不予受理
REVIEW_DECISIONS = ("approve", "reject")  # decisions taken after acceptance (working days to decision)
PERIOD_KINDS = ("month", "quarter", "year", "range")
LONGEST_RANGE_DAYS = 366 * 10
# Working days from acceptance to decision, in these bands (the last one open-ended).
DAY_BANDS = ((0, 5), (6, 10), (11, 20), (21, 40), (41, None))


def columns() -> list[str]:
    """The status columns: every status of the workflow but the draft, in the workflow's order."""
    return [status for status in STATUS_LABELS if status != Status.DRAFT]


# Kept for callers that read the module constant; computed from the workflow, not written out.
COLUMNS = tuple(columns())


class china_day(FunctionElement):
    """The Beijing calendar day of a naive-UTC timestamp column, computed by the database.

    China has kept UTC+8 all year since 1991, so the day is the UTC instant plus eight hours.
    """

    type = Date()
    inherit_cache = True


@compiles(china_day)
def _china_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_day, "postgresql")
def _china_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '8 hours' AS DATE)"


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Period:
    """Beijing dates, both included."""

    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def since(self) -> datetime.datetime:
        return clock.china_midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        return clock.china_midnight(self.end + datetime.timedelta(days=1))

    def months(self) -> list[str]:
        """'YYYY-MM' of every month the period touches."""
        result = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


def month_period(year: int, month: int) -> Period:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    return Period("month", start, following - datetime.timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    start = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return Period("quarter", start, following - datetime.timedelta(days=1))


def year_period(year: int) -> Period:
    return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def range_period(start: datetime.date, end: datetime.date) -> Period:
    if end < start:
        raise ServiceError({"end": _l("The end date is before the start date.")})
    if (end - start).days > LONGEST_RANGE_DAYS:
        raise ServiceError({"end": _l("A period may cover at most ten years.")})
    return Period("range", start, end)


def this_month(today: datetime.date | None = None) -> Period:
    today = today or clock.today()
    return month_period(today.year, today.month)


def group_names() -> dict[str, str]:
    return {group["key"]: group["name"] for group in GROUPS}


def group_choices(staff) -> list[tuple[str, str]]:
    """The item groups a statistician may choose: those of the scope, else all."""
    scoped = case_scope.groups_of(staff)
    return [(group["key"], group["name"]) for group in GROUPS if not scoped or group["key"] in scoped]


def province_choices(staff) -> list[str]:
    scoped = case_scope.province_scope(staff)
    return [scoped] if scoped else list(PROVINCE_NAMES.values())


@dataclass(frozen=True)
class ItemRow:
    item: str
    group: str
    counts: dict
    total: int


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    intake: int
    output: int
    issued: int


@dataclass(frozen=True)
class Report:
    period: Period
    province: str
    group: str
    columns: list
    rows: list
    totals: dict
    months: list
    submitted: int
    decided: int
    issued: int
    open_cases: int
    overdue_cases: int
    acceptance_overdue: int
    overdue_by_group: dict
    average_days_to_decision: float | None
    days_to_decision: list  # [(label, count)] by DAY_BANDS
    certificates: int | None  # None when a filter or the scope applies (certificates have no case)
    endorsements: int | None
    by_status: dict = field(default_factory=dict)
    # 好差评: the ratings given in the period, by item and by handling unit (evaluations.Satisfaction rows).
    satisfaction_by_item: list = field(default_factory=list)
    satisfaction_by_unit: list = field(default_factory=list)

    @property
    def month_start(self) -> datetime.date:
        return self.period.start


@functools.lru_cache(maxsize=16384)
def _statutory_workday(day: datetime.date) -> bool:
    """The published calendar's answer (no staff overrides), asked once per day per process."""
    return WorkingCalendar().is_workday(day)


class WorkdayIndex:
    """Working days counted once per day of a span: ``between`` in O(1) for any two days of it."""

    def __init__(self, calendar: WorkingCalendar, first: datetime.date, last: datetime.date):
        self.first = first
        self.cumulative = [0]
        overrides = calendar.overrides
        day = first
        while day < last:
            day += datetime.timedelta(days=1)
            workday = overrides[day] if day in overrides else _statutory_workday(day)
            self.cumulative.append(self.cumulative[-1] + (1 if workday else 0))

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end], like ``WorkingCalendar.between``."""
        return self.cumulative[(end - self.first).days] - self.cumulative[(start - self.first).days]


def _scope(staff, province: str, group: str) -> ColumnElement[bool]:
    """The statistician's data scope (``scope.condition``) and the chosen province and group.

    The items are named by their ids, not by a subquery on the groups: the planner then
    estimates the cases from application.item_id's own statistics (the few catalogue rows
    may never have been analysed), and picks index scans for a group as it does for a province.
    """
    clauses: list[ColumnElement[bool]] = []
    for groups in (case_scope.groups_of(staff), [group] if group else []):
        if groups:
            item_ids = db.session.scalars(select(ServiceItem.id).where(ServiceItem.group.in_(groups))).all()
            clauses.append(Application.item_id.in_(item_ids))
    for chosen in (case_scope.province_scope(staff), province):
        if chosen:
            clauses.append(Application.province == chosen)
    return and_(true(), *clauses)


def _filtered(staff, province: str, group: str) -> bool:
    return bool(province or group or case_scope.is_scoped(staff))


def build_report(
    staff=None,
    period: Period | None = None,
    *,
    province: str = "",
    group: str = "",
    today: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> Report:
    today = today or clock.today()
    period = period or this_month(today)
    calendar = calendar or WorkingCalendar.from_database()
    if group and group not in group_names():
        raise ServiceError({"group": _l("Choose an item group from the list.")})
    in_scope = _scope(staff, province, group)
    filtered = _filtered(staff, province, group)
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # These are a dozen short aggregates: compiling them (JIT) costs more than it saves.
        session.execute(text("SET LOCAL jit = off"))
    since, until = period.since, period.until

    # Intake: the cases submitted in the period, by item and by their status now.
    submitted_rows = session.execute(
        select(ServiceItem.name, ServiceItem.group, Application.status, func.count(Application.id))
        .join(ServiceItem, ServiceItem.id == Application.item_id)
        .where(Application.submitted_at >= since, Application.submitted_at < until, in_scope)
        .group_by(ServiceItem.name, ServiceItem.group, Application.status)
    ).all()
    status_columns = columns()
    names = group_names()
    by_item: dict = {}
    for name, item_group, status, count in submitted_rows:
        by_item.setdefault((item_group, name), {})[status] = count
    order = {group_["key"]: index for index, group_ in enumerate(GROUPS)}
    rows = [
        ItemRow(item=name, group=names.get(key, key), counts=values, total=sum(values.values()))
        for (key, name), values in sorted(by_item.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1]))
    ]
    totals = {status: sum(row.counts.get(status, 0) for row in rows) for status in status_columns}

    months = {month: {"intake": 0, "output": 0, "issued": 0} for month in period.months()}
    intake_by_day = session.execute(
        select(china_day(Application.submitted_at), func.count(Application.id))
        .where(Application.submitted_at >= since, Application.submitted_at < until, in_scope)
        .group_by(china_day(Application.submitted_at))
    ).all()
    for day, count in intake_by_day:
        months[f"{_as_date(day):%Y-%m}"]["intake"] += count

    # Output and certificates issued: the events of the period.
    event_day = china_day(ApplicationEvent.created_at)
    events = select(event_day, ApplicationEvent.action, func.count(ApplicationEvent.id)).where(
        ApplicationEvent.action.in_((*DECISIONS, "issue")),
        ApplicationEvent.created_at >= since,
        ApplicationEvent.created_at < until,
    )
    if filtered:
        events = events.join(Application, Application.id == ApplicationEvent.application_id).where(in_scope)
    decided = issued = 0
    for day, action, count in session.execute(events.group_by(event_day, ApplicationEvent.action)).all():
        key = "issued" if action == "issue" else "output"
        months[f"{_as_date(day):%Y-%m}"][key] += count
        if action == "issue":
            issued += count
        else:
            decided += count

    spans = _days_to_decision(calendar, in_scope, filtered, since, until)
    average = round(sum(days * count for days, count in spans.items()) / sum(spans.values()), 1) if spans else None
    bands = []
    for low, high in DAY_BANDS:
        label = f"{low}–{high}" if high is not None else f"≥{low}"
        bands.append(
            (label, sum(count for days, count in spans.items() if days >= low and (high is None or days <= high)))
        )

    open_cases, overdue_by_group = _overdue(calendar, in_scope, today)
    late_acceptance = _acceptance_overdue(calendar, in_scope, today)

    satisfaction_items, satisfaction_units = evaluations.satisfaction_by(
        staff, since, until, province=province, group=group
    )

    certificates = endorsements = None
    if not filtered:
        certificates = session.scalar(
            select(func.count(ElectronicCertificate.id)).where(
                ElectronicCertificate.issued_on >= period.start, ElectronicCertificate.issued_on <= period.end
            )
        )
        endorsements = session.scalar(
            select(func.count(CertificateEndorsement.id)).where(
                CertificateEndorsement.created_at >= since, CertificateEndorsement.created_at < until
            )
        )

    return Report(
        period=period,
        province=province,
        group=group,
        columns=status_columns,
        rows=rows,
        totals=totals,
        months=[MonthRow(month, **values) for month, values in months.items()],
        submitted=sum(totals.values()),
        decided=decided,
        issued=issued,
        open_cases=open_cases,
        overdue_cases=sum(overdue_by_group.values()),
        acceptance_overdue=late_acceptance,
        overdue_by_group={
            names.get(key, key): overdue_by_group[key]
            for key in sorted(overdue_by_group, key=lambda k: order.get(k, 99))
        },
        average_days_to_decision=average,
        days_to_decision=bands,
        certificates=certificates,
        endorsements=endorsements,
        by_status={status: totals[status] for status in status_columns},
        satisfaction_by_item=satisfaction_items,
        satisfaction_by_unit=satisfaction_units,
    )


def _days_to_decision(calendar, in_scope, filtered, since, until) -> dict[int, int]:
    """Working days from acceptance to decision → number of the period's decisions that took them.

    Each decision of the period looks up its case's first acceptance (one probe of the index on
    application_id, action, created_at, read from the index alone). Then decisions are counted
    per pair of Beijing days, and the working days worked out once per pair.
    """
    accept = ApplicationEvent.__table__.alias("accept_event")
    decision = ApplicationEvent.__table__.alias("decision_event")
    first_accept = (
        select(func.min(accept.c.created_at))
        .where(accept.c.application_id == decision.c.application_id, accept.c.action == "accept")
        .scalar_subquery()
    )
    each = select(decision.c.created_at.label("decided_at"), first_accept.label("accepted_at")).where(
        decision.c.action.in_(REVIEW_DECISIONS),
        decision.c.created_at >= since,
        decision.c.created_at < until,
    )
    if filtered:
        each = each.join(Application, Application.id == decision.c.application_id).where(in_scope)
    each_decision = each.subquery()
    accepted_day, decided_day = china_day(each_decision.c.accepted_at), china_day(each_decision.c.decided_at)
    rows = [
        (_as_date(accepted), _as_date(decided), n)
        for accepted, decided, n in db.session.execute(
            select(accepted_day, decided_day, func.count()).group_by(accepted_day, decided_day)
        ).all()
        if accepted is not None
    ]
    if not rows:
        return {}
    index = WorkdayIndex(calendar, min(a for a, _d, _n in rows), max(d for _a, d, _n in rows))
    spans: dict[int, int] = {}
    for accepted, decided, n in rows:
        days = index.between(accepted, decided)
        spans[days] = spans.get(days, 0) + n
    return spans


def _overdue(calendar, in_scope, today) -> tuple[int, dict[str, int]]:
    """(open cases, {group key: open cases over their statutory time limit}) today.

    A case is over its limit when more working days than the limit (plus the working days its
    clock was paused for corrections) have passed since its acceptance (``deadlines.case_clock``).
    Cases that never had a correction request are counted by (acceptance day, limit, group);
    the others have their timelines read (acceptances, correction requests, resubmissions).
    """
    session = db.session
    open_cases = session.scalar(
        select(func.count(Application.id)).where(Application.status.in_(OPEN_STATUSES), in_scope)
    )
    correction = ApplicationEvent.__table__.alias("correction_event")
    corrected = (
        select(correction.c.id)
        .where(correction.c.application_id == Application.id, correction.c.action.in_(CORRECTION_ACTIONS))
        .exists()
    )
    accept = ApplicationEvent.__table__.alias("accept_event")
    first_accept = (
        select(func.min(accept.c.created_at))
        .where(accept.c.application_id == Application.id, accept.c.action == "accept")
        .scalar_subquery()
    )
    each = (
        select(
            first_accept.label("accepted_at"),
            ServiceItem.time_limit_days.label("limit"),
            ServiceItem.group.label("group"),
        )
        .select_from(Application)
        .join(ServiceItem, ServiceItem.id == Application.item_id)
        .where(Application.status.in_(OPEN_STATUSES), in_scope, ~corrected)
        .subquery()
    )
    accepted_day = china_day(each.c.accepted_at)
    plain = session.execute(
        select(accepted_day, each.c.limit, each.c.group, func.count())
        .where(each.c.accepted_at.is_not(None))
        .group_by(accepted_day, each.c.limit, each.c.group)
    ).all()
    timelines: dict[int, list] = {}
    limits: dict[int, tuple[int, str]] = {}
    for event in session.execute(
        select(
            ApplicationEvent.application_id,
            ApplicationEvent.action,
            ApplicationEvent.created_at,
            ServiceItem.time_limit_days,
            ServiceItem.group,
        )
        .join(Application, Application.id == ApplicationEvent.application_id)
        .join(ServiceItem, ServiceItem.id == Application.item_id)
        .where(
            Application.status.in_(OPEN_STATUSES),
            in_scope,
            corrected,
            ApplicationEvent.action.in_(("accept", *CORRECTION_ACTIONS, "resubmit")),
        )
        .order_by(ApplicationEvent.application_id, ApplicationEvent.id)
    ).all():
        timelines.setdefault(event.application_id, []).append(event)
        limits[event.application_id] = (event.time_limit_days, event.group)

    days = [_as_date(day) for day, *_rest in plain]
    moments = [event.created_at for events in timelines.values() for event in events]
    if moments:
        days += [clock.china_date(min(moments)), clock.china_date(max(moments))]
    overdue: dict[str, int] = {}
    if not days:
        return open_cases, overdue
    index = WorkdayIndex(calendar, min([*days, today]), max([*days, today]))
    for day, limit, key, count in plain:
        if index.between(_as_date(day), today) > limit:
            overdue[key] = overdue.get(key, 0) + count
    for case_id, events in timelines.items():
        limit, key = limits[case_id]
        case: Any = SimpleNamespace(events=events)  # what deadlines reads of a case
        started = deadlines.accepted_on(case)
        if started is None:
            continue
        paused_days = sum(index.between(begin, end or today) for begin, end in deadlines.pauses(case))
        if index.between(started, today) > limit + paused_days:
            overdue[key] = overdue.get(key, 0) + 1
    return open_cases, overdue


def _acceptance_overdue(calendar, in_scope, today) -> int:
    """Submitted cases neither accepted nor refused within five working days (``deadlines.acceptance_overdue``)."""
    by_day = db.session.execute(
        select(china_day(Application.submitted_at), func.count(Application.id))
        .where(Application.status == Status.SUBMITTED, Application.submitted_at.is_not(None), in_scope)
        .group_by(china_day(Application.submitted_at))
    ).all()
    if not by_day:
        return 0
    days = [_as_date(day) for day, _count in by_day]
    index = WorkdayIndex(calendar, min([*days, today]), max([*days, today]))
    return sum(count for day, count in by_day if index.between(_as_date(day), today) > ACCEPTANCE_DAYS)


def table_rows(report: Report, header: list[str]) -> list[list]:
    """The by-item table for a spreadsheet; ``header`` names the columns in the reader's language."""
    body = [[row.group, row.item, *[row.counts.get(s, 0) for s in report.columns], row.total] for row in report.rows]
    return [header, *body]


def csv_rows(report: Report, header: list[str]) -> list[list[str]]:
    return [[str(value) for value in row] for row in table_rows(report, header)]


def chart_data(report: Report, status_labels: dict, texts: dict) -> dict:
    """What the page's charts draw (JSON for app/static/js/statistics.js); ``texts`` are translated labels."""
    return {
        "texts": texts,
        "months": [row.month for row in report.months],
        "intake": [row.intake for row in report.months],
        "output": [row.output for row in report.months],
        "issued": [row.issued for row in report.months],
        "statuses": [{"name": str(status_labels.get(s, s)), "value": report.by_status[s]} for s in report.columns],
        "daysToDecision": {
            "bands": [band for band, _n in report.days_to_decision],
            "counts": [n for _b, n in report.days_to_decision],
        },
        "overdue": {"groups": list(report.overdue_by_group), "counts": list(report.overdue_by_group.values())},
    }
