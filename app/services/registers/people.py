"""人员资格查询: registered persons, and one holder with every registration and its history."""

import datetime
import functools
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import Account, Application, ApplicationEvent, PersonRegistration, RegisteredSpecialty, ServiceItem
from app.services.accounts.identity_documents import DocumentError, validate_uscc
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.cases.workflow import Status
from app.services.paging import Page
from app.services.registers.query_helpers import (
    DEFAULT_PER_PAGE,
    bounds,
    dialect,
    literal,
    masked_document,
    placeholder,
    prefix_clause,
    prefix_values,
    registration_status,
)
from app.services.registers.vocabularies import (
    PROVINCE_LABELS,
    REGISTRATION_STATUS_LABELS,
    SPECIALTY_LABELS,
    label,
    translated_labels,
)


@dataclass(frozen=True)
class SpecialtyLine:
    specialty: str
    label: object
    valid_to: datetime.date


@dataclass(frozen=True)
class PersonHit:
    name: str
    document: str  # masked
    qualification: str
    qualification_label: object
    registration_number: str
    employer_name: str
    employer_uscc: str
    province: str
    specialties: tuple
    valid_from: datetime.date
    valid_to: datetime.date
    status: str  # valid / expired / cancelled
    status_label: object

    @property
    def province_label(self):
        """Only the detail page shows it: translated when shown, not for every row of a results page."""
        return label(PROVINCE_LABELS, self.province)

    @property
    def specialty_labels(self) -> str:
        """The registered specialties as one line (建筑工程、机电工程)."""
        return "、".join(str(line.label) for line in self.specialties)


@dataclass(frozen=True)
class HistoryEntry:
    event: object  # translated label
    detail: str
    at: datetime.datetime | None = None  # naive UTC (an event of a case)
    on: datetime.date | None = None  # a date of the register itself


@dataclass(frozen=True)
class PersonDetail:
    name: str
    document: str  # masked
    registrations: tuple  # PersonHit
    history: tuple = field(default=())


# What a results row reads: columns, not objects (a page of ORM objects cost more in Python than the query).
HIT_COLUMNS = (
    PersonRegistration.id,
    PersonRegistration.holder_name,
    PersonRegistration.holder_document_type,
    PersonRegistration.holder_document_number,
    PersonRegistration.qualification,
    PersonRegistration.registration_number,
    PersonRegistration.employer_name,
    PersonRegistration.employer_uscc,
    PersonRegistration.province,
    PersonRegistration.valid_from,
    PersonRegistration.valid_to,
    PersonRegistration.status,
)


_PERSON_FILTERS = (
    "name",
    "document_number",
    "registration_number",
    "qualification",
    "specialty",
    "employer",
    "province",
)


def _plan(filters: dict, dialect_name: str, search_specialty_rows: bool = False) -> tuple[tuple, dict]:
    """What a search's statement looks like (its shape: which filters, which way) and the values it runs with."""
    shape, values = [], {}
    for key in _PERSON_FILTERS:
        raw = filters.get(key)
        if not raw:
            continue
        code = _credit_code(raw) if key == "employer" else None
        if code:  # an employer by its unified social credit code, else by the beginning of its name
            shape.append("employer_code")
            values["employer_code"] = code
        elif key in ("name", "employer"):
            shape.append(key)
            values.update(prefix_values(key, raw.strip(), dialect_name))
        elif key in ("document_number", "registration_number"):
            shape.append(key)
            values[key] = re.sub(r"\s+", "", raw).upper()
        else:
            shape.append(key)
            values[key] = raw
    if search_specialty_rows:
        shape.insert(0, "by_specialty_rows")
    return tuple(shape), values


def _credit_code(employer: str) -> str | None:
    try:
        return validate_uscc(employer.strip().upper())
    except DocumentError:
        return None


