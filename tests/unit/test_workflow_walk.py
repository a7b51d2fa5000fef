"""The state machine as a property, walked exhaustively: whatever the order of the steps and whoever
presses them, no case reaches a state the table forbids (issue 15, items 1 and 2).

Every sequence of steps by every role (the four officers and the applicant) is explored,
breadth first, over the facts of a case's history that the rules speak of: was it
accepted, is a review opinion on record since the last correction, which stage asked
for the open correction. The walk is complete because the table depends on the
status alone and those facts are finite.
"""

from collections import deque
from dataclasses import dataclass, replace

from app.roles import ROLE_ACTIONS
from app.services.cases.workflow import (
    ACCEPTANCE_STAGE,
    FINISHED_STATUSES,
    STAGES,
    STATUS_LABELS,
    TRANSITIONS,
    Stage,
    Status,
)

APPLICANT = "applicant"
APPLICANT_ACTIONS = ("submit", "resubmit", "withdraw")
ROLES = {**ROLE_ACTIONS, APPLICANT: APPLICANT_ACTIONS}
ROLE_STAGES = {
    "AcceptanceOfficer": Stage.ACCEPTANCE,
    "ReviewOfficer": Stage.REVIEW,
    "DecisionOfficer": Stage.DECISION,
    "IssuingOfficer": Stage.ISSUING,
}


@dataclass(frozen=True)
class Case:
    status: str = Status.DRAFT
    accepted: bool = False
    refused: bool = False
    opinion: bool = False  # a review opinion is on record since the case last came back to review
    returned_by: str = ""  # the stage of the open correction request
    approved: bool = False


def step(case: Case, role: str, action: str) -> Case | None:
    """The case after ``role`` presses ``action``; None when refused (by the role's rights or by the table)."""
    if action not in ROLES[role]:
        return None
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        return None
    after = replace(case, status=transition.target(case.status))
    if action == "accept":
        after = replace(after, accepted=True)
    elif action == "refuse":
        after = replace(after, refused=True)
    elif action == "request_correction":
        after = replace(after, returned_by=Stage.ACCEPTANCE)
    elif action == "review_correction":
        after = replace(after, returned_by=Stage.REVIEW, opinion=False)
    elif action == "resubmit":
        after = replace(after, returned_by="")
    elif action == "submit_opinion":
        after = replace(after, opinion=True)
    elif action == "approve":
        after = replace(after, approved=True)
    return after


def check(before: Case, role: str, action: str, after: Case) -> None:
    """What the table must never allow."""
    # 1. After acceptance, no acceptance-stage decision: a case is never both accepted and not accepted.
    assert not (after.accepted and after.refused), (before, action)
    if before.accepted:
        assert action not in ("accept", "refuse", "request_correction"), (before, action)
    # 2. A correction returns to the stage that asked for it.
    if action == "resubmit":
        expected = Status.UNDER_REVIEW if before.returned_by == Stage.REVIEW else Status.RESUBMITTED
        assert after.status == expected, (before, after)
    # 3. No decision without the reviewer's opinion; no certificate without a grant.
    if action in ("approve", "reject"):
        assert before.opinion and before.accepted, (before, action)
    if action == "issue":
        assert before.approved
    # 4. A finished case never moves again.
    assert before.status not in FINISHED_STATUSES, (before, action)
    # 5. An officer acts only in the stage of their role.
    if role in ROLE_STAGES:
        assert STAGES[before.status] == ROLE_STAGES[role], (role, before.status, action)
    # 6. Review-stage statuses only after acceptance; acceptance-stage statuses only before it.
    if STAGES[after.status] in (Stage.REVIEW, Stage.DECISION, Stage.ISSUING):
        assert after.accepted, after
    if after.status in ACCEPTANCE_STAGE or after.status == Status.RETURNED:
        assert not after.accepted, after
    assert after.status in STATUS_LABELS and after.status in STAGES


def walk() -> tuple[set[Case], int]:
    start = Case()
    seen = {start}
    queue = deque([start])
    moves = 0
    while queue:
        case = queue.popleft()
        for role, actions in ROLES.items():
            for action in TRANSITIONS:
                after = step(case, role, action)
                if after is None:
                    continue
                assert action in actions
                moves += 1
                check(case, role, action, after)
                if after not in seen:
                    seen.add(after)
                    queue.append(after)
    return seen, moves


def test_no_sequence_of_steps_by_any_role_reaches_a_forbidden_state():
    reached, moves = walk()
    statuses = {case.status for case in reached}
    # Every status is reachable (no dead entries in the table), every ending too.
    assert statuses == set(STATUS_LABELS)
    assert moves > len(reached)


def test_the_roles_share_out_the_staff_steps_without_overlap():
    staff_steps = [action for actions in ROLE_ACTIONS.values() for action in actions]
    assert len(staff_steps) == len(set(staff_steps))
    assert set(staff_steps) | set(APPLICANT_ACTIONS) == set(TRANSITIONS)


def test_the_reported_path_is_refused():
    """受理 → 开始审查 → 退回补正 → corrected: the acceptance officer is offered nothing."""
    case = Case()
    for role, action in (
        (APPLICANT, "submit"),
        ("AcceptanceOfficer", "accept"),
        ("ReviewOfficer", "start_review"),
        ("ReviewOfficer", "review_correction"),
        (APPLICANT, "resubmit"),
    ):
        after = step(case, role, action)
        assert after is not None, (case, action)
        case = after
    assert case.status == Status.UNDER_REVIEW
    assert all(step(case, "AcceptanceOfficer", action) is None for action in ROLE_ACTIONS["AcceptanceOfficer"])
    assert step(case, "DecisionOfficer", "approve") is None  # no opinion yet
