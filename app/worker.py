"""The Celery application of the portal's background jobs: ``celery -A app.worker worker`` and ``… beat``.

The portal is built from its configuration and environment exactly as run.py builds it (``PORTAL_ENV``,
``DATABASE_URL``, ``REDIS_URL``, ``CELERY_BROKER_URL`` …); every job runs in its application context.
``make worker`` starts one worker with beat embedded (one machine); a cluster runs one ``beat`` only.
Without ``CELERY_BROKER_URL`` there is nothing to work for (the portal runs its jobs itself): the worker stops
with a message saying so.
"""

import logging
import os

from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    worker_init,
    worker_process_init,
    worker_process_shutdown,
)

from app import create_app, log_format
from app.extensions import db
from app.platform import metrics_endpoint

flask_app = create_app()
celery = flask_app.extensions["celery"]

if not flask_app.config.get("CELERY_BROKER_URL"):
    raise SystemExit(
        "CELERY_BROKER_URL is not set: the portal runs its jobs itself and needs no worker. "
        "Set it (e.g. redis://127.0.0.1:6379/2) for both the portal and the worker."
    )


@worker_process_init.connect
def _own_database_connections(**_kwargs) -> None:
    """Each pool process opens its own connections: a socket inherited across fork() is shared with the
    parent and the other children, and PostgreSQL then answers one process's query to another (psycopg's
    "unexpected result EMPTY_QUERY from command 'BEGIN'")."""
    with flask_app.app_context():
        db.engine.dispose(close=False)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _json_lines(logger: logging.Logger, **_kwargs) -> None:
    """With LOG_FORMAT=json the worker's lines are JSON too, each with the request id and account of the request
    that queued the job (app/log_context.py)."""
    if log_format.json_wanted(flask_app.config):
        log_format.use_json_on(logger)


@worker_init.connect
def _serve_metrics(**_kwargs) -> None:
    """WORKER_METRICS_PORT: the worker's counters (jobs failed, SMS sent, retried, failed) for Prometheus."""
    metrics_endpoint.serve_worker_metrics(flask_app.config)


@worker_process_shutdown.connect
def _forget_live_gauges(**_kwargs) -> None:
    if metrics_endpoint.multiprocess_mode():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())