def _clauses(shape: tuple, dialect_name: str, value) -> list:
    """The conditions of ``shape``; ``value(name)`` gives each value (query_helpers.literal / placeholder)."""
    PR = PersonRegistration
    equal = {
        "document_number": PR.holder_document_number,
        "registration_number": PR.registration_number,
        "qualification": PR.qualification,
        "employer_code": PR.employer_uscc,
        "province": PR.province,
    }
    clauses = []
    for key in shape:
        if key == "name":
            clauses.append(prefix_clause(PR.holder_name, key, dialect_name, value))
        elif key == "employer":
            clauses.append(prefix_clause(PR.employer_name, key, dialect_name, value))
        elif key == "specialty":
            RS = RegisteredSpecialty
            clauses.append(exists().where(RS.registration_id == PR.id, RS.specialty == value(key)))
        elif key in equal:
            clauses.append(equal[key] == value(key))
    return clauses


def person_filters(**filters) -> list:
    """The conditions of a search by ``_PERSON_FILTERS`` (name and employer name: prefix), for one statement."""
    name = dialect()
    shape, values = _plan(filters, name)
    return _clauses(shape, name, literal(values))


def _statement(shape: tuple, dialect_name: str, value):
    """One page of matching registrations (and one row more, to know whether a next page exists).

    The page's ids are found first, where the name indexes (which carry the
    category) and the specialty index answer alone; only those rows are read.
    A name with a specialty is looked up in the specialty rows, which carry the
    holder's name and province: one index range in name order, however rare
    the specialty is among people of that name.
    """
    PR = PersonRegistration
    if shape and shape[0] == "by_specialty_rows":
        RS = RegisteredSpecialty
        clauses = [RS.specialty == value("specialty"), prefix_clause(RS.holder_name, "name", dialect_name, value)]
        if "province" in shape:
            clauses.append(RS.province == value("province"))
        rest = tuple(key for key in shape[1:] if key not in ("name", "specialty", "province"))
        ids = select(RS.registration_id.label("id"), RS.holder_name.label("holder_name")).where(*clauses)
        if rest:
            ids = ids.join(PR, PR.id == RS.registration_id).where(*_clauses(rest, dialect_name, value))
        ids = ids.order_by(RS.holder_name, RS.registration_id)
    else:
        ids = (
            select(PR.id.label("id"), PR.holder_name.label("holder_name"))
            .where(*_clauses(shape, dialect_name, value))
            .order_by(PR.holder_name, PR.id)
        )
    page_ids = ids.offset(value("offset")).limit(value("limit")).subquery("page_ids")
    return select(*HIT_COLUMNS).join(page_ids, PR.id == page_ids.c.id).order_by(page_ids.c.holder_name, page_ids.c.id)


@functools.lru_cache(maxsize=256)
def _kept_statement(shape: tuple, dialect_name: str):
    return _statement(shape, dialect_name, placeholder)


def _search(page: int, per_page: int, filters: dict, dialect_name: str) -> tuple[tuple, dict]:
    page, per_page = bounds(page, per_page)
    by_specialty_rows = bool(filters.get("name") and filters.get("specialty"))
    shape, values = _plan(filters, dialect_name, by_specialty_rows)
    values.update(offset=(page - 1) * per_page, limit=per_page + 1)
    return shape, values


def person_search_statement(page: int = 1, per_page: int = DEFAULT_PER_PAGE, **filters):
    """The statement of one results page (``_statement``), built for this search alone."""
    name = dialect()
    shape, values = _search(page, per_page, filters, name)
    return _statement(shape, name, literal(values))


_SPECIALTIES_OF = (
    select(RegisteredSpecialty.registration_id, RegisteredSpecialty.specialty, RegisteredSpecialty.valid_to)
    .where(RegisteredSpecialty.registration_id.in_(bindparam("ids", expanding=True)))
    .order_by(RegisteredSpecialty.registration_id, RegisteredSpecialty.id)
)


def _person_hit(registration, today: datetime.date, specialties=None, translate=label) -> PersonHit:
    """A registration as a results row shows it: an ORM object (with its ``specialties``) or a row of
    ``HIT_COLUMNS`` with its specialty rows given. ``translate`` gives a label (lazy by default)."""
    status = registration_status(registration, today)
    return PersonHit(
        name=registration.holder_name,
        document=masked_document(registration.holder_document_type, registration.holder_document_number),
        qualification=registration.qualification,
        qualification_label=translate(QUALIFICATION_NAMES, registration.qualification),
        registration_number=registration.registration_number,
        employer_name=registration.employer_name,
        employer_uscc=registration.employer_uscc,
        province=registration.province or "",
        specialties=tuple(
            SpecialtyLine(s.specialty, translate(SPECIALTY_LABELS, s.specialty), s.valid_to)
            for s in (registration.specialties if specialties is None else specialties)
        ),
        valid_from=registration.valid_from,
        valid_to=registration.valid_to,
        status=status,
        status_label=translate(REGISTRATION_STATUS_LABELS, status),
    )


