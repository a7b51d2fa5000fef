"""好差评 (政务服务好差评): the applicant rates a finished case; a bad rating opens 差评整改.

- Who: the applicant of the case, and only him; once per case (one row), changeable for
  ``EVALUATION_CHANGE_DAYS`` days after it was first given.
- When: once a decision is notified (准予 / 不予许可, 不予受理) or the case has ended
  (证书已发放, 已撤回): ``RATEABLE_STATUSES``.
- What: an overall level (非常满意 ... 非常不满意), the four dimensions of the national
  scheme (办事效率, 服务态度, 信息公开, 便捷程度), a comment and optional tags.
- 不满意 / 非常不满意 open a rectification (one per rating) for the handling unit (the case's
  province) due in ``RECTIFICATION_DAYS`` working days; staff reply; the applicant confirms
  the reply (满意: closed; 不满意: back to the unit).

Every state change writes an audit row. Staff see the ratings and rectifications of their
data scope (``scope.condition``), the statistics the shares by item and unit, the public the
share satisfied per item on its 办事指南.
"""

import datetime
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, select, true

from app import clock
from app.extensions import db
from app.models import Application, CaseEvaluation, InboxMessage, Rectification, ServiceItem
from app.services.cases import scope as case_scope
from app.services.cases.workflow import Status
from app.services.cases.working_days import WorkingCalendar
from app.services.errors import FORM, ServiceError
from app.services.platform import audit, generations

RECTIFICATION_DAYS = 15  # 差评整改: the unit answers within 15 working days
COMMENT_MAX = 500

LEVELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Fairly satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
BAD_LEVELS = (1, 2)  # 差评
GOOD_LEVEL = 3  # 基本满意 and better count as satisfied

DIMENSIONS = {
    "efficiency": _l("Efficiency"),
    "attitude": _l("Service attitude"),
    "openness": _l("Openness of information"),
    "convenience": _l("Convenience"),
}

TAGS = {
    "quick": _l("Quick handling"),
    "friendly": _l("Friendly staff"),
    "clear_guide": _l("Clear service guide"),
    "one_visit": _l("Done in one go"),
    "repeated_materials": _l("Materials asked for repeatedly"),
    "unclear_progress": _l("Progress hard to follow"),
    "late": _l("Handled late"),
    "hard_to_use": _l("Website hard to use"),
}

RATEABLE_STATUSES = (Status.APPROVED, Status.ISSUED, Status.REJECTED, Status.NOT_ACCEPTED, Status.WITHDRAWN)


class RectificationStatus:
    OPEN = "open"  # awaiting the unit's reply
    REPLIED = "replied"  # awaiting the applicant's confirmation
    CLOSED = "closed"  # the applicant is satisfied with the reply
    REOPENED = "reopened"  # the applicant is not satisfied: the unit replies again


RECTIFICATION_LABELS = {
    RectificationStatus.OPEN: _l("Awaiting the unit's reply"),
    RectificationStatus.REPLIED: _l("Replied, awaiting the applicant's confirmation"),
    RectificationStatus.CLOSED: _l("Closed: the applicant is satisfied"),
    RectificationStatus.REOPENED: _l("Reopened: the applicant is not satisfied with the reply"),
}
OPEN_RECTIFICATION = (RectificationStatus.OPEN, RectificationStatus.REOPENED)
CONFIRMATIONS = {"satisfied": _l("Satisfied with the reply"), "unsatisfied": _l("Not satisfied with the reply")}


def change_days() -> int:
    return int(current_app.config.get("EVALUATION_CHANGE_DAYS", 7))


def evaluation_of(application: Application) -> CaseEvaluation | None:
    return db.session.scalars(select(CaseEvaluation).filter_by(application_id=application.id)).one_or_none()


def rateable(application: Application) -> bool:
    return application.status in RATEABLE_STATUSES


def change_until(evaluation: CaseEvaluation) -> datetime.datetime:
    return evaluation.created_at + datetime.timedelta(days=change_days())


def changeable(evaluation: CaseEvaluation | None, now: datetime.datetime | None = None) -> bool:
    return evaluation is None or (now or clock.now()) <= change_until(evaluation)


@dataclass(frozen=True)
class Rating:
    level: int
    efficiency: int
    attitude: int
    openness: int
    convenience: int
    comment: str = ""
    tags: tuple[str, ...] = ()


