"""Scheduled clean-up (Celery beat, ``housekeeping-cleanup``; also ``flask portal cleanup``).

Each run removes only what has expired, so running it twice, or on two workers at once, changes nothing more:

* shared-store rows past their expiry (the ``shared_store_entry`` table, used without Redis: SMS codes and
  their counters, face-verification tokens and passes, picture codes, login counters); Redis expires its own;
* SMS jobs sent more than ``SMS_JOB_KEEP_DAYS`` days ago (default 30; dead letters stay for operators), and
  jobs still queued after an hour (the broker or every worker was down: their message is lost) become dead
  letters saying so;
* the cached files of certificate endorsements whose period of use has ended (rendered again on demand).

Untouched drafts are not removed here: the expiry reminders (app/services/reminders/job.py) tell their holder
first and discard them on the day the reminder named. Beat also runs those reminders daily
(``expiry_reminders_job``), the agencies' due webhooks every minute (``webhooks_job``) and, daily, the archiving
of the audit trail older than ``AUDIT_RETENTION_DAYS`` (``audit_archive_job``, app/services/platform/audit_archive.py).
"""

import datetime
import logging

from flask import current_app
from sqlalchemy import delete, select, update

from app import clock, log_context
from app.extensions import db
from app.models import CertificateEndorsement, SharedStoreEntry, SmsJob
from app.services.platform import jobs
from app.services.platform.file_store import file_store

log = logging.getLogger(__name__)


def purge_shared_store() -> int:
    table = SharedStoreEntry.__table__
    with db.engine.begin() as conn:
        return conn.execute(delete(table).where(table.c.expires_at <= clock.now())).rowcount or 0


STALE_JOB = "not sent within an hour: the broker or the workers were unavailable"


def purge_sms_jobs(now: datetime.datetime) -> int:
    cutoff = now - datetime.timedelta(days=int(current_app.config.get("SMS_JOB_KEEP_DAYS", 30)))
    table = SmsJob.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table)
            .where(table.c.state == "queued", table.c.created_at < now - datetime.timedelta(hours=1))
            .values(state="dead", last_error=STALE_JOB, finished_at=now)
        )
        return conn.execute(delete(table).where(table.c.state == "sent", table.c.created_at < cutoff)).rowcount or 0


def purge_certificate_files(today: datetime.date) -> int:
    from app.services.certificates.documents import FORMATS, cached_name

    store, removed = file_store(), 0
    # Ended within the last 30 days: older ones were removed by earlier runs.
    ended = db.session.scalars(
        select(CertificateEndorsement).where(
            CertificateEndorsement.valid_to < today,
            CertificateEndorsement.valid_to >= today - datetime.timedelta(days=30),
        )
    ).all()
    for endorsement in ended:
        for fmt in FORMATS:
            name = cached_name(endorsement, fmt)
            if store.exists("certificates", name):
                store.remove("certificates", name)
                removed += 1
    return removed


def cleanup() -> dict:
    """One clean-up run; returns what it removed."""
    now = clock.now()
    removed = {
        "shared_store_entries": purge_shared_store(),
        "sms_jobs": purge_sms_jobs(now),
        "certificate_files": purge_certificate_files(clock.china_date(now)),
    }
    log.info("clean-up: %s (%s)", removed, log_context.label())
    return removed


@jobs.task("portal.housekeeping.cleanup")
def cleanup_job(self) -> dict:
    return cleanup()


@jobs.task("portal.housekeeping.expiry_reminders")
def expiry_reminders_job(self) -> str:
    """The daily expiry reminders (idempotent: a second run the same day delivers nothing more)."""
    from app.services.reminders.job import send_reminders

    return str(send_reminders())


@jobs.task("portal.housekeeping.webhooks")
def webhooks_job(self) -> str:
    """The agencies' webhooks that are due (each posted once, retried with back-off)."""
    from app.services.api.webhooks import deliver_due

    return str(deliver_due())


@jobs.task("portal.housekeeping.audit_archive")
def audit_archive_job(self) -> dict:
    """Whole months of the audit trail past the retention period, to the file store (idempotent)."""
    from app.services.platform.audit_archive import archive

    return archive()
