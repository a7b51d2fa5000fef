"""The reminder job: find what lapses soon, tell each holder once, in 我的消息 and by SMS.

What is reminded, and when (days before the day it lapses):

========================  ===============  =========  ==============================================
kind                      thresholds       statutory  lapses on
========================  ===============  =========  ==============================================
registration_expiry       90, 30, 7        yes        the registration's 有效期 end (延续注册 is due)
age_limit                 90, 30, 7        yes        the 65th birthday of a 一级建造师 (registration ends)
correction_deadline       7, 1             yes        the end of the correction time of a returned case
endorsement_expiry        7, 1             no         the last day of a certificate endorsement (加注)
draft_discard             7                no         the day an untouched draft is discarded
========================  ===============  =========  ==============================================

A holder who chose, in 账户设置, to receive statutory reminders only gets no non-statutory one.

Exactly once: each reminder has a key naming the holder, the event (with the date it lapses, so that a
renewed registration is reminded again) and the threshold; ``reminder_delivery.key`` is unique. A
reminder is claimed, written to 我的消息 and recorded in one transaction of its own, so a run that stops
midway (or a second run at the same time) leaves every reminder either fully delivered or not started.
Only the threshold the day falls in is sent: a job that did not run for a while sends the 30-day
reminder at 25 days, not the 90-day one as well.

SMS go through the SMS gateway after that commit, at most ``REMINDER_SMS_PER_PHONE_PER_DAY`` a day to
one holder (more wait for the next run). An SMS is claimed (``sms_sent_at``) before the gateway is
called and given back when the gateway refuses, so it is never sent twice; the rare run that stops
between the claim and the gateway loses that SMS, never the 我的消息 entry.
"""

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import (
    Account,
    AccountKind,
    AccountStatus,
    Application,
    ApplicationEvent,
    CertificateEndorsement,
    ElectronicCertificate,
    InboxMessage,
    PersonRegistration,
    ReminderDelivery,
)
from app.services.cases.eligibility import MAX_AGE, QUALIFICATION_NAMES
from app.services.cases.workflow import CORRECTION_ACTIONS, RETURNED_STATUSES, Status
from app.services.platform import audit, sms, storage
from app.services.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

REGISTRATION_EXPIRY = "registration_expiry"
AGE_LIMIT = "age_limit"
CORRECTION_DEADLINE = "correction_deadline"
ENDORSEMENT_EXPIRY = "endorsement_expiry"
DRAFT_DISCARD = "draft_discard"

THRESHOLDS = {
    REGISTRATION_EXPIRY: (90, 30, 7),
    AGE_LIMIT: (90, 30, 7),
    CORRECTION_DEADLINE: (7, 1),
    ENDORSEMENT_EXPIRY: (7, 1),
    DRAFT_DISCARD: (7,),
}
STATUTORY = {REGISTRATION_EXPIRY, AGE_LIMIT, CORRECTION_DEADLINE}

KIND_LABELS = {
    REGISTRATION_EXPIRY: _l("Registration validity ending"),
    AGE_LIMIT: _l("Registration ending at 65"),
    CORRECTION_DEADLINE: _l("Correction time running out"),
    ENDORSEMENT_EXPIRY: _l("Certificate endorsement expiring"),
    DRAFT_DISCARD: _l("Draft to be discarded"),
}

DEFAULTS = {"REMINDER_SMS_PER_PHONE_PER_DAY": 3, "CORRECTION_TIME_LIMIT_DAYS": 30, "DRAFT_RETENTION_DAYS": 90}
CONSTRUCTOR_1 = "constructor_1"


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


@dataclass(frozen=True)
class Due:
    """One reminder the day calls for."""

    kind: str
    account_id: int
    event: str  # names the event within its kind: "12:2027-03-01"
    due_on: datetime.date
    threshold: int
    subject: str
    values: dict = field(default_factory=dict, hash=False, compare=False)
    application_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.event}:{self.threshold}:a{self.account_id}"


@dataclass
class Report:
    delivered: int = 0
    already: int = 0
    opted_out: int = 0
    sms_sent: int = 0
    sms_waiting: int = 0
    drafts_discarded: int = 0
    by_kind: dict = field(default_factory=dict)

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind}={count}" for kind, count in sorted(self.by_kind.items())) or "none"
        return (
            f"reminders delivered: {self.delivered} ({kinds}); already delivered: {self.already}; "
            f"opted out: {self.opted_out}; SMS sent: {self.sms_sent}; SMS waiting for tomorrow: {self.sms_waiting}; "
            f"drafts discarded: {self.drafts_discarded}"
        )