def _checked(rating: Rating) -> Rating:
    errors: dict = {}
    if rating.level not in LEVELS:
        errors["level"] = _l("Choose how satisfied you are")
    for name in DIMENSIONS:
        if getattr(rating, name) not in LEVELS:
            errors[name] = _l("Rate this aspect")
    comment = (rating.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _l("At most %(n)s characters", n=COMMENT_MAX)
    elif rating.level in BAD_LEVELS and not comment:
        errors["comment"] = _l("Tell us what went wrong, so that the handling unit can put it right")
    unknown = [tag for tag in rating.tags if tag not in TAGS]
    if unknown:
        errors["tags"] = _l("Choose tags from the list")
    if errors:
        raise ServiceError(errors)
    return Rating(
        rating.level,
        rating.efficiency,
        rating.attitude,
        rating.openness,
        rating.convenience,
        comment,
        tuple(dict.fromkeys(rating.tags)),
    )


def rate(account, application: Application, rating: Rating, *, ip: str = "") -> CaseEvaluation:
    """Give or change the applicant's rating of his case; a bad rating opens the rectification."""
    if application.account_id != account.id:
        raise ServiceError({FORM: _l("Only the applicant may rate this case")}, code="evaluation not own case")
    if not rateable(application):
        raise ServiceError(
            {FORM: _l("This case can be rated once a decision has been notified or the case has ended")},
            code="evaluation case not finished",
        )
    rating = _checked(rating)
    evaluation = evaluation_of(application)
    now = clock.now()
    values = {
        "level": rating.level,
        "efficiency": rating.efficiency,
        "attitude": rating.attitude,
        "openness": rating.openness,
        "convenience": rating.convenience,
        "comment": rating.comment,
        "tags": list(rating.tags),
    }
    if evaluation is None:
        evaluation = CaseEvaluation(
            application_id=application.id,
            account_id=account.id,
            item_id=application.item_id,
            province=application.province or "",
            created_at=now,
            updated_at=now,
            changes=0,
            **values,
        )
        db.session.add(evaluation)
        db.session.flush()
        event = "evaluation.given"
        before = None
    else:
        if not changeable(evaluation, now):
            raise ServiceError(
                {
                    FORM: _l(
                        "A rating can be changed within %(days)s days of giving it; that time is over",
                        days=change_days(),
                    )
                },
                code="evaluation change window over",
            )
        before = evaluation.level
        for key, value in values.items():
            setattr(evaluation, key, value)
        evaluation.updated_at = now
        evaluation.changes = (evaluation.changes or 0) + 1
        event = "evaluation.changed"
    audit.record(
        event,
        account=account,
        actor=account,
        subject=application.number,
        ip=ip,
        level=rating.level,
        previous_level=before,
        tags=list(rating.tags),
    )
    if rating.level in BAD_LEVELS and evaluation.rectification is None:
        _open_rectification(evaluation, application, account, ip)
    return evaluation


def _open_rectification(evaluation: CaseEvaluation, application: Application, account, ip: str) -> Rectification:
    today = clock.today()
    task = Rectification(
        evaluation=evaluation,
        status=RectificationStatus.OPEN,
        opened_at=clock.now(),
        due_on=WorkingCalendar.from_database().add(today, RECTIFICATION_DAYS),
    )
    db.session.add(task)
    db.session.flush()
    audit.record(
        "rectification.opened",
        account=account,
        actor=account,
        subject=application.number,
        ip=ip,
        rectification=task.id,
        due_on=task.due_on.isoformat(),
        province=application.province,
    )
    return task


# --- staff ---------------------------------------------------------------------------


def scope_condition(staff) -> ColumnElement[bool]:
    """Ratings of the cases in the officer's scope (item groups, province)."""
    clauses: list[ColumnElement[bool]] = []
    groups = case_scope.groups_of(staff)
    if groups:
        item_ids = select(ServiceItem.id).where(ServiceItem.group.in_(groups)).scalar_subquery()
        clauses.append(CaseEvaluation.item_id.in_(item_ids))
    province = case_scope.province_scope(staff)
    if province:
        clauses.append(CaseEvaluation.province == province)
    return and_(true(), *clauses)


def visible_rectification(rectification_id: int, staff) -> Rectification | None:
    task = db.session.get(Rectification, rectification_id)
    if task is None:
        return None
    evaluation = task.evaluation
    groups = case_scope.groups_of(staff)
    if groups and evaluation.item.group not in groups:
        return None
    province = case_scope.province_scope(staff)
    if province and evaluation.province != province:
        return None
    return task


def reply(staff, task: Rectification, text: str, *, ip: str = "") -> Rectification:
    """The handling unit's reply to the applicant (again after a 不满意 confirmation)."""
    text = (text or "").strip()
    if not text:
        raise ServiceError({"reply": _l("Write the reply to the applicant")})
    if len(text) > 2000:
        raise ServiceError({"reply": _l("At most %(n)s characters", n=2000)})
    if task.status not in OPEN_RECTIFICATION:
        raise ServiceError({FORM: _l("This rectification has been replied to already")}, code="rectification not open")
    task.reply = text
    task.replied_at = clock.now()
    task.replied_by_id = staff.id
    task.status = RectificationStatus.REPLIED
    task.confirmation = ""
    task.confirmed_at = None
    application = task.evaluation.application
    audit.record(
        "rectification.replied",
        account=application.account,
        actor=staff,
        subject=application.number,
        ip=ip,
        rectification=task.id,
        on_time=clock.today() <= task.due_on,
    )
    db.session.add(
        InboxMessage(
            account_id=application.account_id,
            application_id=application.id,
            title=str(_l("Application %(number)s: reply to your rating", number=application.number))[:200],
            body=str(
                _l(
                    "The handling unit has replied to your rating: %(reply)s Please tell us whether you are satisfied "
                    "with the reply on the case's progress page.",
                    reply=text,
                )
            ),
        )
    )
    return task


def confirm(account, application: Application, answer: str, *, ip: str = "") -> Rectification:
    """The applicant's confirmation of the reply: 满意 closes the task, 不满意 returns it to the unit."""
    evaluation = evaluation_of(application) if application.account_id == account.id else None
    task = evaluation.rectification if evaluation is not None else None
    if task is None:
        raise ServiceError({FORM: _l("There is no reply to confirm")}, code="no rectification")
    if answer not in CONFIRMATIONS:
        raise ServiceError({"answer": _l("Choose whether you are satisfied with the reply")})
    if task.status != RectificationStatus.REPLIED:
        raise ServiceError({FORM: _l("There is no reply to confirm")}, code="rectification not replied")
    task.confirmation = answer
    task.confirmed_at = clock.now()
    task.status = RectificationStatus.CLOSED if answer == "satisfied" else RectificationStatus.REOPENED
    audit.record(
        "rectification.confirmed",
        account=account,
        actor=account,
        subject=application.number,
        ip=ip,
        rectification=task.id,
        answer=answer,
    )
    return task


# --- figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    label: str
    count: int
    satisfied: int
    average: float | None

    @property
    def share(self) -> float | None:
        """Percent satisfied (基本满意 and better), one decimal."""
        return round(100 * self.satisfied / self.count, 1) if self.count else None


def _satisfied_count():
    return func.sum(case((CaseEvaluation.level >= GOOD_LEVEL, 1), else_=0))


def _touches_ratings(session) -> bool:
    return any(isinstance(instance, CaseEvaluation) for instance in generations.pending(session))


# The 办事指南 keeps its rendered table (with the item's satisfaction) under this and the catalogue's generation.
GENERATION = generations.Generation("ratings:generation", _touches_ratings, "the ratings' generation")


def item_satisfaction(item: ServiceItem) -> Satisfaction:
    """For the public 办事指南: how many ratings the item has and the share satisfied."""
    count, satisfied, average = db.session.execute(
        select(func.count(CaseEvaluation.id), _satisfied_count(), func.avg(CaseEvaluation.level)).where(
            CaseEvaluation.item_id == item.id
        )
    ).one()
    return Satisfaction(item.name, count or 0, int(satisfied or 0), round(float(average), 2) if average else None)


def satisfaction_by(
    staff, since: datetime.datetime, until: datetime.datetime, *, province: str = "", group: str = ""
) -> tuple[list[Satisfaction], list[Satisfaction]]:
    """Ratings given in [since, until) by item and by handling unit, in the statistician's scope and filters."""
    clauses = [CaseEvaluation.created_at >= since, CaseEvaluation.created_at < until, scope_condition(staff)]
    if province:
        clauses.append(CaseEvaluation.province == province)
    if group:
        clauses.append(ServiceItem.group == group)
    figures = (func.count(CaseEvaluation.id), _satisfied_count(), func.avg(CaseEvaluation.level))
    by_item = db.session.execute(
        select(ServiceItem.name, *figures)
        .join(ServiceItem, ServiceItem.id == CaseEvaluation.item_id)
        .where(*clauses)
        .group_by(ServiceItem.name)
        .order_by(ServiceItem.name)
    ).all()
    by_unit = db.session.execute(
        select(CaseEvaluation.province, *figures)
        .join(ServiceItem, ServiceItem.id == CaseEvaluation.item_id)
        .where(*clauses)
        .group_by(CaseEvaluation.province)
        .order_by(CaseEvaluation.province)
    ).all()

    def rows(result, unnamed=""):
        return [
            Satisfaction(
                label or unnamed, count, int(satisfied or 0), round(float(average), 2) if average is not None else None
            )
            for label, count, satisfied, average in result
        ]

    return rows(by_item), rows(by_unit, str(_l("No province")))


def rated_case_ids(account, among=None) -> set[int]:
    """The applicant's cases that he has rated (我的办件 shows 评价 or 已评价), of ``among`` (ids) when given."""
    query = select(CaseEvaluation.application_id).filter_by(account_id=account.id)
    if among is not None:
        query = query.where(CaseEvaluation.application_id.in_(list(among)))
    return set(db.session.scalars(query))


def evaluation_ids_in_scope(staff) -> list[int]:
    """For the back office's list filter: the ratings of the officer's scope."""
    return list(db.session.scalars(select(CaseEvaluation.id).where(scope_condition(staff))))
