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
from app.services.certificates import prerender
from app.services.errors import ServiceError


class Status:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"  # a correction (补正) request of the acceptance office is open: not yet accepted
    RESUBMITTED = "resubmitted"  # corrected before acceptance: back to the acceptance office
    RETURNED_IN_REVIEW = "returned_in_review"  # the reviewer asked for a correction: accepted, the clock stopped
    REVIEWED = "reviewed"  # the reviewer's opinion is recorded: awaiting the decision
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
    Status.RETURNED_IN_REVIEW: _l("Returned for correction during review"),
    Status.REVIEWED: _l("Reviewed, awaiting decision"),
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
    Status.RETURNED_IN_REVIEW,
    Status.REVIEWED,
    Status.APPROVED,
)
# 已办结: nothing more happens to the case.
FINISHED_STATUSES = (Status.ISSUED, Status.REJECTED, Status.NOT_ACCEPTED, Status.WITHDRAWN)


class Stage:
    """Who holds the case: a claim (领取) lasts while the case stays in its stage."""

    APPLICANT = "applicant"
    ACCEPTANCE = "acceptance"
    REVIEW = "review"
    DECISION = "decision"
    ISSUING = "issuing"
    FINISHED = "finished"


# A return stays with the stage that asked for it, so the officer who asked gets the corrected case back.
STAGES = {
    Status.DRAFT: Stage.APPLICANT,
    Status.SUBMITTED: Stage.ACCEPTANCE,
    Status.RETURNED: Stage.ACCEPTANCE,
    Status.RESUBMITTED: Stage.ACCEPTANCE,
    Status.ACCEPTED: Stage.REVIEW,
    Status.UNDER_REVIEW: Stage.REVIEW,
    Status.RETURNED_IN_REVIEW: Stage.REVIEW,
    Status.REVIEWED: Stage.DECISION,
    Status.APPROVED: Stage.ISSUING,
    Status.ISSUED: Stage.FINISHED,
    Status.REJECTED: Stage.FINISHED,
    Status.NOT_ACCEPTED: Stage.FINISHED,
    Status.WITHDRAWN: Stage.FINISHED,
}
# Statuses before acceptance (the five-working-day acceptance clock) and after it (the promised time limit).
ACCEPTANCE_STAGE = (Status.SUBMITTED, Status.RESUBMITTED)
RETURNED_STATUSES = (Status.RETURNED, Status.RETURNED_IN_REVIEW)
# The steps that open a correction request, and the one that closes it.
CORRECTION_ACTIONS = ("request_correction", "review_correction")
# Steps whose content belongs to the back office (the review opinion): the applicant sees the step, not its text.
INTERNAL_ACTIONS = ("submit_opinion",)


@dataclass(frozen=True)
class Transition:
    """An action and, for each status it starts from, the status it leads to."""

    action: str
    moves: dict
    label: object

    @property
    def sources(self) -> tuple:
        return tuple(self.moves)

    def target(self, source: str) -> str:
        return self.moves[source]


def _t(action: str, sources: tuple, target: str, label) -> Transition:
    return Transition(action, dict.fromkeys(sources, target), label)


TRANSITIONS = {
    t.action: t
    for t in (
        _t("submit", (Status.DRAFT,), Status.SUBMITTED, _l("Application submitted")),
        # The acceptance office (受理): only before acceptance.
        _t("accept", (Status.SUBMITTED, Status.RESUBMITTED), Status.ACCEPTED, _l("Accepted")),
        _t("refuse", (Status.SUBMITTED, Status.RESUBMITTED), Status.NOT_ACCEPTED, _l("Not accepted")),
        _t(
            "request_correction",
            (Status.SUBMITTED, Status.RESUBMITTED),
            Status.RETURNED,
            _l("Returned for correction"),
        ),
        # The review office (审查): after acceptance; its return comes back to it.
        _t("start_review", (Status.ACCEPTED,), Status.UNDER_REVIEW, _l("Review started")),
        _t(
            "review_correction",
            (Status.UNDER_REVIEW,),
            Status.RETURNED_IN_REVIEW,
            _l("Returned for correction during review"),
        ),
        _t("submit_opinion", (Status.UNDER_REVIEW,), Status.REVIEWED, _l("Review completed")),
        # The applicant's corrections go back to the stage that asked for them.
        Transition(
            "resubmit",
            {Status.RETURNED: Status.RESUBMITTED, Status.RETURNED_IN_REVIEW: Status.UNDER_REVIEW},
            _l("Corrected and resubmitted"),
        ),
        # The decision office (审批) decides on the reviewer's opinion.
        _t("approve", (Status.REVIEWED,), Status.APPROVED, _l("Approved")),
        _t("reject", (Status.REVIEWED,), Status.REJECTED, _l("Not approved")),
        _t("issue", (Status.APPROVED,), Status.ISSUED, _l("Certificate issued")),
        _t(
            "withdraw",
            (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.RETURNED_IN_REVIEW),
            Status.WITHDRAWN,
            _l("Withdrawn"),
        ),
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


def stage_of(status: str) -> str:
    return STAGES.get(status, Stage.FINISHED)


def apply(
    application: Application,
    action: str,
    *,
    actor=None,
    office: str = "",
    remarks: str = "",
    defects: list | None = None,
    details: dict | None = None,
) -> ApplicationEvent:
    """Move the case; the caller commits (the event and the move share the transaction)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError(f"unknown action {action}")
    current = application.status
    if current not in transition.sources:
        raise TransitionRefused(action, current)
    target = transition.target(current)
    if application.id is not None:
        db.session.flush()
        moved = db.session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == current)
            .values(status=target, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            db.session.refresh(application)
            raise TransitionRefused(action, application.status)
    application.status = target
    if STAGES.get(current) != STAGES.get(target):
        # A new stage is a new officer's work: the claim of the last one ends.
        application.claimed_by_id = None
        application.claimed_at = None
    event = ApplicationEvent(
        application=application,
        action=action,
        from_status=current,
        to_status=target,
        actor_id=getattr(actor, "id", None),
        office=str(office),
        remarks=str(remarks),
        defects=list(defects or []),
        created_at=clock.now(),
        **(details or {}),
    )
    db.session.add(event)
    _set_due_date(application)
    prerender.notice_after_commit(event)  # a worker renders its notice, if it has one, before it is asked for
    from app.services.api import webhooks  # the outbox of the agencies' webhooks, in this transaction

    webhooks.enqueue(application, event)
    return event


def _set_due_date(application: Application) -> None:
    """The deadline the staff queue sorts by (in SQL), kept on the case at every move."""
    from app.services.cases import deadlines
    from app.services.cases.working_days import WorkingCalendar

    application.due_on = deadlines.due_on(application, WorkingCalendar.from_database())
