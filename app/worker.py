"""The Celery application of the portal's background jobs: ``celery -A app.worker worker`` and ``… beat``.

The portal is built from its configuration and environment exactly as run.py builds it (``PORTAL_ENV``,
``DATABASE_URL``, ``REDIS_URL``, ``CELERY_BROKER_URL`` …); every job runs in its application context.
``make worker`` starts one worker with beat embedded (one machine); a cluster runs one ``beat`` only.
"""

from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
