"""The state machine of a case (办件), shared by personal and company items.

Every move is one transition: it is refused unless the case is in one of its
source states, it is applied with a compare-and-set on the status (two staff
pressing at once cannot both succeed), and it writes an ApplicationEvent that
the applicant's progress page shows. The back-office workflow adds transitions
to TRANSITIONS rather than rewriting this module.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app import clock
from app.extensions import db
from app.models import Application, ApplicationEvent
from app.services.errors import ServiceError


class Status:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"  # a correction (补正) request is open
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted, awaiting acceptance"),
    Status.ACCEPTED: _l("Accepted"),
    Status.NOT_ACCEPTED: _l("Not accepted"),
    Status.UNDER_REVIEW: _l("Under review"),
    Status.RETURNED: _l("Returned for correction"),
    Status.RESUBMITTED: _l("Corrected and resubmitted"),
    Status.APPROVED: _l("Approved"),
    Status.REJECTED: _l("Not approved"),
    Status.ISSUED: _l("Certificate issued"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

# A person may hold only one case per item in these states.
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.UNDER_REVIEW,
    Status.RETURNED,
    Status.RESUBMITTED,
    Status.APPROVED,
)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple
    target: str
    label: object


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", (Status.DRAFT,), Status.SUBMITTED, _l("Application submitted")),
        Transition("accept", (Status.SUBMITTED, Status.RESUBMITTED), Status.ACCEPTED, _l("Accepted")),
        Transition("refuse", (Status.SUBMITTED, Status.RESUBMITTED), Status.NOT_ACCEPTED, _l("Not accepted")),
        Transition("start_review", (Status.ACCEPTED, Status.RESUBMITTED), Status.UNDER_REVIEW, _l("Review started")),
        Transition(
            "request_correction",
            (Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.RESUBMITTED),
            Status.RETURNED,
            _l("Returned for correction"),
        ),
        Transition("resubmit", (Status.RETURNED,), Status.RESUBMITTED, _l("Corrected and resubmitted")),
        Transition("approve", (Status.UNDER_REVIEW,), Status.APPROVED, _l("Approved")),
        Transition("reject", (Status.UNDER_REVIEW,), Status.REJECTED, _l("Not approved")),
        Transition("issue", (Status.APPROVED,), Status.ISSUED, _l("Certificate issued")),
        Transition("withdraw", (Status.DRAFT, Status.SUBMITTED, Status.RETURNED), Status.WITHDRAWN, _l("Withdrawn")),
    )
}


class TransitionRefused(ServiceError):
    """The case is not (or no longer) in a state this action starts from."""

    def __init__(self, action: str, status: str):
        super().__init__(
            message=_l(
                "This case can no longer be handled that way: its status is now %(status)s.",
                status=STATUS_LABELS.get(status, status),
            ),
            code=f"{action} refused in status {status}",
        )
        self.action = action
        self.status = status


def can(application: Application, action: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and application.status in transition.sources


def apply(
    application: Application,
    action: str,
    *,
    actor=None,
    office: str = "",
    remarks: str = "",
    defects: list | None = None,
) -> ApplicationEvent:
    """Move the case; the caller commits (the event and the move share the transaction)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError(f"unknown action {action}")
    current = application.status
    if current not in transition.sources:
        raise TransitionRefused(action, current)
    if application.id is not None:
        db.session.flush()
        moved = db.session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == current)
            .values(status=transition.target, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            db.session.refresh(application)
            raise TransitionRefused(action, application.status)
    application.status = transition.target
    event = ApplicationEvent(
        application=application,
        action=action,
        from_status=current,
        to_status=transition.target,
        actor_id=getattr(actor, "id", None),
        office=str(office),
        remarks=str(remarks),
        defects=list(defects or []),
    )
    db.session.add(event)
    return event
