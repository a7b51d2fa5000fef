"""The Celery application of the portal's background jobs: ``celery -A app.worker worker`` and ``… beat``.

The portal is built from its configuration and environment exactly as run.py builds it (``PORTAL_ENV``,
``DATABASE_URL``, ``REDIS_URL``, ``CELERY_BROKER_URL`` …); every job runs in its application context.
``make worker`` starts one worker with beat embedded (one machine); a cluster runs one ``beat`` only.
Without ``CELERY_BROKER_URL`` there is nothing to work for (the portal runs its jobs itself): the worker stops
with a message saying so.
"""

from celery.signals import worker_process_init

from app import create_app
from app.extensions import db

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
