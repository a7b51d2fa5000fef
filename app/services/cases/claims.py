"""领取 / 指派 / 改派: one officer works a case in each stage.

An officer claims (领取) a case of their queue, or a section head (科长) assigns
(指派) it to an officer of the right role, or reassigns (改派) it. While a case is
claimed, the other officers of the stage are refused with the holder's name. An
officer who takes a step on a case nobody holds claims it by that step. The claim
ends when the case moves to another stage (workflow.apply), and a return for
correction stays with the officer who asked for it.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.models import Account, Application
from app.roles import ROLE_ACTIONS
from app.services.cases import scope as case_scope
from app.services.cases import workflow
from app.services.errors import FORM, ServiceError
from app.services.platform import audit


def holder_name(application: Application) -> str:
    holder = application.claimed_by
    if holder is None:
        return ""
    return holder.display_name or holder.username


def _held_by_other(application: Application, officer) -> bool:
    return application.claimed_by_id is not None and application.claimed_by_id != officer.id


def _refuse_held(application: Application) -> ServiceError:
    return ServiceError.on(
        FORM,
        _l("This case is being handled by %(name)s: ask them or the section head.", name=holder_name(application)),
        code="held by another officer",
    )


def ensure_holder(application: Application, officer) -> None:
    """Before a step: refused if another officer holds the case; a case nobody holds is claimed by the step."""
    if _held_by_other(application, officer):
        raise _refuse_held(application)
    if application.claimed_by_id is None:
        application.claimed_by_id = officer.id
        application.claimed_at = clock.now()


def can_work(actions, application: Application) -> bool:
    return any(workflow.can(application, action) for action in actions)


def claim(application: Application, officer, actions, *, ip: str = "") -> None:
    """领取: the officer takes a case on which their role has a step now; the caller commits."""
    if not can_work(actions, application):
        raise ServiceError.on(FORM, _l("Your role has no step on this case in its present status."), code="no step")
    if _held_by_other(application, officer):
        raise _refuse_held(application)
    if application.claimed_by_id == officer.id:
        return
    _take(application, officer)
    audit.record("case.claim", account=application.account, actor=officer, ip=ip, subject=application.number)


def _take(application: Application, officer) -> None:
    # Compare-and-set: two officers claiming at once cannot both win.
    previous = application.claimed_by_id
    db.session.flush()
    moved = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == application.status,
            (Application.claimed_by_id.is_(None) if previous is None else Application.claimed_by_id == previous),
        )
        .values(claimed_by_id=officer.id, claimed_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(application)
    if moved != 1:
        raise _refuse_held(application)


def role_names(officer) -> set[str]:
    return {role.name for role in getattr(officer, "roles", [])}


def officer_actions(officer) -> list[str]:
    return [action for role in role_names(officer) for action in ROLE_ACTIONS.get(role, ())]


def candidates(application: Application) -> list[Account]:
    """The officers a section head may assign the case to: a role with a step on it now, the case in their scope."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if can_work(actions, application)]
    if not roles:
        return []
    from flask_appbuilder.security.sqla.models import Role

    officers = db.session.scalars(
        select(Account)
        .join(Account.roles)
        .where(Role.name.in_(roles), Account.active.is_(True))
        .order_by(Account.username)
        .distinct()
    )
    return [officer for officer in officers if case_scope.in_scope(application, officer)]


def assign(application: Application, officer_id: int, *, by, ip: str = "") -> Account:
    """指派 (or 改派 when someone holds it): give the case to an officer who can work it now."""
    officer = next((o for o in candidates(application) if o.id == officer_id), None)
    if officer is None:
        raise ServiceError(
            {"officer": _l("Choose an officer whose role has the next step of this case and whose scope covers it")}
        )
    previous = holder_name(application)
    reassigned = application.claimed_by_id is not None
    application.claimed_by_id = officer.id
    application.claimed_at = clock.now()
    db.session.flush()
    db.session.refresh(application)
    audit.record(
        "case.reassign" if reassigned else "case.assign",
        account=application.account,
        actor=by,
        ip=ip,
        subject=application.number,
        officer=officer.username,
        previous=previous,
    )
    return officer