def search_people(
    name=None,
    document_number=None,
    registration_number=None,
    qualification=None,
    specialty=None,
    employer=None,
    province=None,
    page=1,
    per_page=DEFAULT_PER_PAGE,
) -> Page:
    """Registered persons matching every given filter (name and employer name: prefix)."""
    page, per_page = bounds(page, per_page)
    filters = {
        "name": name,
        "document_number": document_number,
        "registration_number": registration_number,
        "qualification": qualification,
        "specialty": specialty,
        "employer": employer,
        "province": province,
    }
    dialect_name = dialect()
    shape, values = _search(page, per_page, filters, dialect_name)
    connection = db.session.connection()  # Core statements of columns: the ORM's execution layer adds nothing
    rows = connection.execute(_kept_statement(shape, dialect_name), values).all()
    specialties: dict[int, list] = {}
    if rows:
        for line in connection.execute(_SPECIALTIES_OF, {"ids": [row.id for row in rows[:per_page]]}):
            specialties.setdefault(line.registration_id, []).append(line)
    today = clock.today()
    translate = translated_labels()
    return Page.of(rows, page, per_page, lambda row: _person_hit(row, today, specialties.get(row.id, ()), translate))


def _history(registrations: list, today: datetime.date) -> tuple:
    """The register's own facts, for anyone to read: what was registered (each issued case, when it
    was issued), and when each registration ends or ended. Nothing of how a case was handled
    (returns for correction, resubmissions, reviews) is published."""
    holder = registrations[0]
    issued = db.session.execute(
        select(ApplicationEvent.created_at, ServiceItem.name)
        .join(Application, ApplicationEvent.application_id == Application.id)
        .join(Account, Application.account_id == Account.id)
        .outerjoin(ServiceItem, Application.item_id == ServiceItem.id)
        .where(
            Account.document_number == holder.holder_document_number,
            Account.document_type == holder.holder_document_type,
            Application.status == Status.ISSUED,
            ApplicationEvent.action == "issue",
        )
        .order_by(ApplicationEvent.created_at, ApplicationEvent.id)
    ).all()
    entries = [HistoryEntry(event=_l("Registered"), detail=name or "", at=at) for at, name in issued]
    for registration in sorted(registrations, key=lambda r: (r.valid_from, r.id)):
        what = f"{label(QUALIFICATION_NAMES, registration.qualification)} {registration.registration_number}"
        if not issued:
            entries.append(HistoryEntry(event=_l("Registration took effect"), detail=what, on=registration.valid_from))
        if registration.status == "cancelled":
            entries.append(HistoryEntry(event=_l("Registration cancelled"), detail=what, on=None))
        elif registration.valid_to < today:
            entries.append(HistoryEntry(event=_l("Registration expired"), detail=what, on=registration.valid_to))
        else:
            entries.append(HistoryEntry(event=_l("Registration valid until"), detail=what, on=registration.valid_to))
    return tuple(entries)


def person_detail(registration_number: str) -> PersonDetail | None:
    """The holder of a registration number: every registration they hold, and its history."""
    number = re.sub(r"\s+", "", registration_number or "").upper()
    if not number or len(number) > 40:
        return None
    PR = PersonRegistration
    registration = db.session.query(PR).filter(PR.registration_number == number).one_or_none()
    if registration is None:
        return None
    registrations = (
        db.session.query(PR)
        .options(selectinload(PR.specialties))
        .filter(
            PR.holder_document_number == registration.holder_document_number,
            PR.holder_document_type == registration.holder_document_type,
        )
        .order_by(PR.valid_from.desc(), PR.id)
        .all()
    )
    today = clock.today()
    return PersonDetail(
        name=registration.holder_name,
        document=masked_document(registration.holder_document_type, registration.holder_document_number),
        registrations=tuple(_person_hit(r, today) for r in registrations),
        history=_history(registrations, today),
    )
