"""The figures ``/metrics`` reads from the database at scrape time: cases by status, certificates issued, SMS jobs by
state. Three grouped counts over indexed columns; the scrape keeps them a few seconds (app/platform/metrics_endpoint.py)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ElectronicCertificate, SmsJob


@dataclass(frozen=True)
class Figures:
    cases_by_status: dict[str, int]
    certificates_issued: int
    certificates_revoked: int
    sms_jobs_by_state: dict[str, int]


def current() -> Figures:
    session = db.session
    cases = dict(session.execute(select(Application.status, func.count()).group_by(Application.status)).all())
    issued, revoked = session.execute(
        select(func.count(), func.count(ElectronicCertificate.revoked_at)).select_from(ElectronicCertificate)
    ).one()
    sms = dict(session.execute(select(SmsJob.state, func.count()).group_by(SmsJob.state)).all())
    return Figures(
        cases_by_status={str(k): int(v) for k, v in cases.items()},
        certificates_issued=int(issued),
        certificates_revoked=int(revoked),
        sms_jobs_by_state={str(k): int(v) for k, v in sms.items()},
    )
