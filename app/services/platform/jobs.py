"""Background jobs: Celery on a Redis broker, or run at once in the process that asks when there is none.

``CELERY_BROKER_URL`` names the broker (e.g. ``redis://127.0.0.1:6379/2``). It does NOT default to
``REDIS_URL``: a portal that keeps its sessions and limits in Redis but runs no worker would queue SMS that
nobody sends. Set it exactly when a worker runs (``make worker``, or ``celery -A app.worker worker`` and
``celery -A app.worker beat``, deploy/). Without it every job runs eagerly, in the request that queued it,
so ``make run`` and the tests need nothing more.

Every job:

* is idempotent: it is given ids, reads what it needs from the database, and does nothing when its work is
  already done (an SMS already sent, a file already rendered, nothing left to clean up), so a redelivered
  message (``acks_late``: a worker that dies mid-job leaves it to another) never does the work twice;
* carries the request id and the account id of the request that queued it (app/log_context.py) and logs
  them with every line;
* runs inside an application context of the worker's portal (app/worker.py builds it as run.py does).

Jobs that only save time later (rendering a certificate before it is downloaded) are skipped in eager mode:
the page that needs the file renders it on demand anyway.

The beat schedule (``celery -A app.worker beat``): ``housekeeping.cleanup`` every
``CLEANUP_INTERVAL_SECONDS`` (app/services/platform/housekeeping.py), the expiry reminders daily at
``EXPIRY_REMINDERS_HOUR`` Beijing time (app/services/reminders/job.py, which also discards the drafts it warned
about), the agencies' due webhooks every minute (app/services/api/webhooks.py), and the audit trail's archiving
daily at ``AUDIT_ARCHIVE_HOUR``:30 Beijing time (app/services/platform/audit_archive.py).
"""

import logging
import os
from typing import Any

from celery import Celery, Task
from celery.exceptions import Retry
from celery.schedules import crontab
from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app import log_context, metrics
from app.extensions import db
from app.services.unit_of_work import committed_for_good

log = logging.getLogger(__name__)

celery = Celery("portal")
celery.conf.update(task_always_eager=True, task_eager_propagates=True, task_ignore_result=True)


