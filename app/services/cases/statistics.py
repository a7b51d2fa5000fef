"""统计: the figures a ministry's statisticians report on the licensing work (read-only).

Cases by item and status, the month's intake and output, cases over their
statutory time limit, the average working days from acceptance to decision,
electronic certificates issued and endorsed. Counting is done by the database
(GROUP BY); only open cases, a bounded set, are walked to read their clocks.
"""

import datetime
from dataclasses import dataclass

from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import Application, ApplicationEvent, CertificateEndorsement, ElectronicCertificate, ServiceItem
from app.services.cases import deadlines
from app.services.cases.groups import GROUPS
from app.services.cases.workflow import Status
from app.services.cases.working_days import WorkingCalendar

OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.UNDER_REVIEW,
    Status.RETURNED,
    Status.RESUBMITTED,
    Status.APPROVED,
)
COLUMNS = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.UNDER_REVIEW,
    Status.RETURNED,
    Status.RESUBMITTED,
    Status.APPROVED,
    Status.ISSUED,
    Status.NOT_ACCEPTED,
    Status.REJECTED,
    Status.WITHDRAWN,
)


@dataclass(frozen=True)
class ItemRow:
    item: str
    group: str
    counts: dict
    total: int


@dataclass(frozen=True)
class Report:
    month_start: datetime.date
    rows: list
    totals: dict
    submitted_this_month: int
    decided_this_month: int
    issued_this_month: int
    open_cases: int
    overdue_cases: int
    acceptance_overdue: int
    average_days_to_decision: float | None
    certificates: int
    endorsements_this_month: int


def _utc_start_of(day: datetime.date) -> datetime.datetime:
    """Naive-UTC instant of midnight in China on ``day`` (how times are stored)."""
    return clock.china_midnight(day)


def build_report(today: datetime.date | None = None, calendar: WorkingCalendar | None = None) -> Report:
    today = today or clock.today()
    calendar = calendar or WorkingCalendar.from_database()
    month_start = today.replace(day=1)
    since = _utc_start_of(month_start)

    counts = (
        db.session.query(ServiceItem.name, ServiceItem.group, Application.status, func.count(Application.id))
        .join(Application, Application.item_id == ServiceItem.id)
        .filter(Application.status != Status.DRAFT)
        .group_by(ServiceItem.name, ServiceItem.group, Application.status)
        .all()
    )
    by_item: dict = {}
    for name, group, status, count in counts:
        by_item.setdefault((group, name), {})[status] = count
    group_names = {group["key"]: group["name"] for group in GROUPS}
    rows = [
        ItemRow(item=name, group=group_names.get(group, group), counts=values, total=sum(values.values()))
        for (group, name), values in sorted(by_item.items())
    ]
    totals = {status: sum(row.counts.get(status, 0) for row in rows) for status in COLUMNS}

    def events_since(*actions) -> int:
        return (
            db.session.query(func.count(ApplicationEvent.id))
            .filter(ApplicationEvent.action.in_(actions), ApplicationEvent.created_at >= since)
            .scalar()
        )

    open_cases = db.session.query(Application).filter(Application.status.in_(OPEN_STATUSES)).all()
    overdue = 0
    for application in open_cases:
        case_clock = deadlines.case_clock(application, calendar, today)
        if case_clock is not None and case_clock.overdue:
            overdue += 1
    late_acceptance = sum(1 for application in open_cases if deadlines.acceptance_overdue(application, calendar, today))

    decided = (
        db.session.query(ApplicationEvent.application_id, ApplicationEvent.created_at)
        .filter(ApplicationEvent.action.in_(("approve", "reject")))
        .all()
    )
    accepted = dict(
        db.session.query(ApplicationEvent.application_id, func.min(ApplicationEvent.created_at))
        .filter(ApplicationEvent.action == "accept")
        .group_by(ApplicationEvent.application_id)
        .all()
    )
    spans = [
        calendar.between(clock.china_date(accepted[case_id]), clock.china_date(at))
        for case_id, at in decided
        if case_id in accepted
    ]

    return Report(
        month_start=month_start,
        rows=rows,
        totals=totals,
        submitted_this_month=events_since("submit"),
        decided_this_month=events_since("approve", "reject", "refuse"),
        issued_this_month=events_since("issue"),
        open_cases=len(open_cases),
        overdue_cases=overdue,
        acceptance_overdue=late_acceptance,
        average_days_to_decision=round(sum(spans) / len(spans), 1) if spans else None,
        certificates=db.session.query(func.count(ElectronicCertificate.id)).scalar(),
        endorsements_this_month=(
            db.session.query(func.count(CertificateEndorsement.id))
            .filter(CertificateEndorsement.created_at >= since)
            .scalar()
        ),
    )


def csv_rows(report: Report, header: list[str]) -> list[list[str]]:
    """The by-item table for a spreadsheet; ``header`` names the columns in the reader's language."""
    body = [[row.group, row.item, *[str(row.counts.get(s, 0)) for s in COLUMNS], str(row.total)] for row in report.rows]
    return [header, *body]