def threshold_for(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The smallest threshold the day is within (None: too early, or already lapsed)."""
    if days_left < 0:
        return None
    within = [t for t in thresholds if days_left <= t]
    return min(within) if within else None


def birthday(birth: datetime.date, age: int) -> datetime.date:
    """The day one turns ``age`` (a 29 February birthday is reached on 1 March)."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return datetime.date(birth.year + age, 3, 1)


def _holders(document_numbers: set[str]) -> dict[str, Account]:
    """The active personal account of each document number."""
    if not document_numbers:
        return {}
    rows = db.session.scalars(
        select(Account)
        .where(
            Account.document_number.in_(document_numbers),
            Account.kind == AccountKind.PERSONAL,
            Account.status == AccountStatus.ACTIVE,
        )
        .order_by(Account.id)
    )
    holders: dict[str, Account] = {}
    for account in rows:
        holders.setdefault(account.document_number or "", account)
    return holders


def _due(kind: str, due_on: datetime.date, today: datetime.date) -> int | None:
    return threshold_for((due_on - today).days, THRESHOLDS[kind])


def _registration_reminders(today: datetime.date) -> Iterator[Due]:
    horizon = today + datetime.timedelta(days=max(THRESHOLDS[REGISTRATION_EXPIRY]))
    registrations = list(
        db.session.scalars(
            select(PersonRegistration)
            .where(
                PersonRegistration.status == "valid",
                PersonRegistration.valid_to >= today,
                PersonRegistration.valid_to <= horizon,
            )
            .order_by(PersonRegistration.id)
        )
    )
    holders = _holders({r.holder_document_number for r in registrations})
    for registration in registrations:
        account = holders.get(registration.holder_document_number)
        threshold = _due(REGISTRATION_EXPIRY, registration.valid_to, today)
        if account is None or threshold is None:
            continue
        yield Due(
            REGISTRATION_EXPIRY,
            account.id,
            f"{registration.id}:{registration.valid_to.isoformat()}",
            registration.valid_to,
            threshold,
            registration.registration_number,
            {"qualification": QUALIFICATION_NAMES.get(registration.qualification, registration.qualification)},
        )


def _age_limit_reminders(today: datetime.date) -> Iterator[Due]:
    """一级建造师 registrations end at 65: their holders born so that the birthday is within 90 days."""
    latest = today + datetime.timedelta(days=max(THRESHOLDS[AGE_LIMIT]))
    born_from = birthday(today, -MAX_AGE) - datetime.timedelta(days=1)
    born_to = birthday(latest, -MAX_AGE) + datetime.timedelta(days=1)
    rows = db.session.execute(
        select(PersonRegistration, Account)
        .join(Account, Account.document_number == PersonRegistration.holder_document_number)
        .where(
            PersonRegistration.status == "valid",
            PersonRegistration.qualification == CONSTRUCTOR_1,
            Account.kind == AccountKind.PERSONAL,
            Account.status == AccountStatus.ACTIVE,
            Account.birth_date >= born_from,
            Account.birth_date <= born_to,
        )
        .order_by(PersonRegistration.id, Account.id)
    )
    seen: set[int] = set()
    for registration, account in rows:
        if registration.id in seen or account.birth_date is None:
            continue
        seen.add(registration.id)
        ends_on = birthday(account.birth_date, MAX_AGE)
        threshold = _due(AGE_LIMIT, ends_on, today)
        if threshold is None or ends_on > registration.valid_to:
            continue  # the registration's own end comes first: the expiry reminder covers it
        yield Due(
            AGE_LIMIT,
            account.id,
            f"{registration.id}:{ends_on.isoformat()}",
            ends_on,
            threshold,
            registration.registration_number,
            {"age": MAX_AGE},
        )


def _correction_reminders(today: datetime.date) -> Iterator[Due]:
    limit = datetime.timedelta(days=setting("CORRECTION_TIME_LIMIT_DAYS"))
    returned_at = (
        select(ApplicationEvent.application_id, func.max(ApplicationEvent.created_at).label("returned_at"))
        .where(ApplicationEvent.action.in_(CORRECTION_ACTIONS))
        .group_by(ApplicationEvent.application_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Application, returned_at.c.returned_at)
        .join(returned_at, returned_at.c.application_id == Application.id)
        .where(Application.status.in_(RETURNED_STATUSES))
        .order_by(Application.id)
    )
    for application, returned in rows:
        deadline = clock.china_date(returned) + limit
        threshold = _due(CORRECTION_DEADLINE, deadline, today)
        if threshold is None:
            continue
        yield Due(
            CORRECTION_DEADLINE,
            application.account_id,
            f"{application.id}:{deadline.isoformat()}",
            deadline,
            threshold,
            application.number or "",
            application_id=application.id,
        )


def _endorsement_reminders(today: datetime.date) -> Iterator[Due]:
    horizon = today + datetime.timedelta(days=max(THRESHOLDS[ENDORSEMENT_EXPIRY]))
    rows = db.session.execute(
        select(CertificateEndorsement, ElectronicCertificate.number)
        .join(ElectronicCertificate, ElectronicCertificate.id == CertificateEndorsement.certificate_id)
        .where(
            ElectronicCertificate.revoked_at.is_(None),
            CertificateEndorsement.valid_to >= today,
            CertificateEndorsement.valid_to <= horizon,
        )
        .order_by(CertificateEndorsement.id)
    )
    for endorsement, number in rows:
        threshold = _due(ENDORSEMENT_EXPIRY, endorsement.valid_to, today)
        if threshold is None:
            continue
        yield Due(
            ENDORSEMENT_EXPIRY,
            endorsement.account_id,
            f"{endorsement.id}:{endorsement.valid_to.isoformat()}",
            endorsement.valid_to,
            threshold,
            number,
        )


def draft_discard_day(application: Application) -> datetime.date:
    """The day an untouched draft is discarded: ``DRAFT_RETENTION_DAYS`` after its last change."""
    return clock.china_date(application.updated_at) + datetime.timedelta(days=setting("DRAFT_RETENTION_DAYS"))


def _draft_reminders(today: datetime.date) -> Iterator[Due]:
    retention = setting("DRAFT_RETENTION_DAYS")
    # drafts changed at most retention - 7 days ago and not yet discarded (a day of margin for time zones)
    oldest = clock.china_midnight(today - datetime.timedelta(days=retention + 1))
    newest = clock.china_midnight(today - datetime.timedelta(days=retention - max(THRESHOLDS[DRAFT_DISCARD]) - 1))
    drafts = db.session.scalars(
        select(Application)
        .where(Application.status == Status.DRAFT, Application.updated_at >= oldest, Application.updated_at < newest)
        .order_by(Application.id)
    )
    for application in drafts:
        discard_on = draft_discard_day(application)
        threshold = _due(DRAFT_DISCARD, discard_on, today)
        if threshold is None:
            continue
        yield Due(
            DRAFT_DISCARD,
            application.account_id,
            f"{application.id}:{discard_on.isoformat()}",
            discard_on,
            threshold,
            application.item.name if application.item else "",
            application_id=application.id,
        )


FINDERS: tuple[Callable[[datetime.date], Iterator[Due]], ...] = (
    _registration_reminders,
    _age_limit_reminders,
    _correction_reminders,
    _endorsement_reminders,
    _draft_reminders,
)


def due_reminders(today: datetime.date) -> list[Due]:
    """Every reminder ``today`` calls for (delivered or not)."""
    return [due for finder in FINDERS for due in finder(today)]


def sms_text(title: str) -> str:
    return str(_l("[MOHURD portal] %(title)s. See 用户中心 → 我的消息.", title=title))[:500]


def _texts(due: Due, today: datetime.date) -> tuple[str, str]:
    """Title and body in 我的消息."""
    days = (due.due_on - today).days
    values = {"subject": due.subject, "date": due.due_on.isoformat(), "days": days, **due.values}
    if due.kind == REGISTRATION_EXPIRY:
        title = _l("Registration %(subject)s expires in %(days)s days", **values)
        body = _l(
            "Your registration %(subject)s (%(qualification)s) is valid until %(date)s. "
            "Apply for renewal (延续注册) before then, or the registration lapses.",
            **values,
        )
    elif due.kind == AGE_LIMIT:
        title = _l("Registration %(subject)s ends on your 65th birthday", **values)
        body = _l(
            "A grade 1 constructor's registration ends at the age of %(age)s: registration %(subject)s "
            "ends on %(date)s (in %(days)s days).",
            **values,
        )
    elif due.kind == CORRECTION_DEADLINE:
        title = _l("Correct application %(subject)s by %(date)s", **values)
        body = _l(
            "Application %(subject)s was returned for correction. The correction time ends on %(date)s "
            "(in %(days)s days); if it is not corrected by then, the application is deemed withdrawn.",
            **values,
        )
    elif due.kind == ENDORSEMENT_EXPIRY:
        title = _l("The endorsement of certificate %(subject)s expires on %(date)s", **values)
        body = _l(
            "The endorsement (加注) of electronic certificate %(subject)s can be used until %(date)s "
            "(in %(days)s days). Endorse it again in 我的证照 if you still need it.",
            **values,
        )
    else:
        title = _l("Your draft of %(subject)s will be discarded on %(date)s", **values)
        body = _l(
            "The draft application for %(subject)s has not been changed for a long time and will be "
            "discarded on %(date)s (in %(days)s days). Open it in 我的办件 to keep it.",
            **values,
        )
    return str(title)[:200], str(body)


def delivered_before(key: str) -> bool:
    return db.session.scalar(select(ReminderDelivery.id).filter_by(key=key)) is not None


def _deliver(due: Due, account: Account, today: datetime.date) -> bool:
    """Claim, write and record one reminder in its own transaction; False when it was delivered before."""
    if delivered_before(due.key):
        return False
    title, body = _texts(due, today)
    try:
        with unit_of_work():
            message = InboxMessage(
                account_id=account.id, application_id=due.application_id, title=title, body=body, category="reminder"
            )
            db.session.add(message)
            db.session.flush()
            db.session.add(
                ReminderDelivery(
                    key=due.key,
                    account_id=account.id,
                    kind=due.kind,
                    threshold_days=due.threshold,
                    subject=due.subject[:100],
                    due_on=due.due_on,
                    inbox_message_id=message.id,
                    sms_wanted=bool(account.phone),
                )
            )
            db.session.flush()  # a run at the same time that claimed the key first fails here
    except IntegrityError:
        return False
    return True


def _send_sms(today: datetime.date, report: Report) -> None:
    """SMS of delivered reminders not sent yet, oldest first, within each holder's daily number."""
    per_day = setting("REMINDER_SMS_PER_PHONE_PER_DAY")
    day_start = clock.china_midnight(today)
    waiting = list(
        db.session.scalars(
            select(ReminderDelivery)
            .where(ReminderDelivery.sms_wanted.is_(True), ReminderDelivery.sms_sent_at.is_(None))
            .order_by(ReminderDelivery.id)
        )
    )
    for delivery in waiting:
        account = delivery.account
        if not account.phone or account.status != AccountStatus.ACTIVE:
            continue
        sent_today = db.session.scalar(
            select(func.count(ReminderDelivery.id)).where(
                ReminderDelivery.account_id == account.id, ReminderDelivery.sms_sent_at >= day_start
            )
        )
        if (sent_today or 0) >= per_day:
            report.sms_waiting += 1
            continue
        with unit_of_work():  # the claim: committed before the gateway is called
            claimed = db.session.execute(
                update(ReminderDelivery)
                .where(ReminderDelivery.id == delivery.id, ReminderDelivery.sms_sent_at.is_(None))
                .values(sms_sent_at=clock.now())
            ).rowcount
        if not claimed:
            continue
        message = db.session.get(InboxMessage, delivery.inbox_message_id) if delivery.inbox_message_id else None
        try:
            sms.gateway().send(account.phone, "reminder", sms_text(message.title if message else delivery.subject))
        except Exception:
            log.exception("Reminder SMS %s not sent: the gateway failed; the next run tries again", delivery.key)
            with unit_of_work():
                db.session.execute(
                    update(ReminderDelivery).where(ReminderDelivery.id == delivery.id).values(sms_sent_at=None)
                )
            continue
        report.sms_sent += 1


def discard_old_drafts(today: datetime.date) -> int:
    """Drafts untouched for ``DRAFT_RETENTION_DAYS`` are discarded on their discard day (files after commit)."""
    retention = datetime.timedelta(days=setting("DRAFT_RETENTION_DAYS"))
    before = clock.china_midnight(today - retention + datetime.timedelta(days=1))
    ids = db.session.scalars(
        select(Application.id).where(Application.status == Status.DRAFT, Application.updated_at < before)
    ).all()
    for draft_id in ids:
        with unit_of_work():
            draft = db.session.get(Application, draft_id)
            if draft is None or draft.status != Status.DRAFT:
                continue
            db.session.execute(
                update(InboxMessage).where(InboxMessage.application_id == draft_id).values(application_id=None)
            )
            for attachment in draft.attachments:
                storage.remove_after_commit(attachment.stored_name)
            audit.record(
                "application.draft_discarded",
                account=draft.account,
                subject=draft.item.name[:100] if draft.item else "",
                last_changed=clock.china_date(draft.updated_at).isoformat(),
            )
            db.session.delete(draft)
    return len(ids)


def send_reminders(today: datetime.date | None = None) -> Report:
    """Deliver every reminder ``today`` (Beijing) calls for that was not delivered before; idempotent."""
    today = today or clock.today()
    report = Report()
    for due in due_reminders(today):
        account = db.session.get(Account, due.account_id)
        if account is None or account.status != AccountStatus.ACTIVE:
            continue
        if due.kind not in STATUTORY and account.statutory_reminders_only:
            report.opted_out += 1
            continue
        if _deliver(due, account, today):
            report.delivered += 1
            report.by_kind[due.kind] = report.by_kind.get(due.kind, 0) + 1
        else:
            report.already += 1
    _send_sms(today, report)
    report.drafts_discarded = discard_old_drafts(today)
    return report
