"""Rendering certificates and notices before anyone asks for them (background jobs, app/services/platform/jobs.py).

A certificate endorsement (证照加注) and a formal notice (受理通知书 …) are PDF/OFD files that take a noticeable time
to render; the request that creates them queues their rendering after its commit, and a worker stores the files
(file_cache.py). A download that comes first renders on demand, as it always did, and the job then finds the file
there and does nothing: both are idempotent. Without a worker (no broker) these jobs are skipped.
"""

import logging

from app import log_context
from app.extensions import db
from app.models import ApplicationEvent, CertificateEndorsement
from app.services.platform import jobs

log = logging.getLogger(__name__)


@jobs.task("portal.render.certificate", acks_late=True)
def render_certificate(self, endorsement_id: int) -> int:
    from app.services.certificates.documents import FORMATS, document

    endorsement = db.session.get(CertificateEndorsement, endorsement_id)
    if endorsement is None:
        return 0
    for fmt in FORMATS:
        document(endorsement, fmt)  # stored once; read back when already there
    log.info("certificate endorsement %s rendered (%s)", endorsement_id, log_context.label())
    return len(FORMATS)


@jobs.task("portal.render.notice", acks_late=True)
def render_notice(self, event_id: int) -> int:
    from app.services.cases.notices import NOTICE_KINDS, notice_pdf

    event = db.session.get(ApplicationEvent, event_id)
    if event is None or event.action not in NOTICE_KINDS:
        return 0
    notice_pdf(event)
    log.info("notice of case event %s rendered (%s)", event_id, log_context.label())
    return 1


def certificate_after_commit(endorsement: CertificateEndorsement) -> None:
    jobs.after_commit(render_certificate, endorsement, optional=True)


def notice_after_commit(event: ApplicationEvent) -> None:
    from app.services.cases.notices import NOTICE_KINDS

    if event.action in NOTICE_KINDS:
        jobs.after_commit(render_notice, event, optional=True)
