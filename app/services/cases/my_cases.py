"""用户中心 for the applicant: 我的办件, one case and its attachments, 我的消息 (the inbox)."""

import datetime
from dataclasses import dataclass

from sqlalchemy import func, select, update

from app import clock
from app.extensions import db
from app.models import Application, Attachment, InboxMessage, ServiceItem
from app.services.cases.workflow import INTERNAL_ACTIONS, Status
from app.services.paging import Page

INBOX_SIZE = 200  # the newest messages shown; older ones stay on record
CASES_PER_PAGE = 20
MAX_CASES_PAGE = 1000


@dataclass(frozen=True)
class CaseLine:
    """One line of 我的办件: read as a row, not as a case object with its item (a list of 1,000 cases
    loaded as objects cost 150 ms a page, issue 20)."""

    id: int
    number: str
    item_name: str
    submitted_at: datetime.datetime | None
    status: str


def cases_of(account, page: int = 1) -> Page:
    """One page of the applicant's submitted cases, newest first (drafts are not cases yet)."""
    page = min(max(int(page), 1), MAX_CASES_PAGE)
    rows = db.session.execute(
        select(Application.id, Application.number, ServiceItem.name, Application.submitted_at, Application.status)
        .join(ServiceItem, ServiceItem.id == Application.item_id)
        .where(Application.account_id == account.id, Application.status != Status.DRAFT)
        .order_by(Application.submitted_at.desc(), Application.id.desc())
        .limit(CASES_PER_PAGE + 1)
        .offset((page - 1) * CASES_PER_PAGE)
    ).all()
    return Page.of(rows, page, CASES_PER_PAGE, lambda row: CaseLine(*row))


def own_case(account, number: str) -> Application | None:
    """The case with this number if it is the applicant's; None otherwise (never confirm someone else's)."""
    application = db.session.scalars(select(Application).filter_by(number=number)).one_or_none()
    if application is None or application.account_id != account.id:
        return None
    return application


def own_attachment(account, attachment_id: int) -> Attachment | None:
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.application.account_id != account.id:
        return None
    return item


@dataclass(frozen=True)
class PublicEvent:
    """What the applicant's timeline shows of a step."""

    id: int
    action: str
    created_at: datetime.datetime
    office: str
    to_status: str
    remarks: str


def case_events(application: Application) -> list[tuple]:
    """Each step of the case with the per-material defects it named (an internal step without its text)."""
    return [
        (
            PublicEvent(
                id=event.id,
                action=event.action,
                created_at=event.created_at,
                office=event.office,
                to_status=event.to_status,
                remarks="" if event.action in INTERNAL_ACTIONS else event.remarks,
            ),
            event.defects or [],
        )
        for event in application.events
    ]


# --- 我的消息 -----------------------------------------------------------------------


def inbox(account) -> list[InboxMessage]:
    """The newest messages; reading the list changes nothing (marking read is its own action)."""
    return list(
        db.session.scalars(
            select(InboxMessage).filter_by(account_id=account.id).order_by(InboxMessage.id.desc()).limit(INBOX_SIZE)
        )
    )


def mark_read(account, message_ids: list[int] | None = None) -> int:
    """Mark the applicant's unread messages read (all of them, or those named); how many changed."""
    statement = (
        update(InboxMessage)
        .where(InboxMessage.account_id == account.id, InboxMessage.read_at.is_(None))
        .values(read_at=clock.now())
    )
    if message_ids is not None:
        statement = statement.where(InboxMessage.id.in_(message_ids))
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def unread_count(account) -> int:
    return db.session.scalar(select(func.count(InboxMessage.id)).filter_by(account_id=account.id, read_at=None))
