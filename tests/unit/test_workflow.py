"""The case state machine: every allowed move, every refused one, and the race."""

import itertools

import pytest

from app.models import Application, ApplicationEvent, ServiceItem
from app.services.cases import workflow
from app.services.cases.workflow import TRANSITIONS, Status

ALL_STATUSES = [v for k, v in vars(Status).items() if not k.startswith("_")]


@pytest.fixture
def case(app, db, staff_factory):
    item = ServiceItem(code="T" * 31, category="personal", group="constructor", name="测试事项")
    db.session.add(item)
    db.session.flush()
    applicant = staff_factory("Admin", username="applicant")  # any account will do for the model

    def make(status):
        application = Application(account_id=applicant.id, item_id=item.id, status=status)
        db.session.add(application)
        db.session.flush()
        return application

    return make


@pytest.mark.parametrize("action, status", list(itertools.product(TRANSITIONS, ALL_STATUSES)))
def test_every_action_from_every_status(case, db, action, status):
    application = case(status)
    transition = TRANSITIONS[action]
    if status in transition.sources:
        event = workflow.apply(application, action, remarks="理由")
        db.session.flush()
        assert application.status == transition.target(status)
        assert (event.from_status, event.to_status, event.action) == (status, transition.target(status), action)
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.apply(application, action)
        assert application.status == status
        assert db.session.query(ApplicationEvent).count() == 0


def test_correction_round_trip(case, db):
    application = case(Status.SUBMITTED)
    steps = ("accept", "start_review", "review_correction", "resubmit", "submit_opinion", "approve", "issue")
    statuses = []
    for action in steps:
        workflow.apply(application, action)
        statuses.append(application.status)
    db.session.flush()
    assert statuses == [
        Status.ACCEPTED,
        Status.UNDER_REVIEW,
        Status.RETURNED_IN_REVIEW,
        Status.UNDER_REVIEW,  # the correction comes back to the review that asked for it
        Status.REVIEWED,
        Status.APPROVED,
        Status.ISSUED,
    ]
    assert [e.action for e in application.events][-1] == "issue"


def test_a_correction_before_acceptance_goes_back_to_the_acceptance_office(case, db):
    application = case(Status.SUBMITTED)
    for action in ("request_correction", "resubmit"):
        workflow.apply(application, action)
    assert application.status == Status.RESUBMITTED
    with pytest.raises(workflow.TransitionRefused):
        workflow.apply(application, "start_review")  # not accepted yet
    workflow.apply(application, "refuse")
    assert application.status == Status.NOT_ACCEPTED


def test_after_acceptance_the_acceptance_office_has_no_step(case, db):
    """Issue 15: 受理 → 开始审查 → 退回补正 → corrected: 不予受理 must be impossible."""
    application = case(Status.SUBMITTED)
    for action in ("accept", "start_review", "review_correction", "resubmit"):
        workflow.apply(application, action)
    for action in ("accept", "refuse", "request_correction"):
        with pytest.raises(workflow.TransitionRefused):
            workflow.apply(application, action)
    assert application.status == Status.UNDER_REVIEW


def test_a_stale_copy_cannot_move_the_case_twice(case, db):
    """Two staff load the same case; the second click is refused, not applied."""
    application = case(Status.SUBMITTED)
    db.session.commit()
    workflow.apply(application, "accept")
    db.session.commit()
    # simulate the other officer's stale object: status still "submitted" in memory
    stale = db.session.get(Application, application.id)
    db.session.expire(stale)
    stale_status = Status.SUBMITTED
    with db.session.no_autoflush:
        stale.__dict__["status"] = stale_status
    with pytest.raises(workflow.TransitionRefused):
        workflow.apply(stale, "refuse")
    db.session.rollback()
    assert db.session.get(Application, application.id).status == Status.ACCEPTED


def test_unknown_action():
    with pytest.raises(ValueError):
        workflow.apply(Application(status=Status.DRAFT), "teleport")