class HideJobArguments(logging.Filter):
    """Celery's own lines about a job (received, succeeded, failed) carry its arguments, and a verification code
    travels only as an argument of its SMS job: they are left out of every line (ids included, for simplicity)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for holder in (record.args, getattr(record, "data", None)):
            if isinstance(holder, dict):
                for key in ("args", "kwargs"):
                    if key in holder:
                        holder[key] = "(hidden)"
        return True


for _celery_logger in ("celery.app.trace", "celery.worker.strategy", "celery.worker.request"):
    logging.getLogger(_celery_logger).addFilter(HideJobArguments())

_EXTENSION = "portal_jobs"
_PENDING = "portal_pending_jobs"
_flask_app: Any = None  # the application a worker runs its jobs in (the last one built in this process)

TASK_MODULES = (
    "app.services.platform.sms",
    "app.services.platform.housekeeping",
    "app.services.certificates.prerender",
)


def _settings(config, instance_path: str | None = None) -> dict:
    broker = config.get("CELERY_BROKER_URL") or None
    cleanup = float(config.get("CLEANUP_INTERVAL_SECONDS") or 3600)
    reminder_hour = int(config.get("EXPIRY_REMINDERS_HOUR", 9))
    audit_hour = int(config.get("AUDIT_ARCHIVE_HOUR", 3))
    return {
        "broker_url": broker,
        "task_always_eager": broker is None,
        "task_eager_propagates": True,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # A request that queues while the broker is down waits about a second, then is told (never minutes).
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5},
        "broker_transport_options": {"socket_connect_timeout": 1, "socket_timeout": 2},
        "timezone": "Asia/Shanghai",
        "enable_utc": True,
        # beat's record of the last runs (``celery beat`` writes it; the instance folder is the portal's own)
        "beat_schedule_filename": os.path.join(instance_path or ".", "celerybeat-schedule"),
        "beat_schedule": {
            "housekeeping-cleanup": {"task": "portal.housekeeping.cleanup", "schedule": cleanup},
            "expiry-reminders": {
                "task": "portal.housekeeping.expiry_reminders",
                "schedule": crontab(hour=reminder_hour, minute=0),
            },
            "webhooks": {"task": "portal.housekeeping.webhooks", "schedule": 60.0},
            "audit-archive": {
                "task": "portal.housekeeping.audit_archive",
                "schedule": crontab(hour=audit_hour, minute=30),
            },
        },
    }


def init_app(app) -> None:
    """Configure the jobs for ``app``; the worker (app/worker.py) runs them in it."""
    global _flask_app
    import importlib

    for module in TASK_MODULES:  # every job is known to the worker and to beat
        importlib.import_module(module)
    app.extensions[_EXTENSION] = _settings(app.config, app.instance_path)
    app.extensions["celery"] = celery
    _flask_app = app
    _configure(app.extensions[_EXTENSION])


def _configure(settings: dict) -> None:
    conf = celery.conf
    if conf.broker_url != settings["broker_url"] or conf.task_always_eager != settings["task_always_eager"]:
        celery._after_fork()  # forget the connections to the previous broker (as Celery does in a new process)
    conf.update(settings)


def eager() -> bool:
    """True when jobs run in the process that queues them (no broker configured)."""
    settings = current_app.extensions.get(_EXTENSION)
    return settings is None or settings["task_always_eager"]


class PortalTask(Task):
    """Runs in the portal's application context, as part of the request that queued it."""

    abstract = True

    def __call__(self, *args, context=None, **kwargs):
        with log_context.bound(context):
            try:
                if has_app_context():  # eager: inside the request
                    return self.run(*args, **kwargs)
                with _flask_app.app_context():
                    try:
                        return self.run(*args, **kwargs)
                    finally:
                        db.session.remove()
            except Retry:  # tried again later: not (yet) a failure
                raise
            except Exception:
                metrics.JOBS_FAILED.labels(self.name).inc()
                raise


def task(name: str, **options):
    """Declare a portal job named ``name`` (its messages say it; keep names stable)."""
    return celery.task(name=name, base=PortalTask, bind=True, typing=False, **options)


def enqueue(job, *args, optional: bool = False, **options) -> None:
    """Queue ``job`` with ``args`` (ids and plain values), carrying this request's id and account.

    ``optional``: work that only saves time later, skipped in eager mode.
    """
    settings = current_app.extensions.get(_EXTENSION) or _settings(current_app.config)
    if optional and settings["task_always_eager"]:
        return
    _configure(settings)  # this application's broker (several applications may share the process)
    metrics.JOBS_QUEUED.labels(job.name).inc()  # before: without a broker the job runs (and may fail) right here
    # argsrepr: what monitoring (events, flower) and the worker's lines show of the arguments: ids only.
    shown = tuple(arg if isinstance(arg, int) else "(hidden)" for arg in args)
    job.apply_async(args=args, kwargs={"context": log_context.current()}, argsrepr=repr(shown), **options)


def after_commit(job, *args, optional: bool = False) -> None:
    """Queue ``job`` once the current transaction commits (never if it rolls back).

    An argument that is a model instance is passed as its primary key, read after the commit.
    """
    db.session.info.setdefault(_PENDING, []).append((job, args, optional, log_context.current()))


def _id_of(value):
    if hasattr(value, "__table__"):
        identity = inspect(value).identity
        return identity[0] if identity else None
    return value


@event.listens_for(Session, "after_commit")
def _queue_pending(session):
    if not committed_for_good(session):
        return
    pending = session.info.pop(_PENDING, [])
    for job, args, optional, context in pending:
        if any(hasattr(arg, "__table__") and inspect(arg).identity is None for arg in args):
            continue  # its row was taken back with a savepoint: nothing to do
        try:
            with log_context.bound(context):
                enqueue(job, *[_id_of(arg) for arg in args], optional=optional)
        except Exception:  # the change is committed; the job's work is redone on demand or by the next run
            log.exception("could not queue %s (%s)", job.name, log_context.label())


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    session.info.pop(_PENDING, None)
