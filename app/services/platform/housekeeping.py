"""Scheduled clean-up (Celery beat, ``housekeeping-cleanup``; also ``flask portal cleanup``).

Each run removes only what has expired, so running it twice, or on two workers at once, changes nothing more:

* shared-store rows past their expiry (the ``shared_store_entry`` table, used without Redis: SMS codes and
  their counters, face-verification tokens and passes, picture codes, login counters); Redis expires its own;
* drafts (在线办理 never submitted) untouched for ``DRAFT_KEEP_DAYS`` days (default 180), with their uploaded
  files; each removal is audited;
* SMS jobs sent more than ``SMS_JOB_KEEP_DAYS`` days ago (default 30; dead letters stay for operators), and
  jobs still queued after an hour (the broker or every worker was down: their message is lost) become dead
  letters saying so;
* the cached files of certificate endorsements whose period of use has ended (rendered again on demand).

``expiry_reminders`` is the slot of the expiry reminders in the beat schedule: it runs the dotted path
``EXPIRY_REMINDERS_JOB`` (a function taking no argument) when one is configured.
"""

import datetime
import logging

from flask import current_app
from sqlalchemy import delete, select, update
from werkzeug.utils import import_string

from app import clock, log_context
from app.extensions import db
from app.models import Application, CertificateEndorsement, InboxMessage, SharedStoreEntry, SmsJob
from app.services.cases.workflow import Status
from app.services.platform import audit, jobs, storage
from app.services.platform.file_store import file_store

log = logging.getLogger(__name__)


def purge_shared_store() -> int:
    table = SharedStoreEntry.__table__
    with db.engine.begin() as conn:
        return conn.execute(delete(table).where(table.c.expires_at <= clock.now())).rowcount or 0


def purge_drafts(now: datetime.datetime) -> int:
    days = int(current_app.config.get("DRAFT_KEEP_DAYS", 180))
    cutoff = now - datetime.timedelta(days=days)
    drafts = db.session.scalars(
        select(Application).where(
            Application.status == Status.DRAFT, Application.submitted_at.is_(None), Application.updated_at < cutoff
        )
    ).all()
    files = []
    for draft in drafts:
        files += [attachment.stored_name for attachment in draft.attachments]
        for message in db.session.scalars(select(InboxMessage).where(InboxMessage.application_id == draft.id)):
            message.application_id = None
        audit.record(
            "application.draft_expired",
            account=draft.account,
            subject=draft.item.code if draft.item else "",
            last_saved=draft.updated_at.isoformat(),
            keep_days=days,
        )
        db.session.delete(draft)
    db.session.commit()
    for name in files:  # after the commit: a file is never gone while its row is still there
        try:
            storage.remove(name)
        except Exception:
            log.warning("could not remove the upload %s of an expired draft (%s)", name, log_context.label())
    return len(drafts)


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
        "drafts": purge_drafts(now),
        "sms_jobs": purge_sms_jobs(now),
        "certificate_files": purge_certificate_files(clock.china_date(now)),
    }
    log.info("clean-up: %s (%s)", removed, log_context.label())
    return removed


@jobs.task("portal.housekeeping.cleanup")
def cleanup_job(self) -> dict:
    return cleanup()


@jobs.task("portal.housekeeping.expiry_reminders")
def expiry_reminders_job(self):
    """The slot of the expiry reminders: runs ``EXPIRY_REMINDERS_JOB`` when configured."""
    target = current_app.config.get("EXPIRY_REMINDERS_JOB")
    if not target:
        log.info("expiry reminders: EXPIRY_REMINDERS_JOB is not set, nothing sent (%s)", log_context.label())
        return None
    return import_string(target)()
