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
        assert application.status == transition.target
        assert (event.from_status, event.to_status, event.action) == (status, transition.target, action)
    else:
        with pytest.raises(workflow.TransitionRefused):
            workflow.apply(application, action)
        assert application.status == status
        assert db.session.query(ApplicationEvent).count() == 0


def test_correction_round_trip(case, db):
    application = case(Status.SUBMITTED)
    for action in ("accept", "start_review", "request_correction", "resubmit", "start_review", "approve", "issue"):
        workflow.apply(application, action)
    db.session.flush()
    assert application.status == Status.ISSUED
    assert [e.action for e in application.events][-1] == "issue"


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
