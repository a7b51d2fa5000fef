"""统计报表 kept for a short while, shared by every server process, retired by any change it counts.

At a million cases one report of a year costs a second or more of database work
(``bench/reports.py``: the working days from acceptance to decision of every
decision, the open cases against their time limits). Statisticians look at the
same report several times in a row (the page, its charts, the Excel and CSV
exports, a reload), so the figures are kept, as JSON in the shared store
(``services/platform/shared_store.py``: Redis, or the database), for
``KEEP_SECONDS``.

Invalidation is exact, not by age: the key holds the *cases generation*, a number
that moves on after the commit of any change the report reads (a case's status,
submission, item or province; a timeline event; an item; a calendar override; a
certificate or an endorsement). A report is therefore never older than the last
committed change it counts; a change rolled back moves nothing. The key also holds
the period, the province and group chosen, the statistician's data scope and
today's Beijing date (the open cases are counted against today). Data written
around the ORM (a bulk load) calls ``bump()``.

A summary table maintained on every move would make even the first view quick; this
cache is the smaller step, chosen because it changes no write path of the workflow.
"""

import dataclasses
import datetime
import hashlib
import json
import logging

from sqlalchemy import inspect

from app import metrics
from app.models import (
    Application,
    ApplicationEvent,
    CalendarOverride,
    CaseEvaluation,
    CertificateEndorsement,
    ElectronicCertificate,
    ServiceItem,
)
from app.services.cases import evaluations, statistics
from app.services.cases import scope as case_scope
from app.services.platform import generations
from app.services.platform.shared_store import get_store

GENERATION_KEY = "statistics:generation"
KEEP_SECONDS = 600
_KEEP_GENERATION_SECONDS = 10 * 365 * 86400
_WATCHED = (
    ApplicationEvent,
    CalendarOverride,
    CaseEvaluation,
    CertificateEndorsement,
    ElectronicCertificate,
    ServiceItem,
)
# What a report reads of a case (a draft's form data, for one, is not counted anywhere).
_CASE_FIELDS = ("status", "submitted_at", "item_id", "province")

log = logging.getLogger(__name__)


def generation() -> int:
    raw = get_store().get(GENERATION_KEY)
    return int(raw) if raw and str(raw).isdigit() else 0


def bump() -> int:
    """Retire every kept report (in every process)."""
    return get_store().incr(GENERATION_KEY, _KEEP_GENERATION_SECONDS)


def _key(staff, period: statistics.Period, province: str, group: str, today: datetime.date) -> str:
    parts = [
        generation(),
        period.kind,
        period.start.isoformat(),
        period.end.isoformat(),
        province,
        group,
        sorted(case_scope.groups_of(staff)),
        case_scope.province_scope(staff),
        today.isoformat(),
    ]
    return "statistics:report:" + hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _dumps(report: statistics.Report) -> str:
    return json.dumps(dataclasses.asdict(report), default=str, ensure_ascii=False)


def _loads(text: str) -> statistics.Report:
    data = json.loads(text)
    period = data.pop("period")
    return statistics.Report(
        period=statistics.Period(
            period["kind"], datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])
        ),
        rows=[statistics.ItemRow(**row) for row in data.pop("rows")],
        months=[statistics.MonthRow(**row) for row in data.pop("months")],
        days_to_decision=[tuple(band) for band in data.pop("days_to_decision")],
        satisfaction_by_item=[evaluations.Satisfaction(**row) for row in data.pop("satisfaction_by_item")],
        satisfaction_by_unit=[evaluations.Satisfaction(**row) for row in data.pop("satisfaction_by_unit")],
        **data,
    )


def report(
    staff, period: statistics.Period, *, province: str = "", group: str = "", today: datetime.date
) -> statistics.Report:
    """``statistics.build_report``, kept until a change it counts is committed (or KEEP_SECONDS pass)."""
    store = get_store()
    key = _key(staff, period, province, group, today)
    kept = store.get(key)
    metrics.cache_lookup("statistics_reports", bool(kept))
    if kept:
        try:
            return _loads(kept)
        except (ValueError, TypeError, KeyError):  # written by another version: worked out again
            log.warning("a kept report could not be read; working it out again")
    fresh = statistics.build_report(staff, period, province=province, group=group, today=today)
    store.set(key, _dumps(fresh), KEEP_SECONDS)
    return fresh


def _case_changed(instance) -> bool:
    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in _CASE_FIELDS)


def touches_reports(session) -> bool:
    """Whether the pending changes of ``session`` change a figure of 统计报表."""
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, _WATCHED):
            return True
        if isinstance(instance, Application):
            if instance in session.deleted or (instance in session.new and instance.submitted_at is not None):
                return True
            if instance in session.dirty and _case_changed(instance):
                return True
    return False


_WATCHER = generations.AfterCommit("reports_changed", touches_reports, lambda: bump(), "the statistics generation")
install = _WATCHER.install
