"""企业资质查询: enterprises by their qualifications, and one enterprise with the persons it employs."""

import datetime
import functools
import re
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.masking import mask_name
from app.models import EnterpriseQualification, PersonRegistration
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.paging import Page
from app.services.registers.query_helpers import (
    DEFAULT_PER_PAGE,
    bounds,
    dialect,
    literal,
    placeholder,
    prefix_clause,
    prefix_values,
)
from app.services.registers.vocabularies import (
    ENTERPRISE_KINDS,
    GRADE_LABELS,
    PROVINCE_LABELS,
    QUALIFICATION_LABELS,
    SPECIALTY_LABELS,
    label,
    translated_labels,
)


@dataclass(frozen=True)
class QualificationLine:
    kind: str
    kind_label: object
    qualification: str
    qualification_label: object
    grade: str
    grade_label: object
    certificate_number: str
    valid_from: datetime.date
    valid_to: datetime.date
    is_valid: bool


@dataclass(frozen=True)
class EnterpriseHit:
    name: str
    uscc: str
    province: str
    province_label: object
    qualifications: tuple


@dataclass(frozen=True)
class EmployeeLine:
    name: str  # masked
    qualification_label: object
    registration_number: str
    specialties: tuple  # labels
    valid_to: datetime.date


@dataclass(frozen=True)
class EnterpriseDetail:
    name: str
    uscc: str
    province: str
    province_label: object
    qualifications: tuple
    people: Page


_ENTERPRISE_FILTERS = ("kind", "name", "uscc", "certificate_number", "qualification", "grade", "province")


def _plan(filters: dict, dialect_name: str) -> tuple[tuple, dict]:
    """What a search's statement looks like (which filters) and the values it runs with."""
    shape, values = [], {}
    for key in _ENTERPRISE_FILTERS:
        raw = filters.get(key)
        if not raw:
            continue
        shape.append(key)
        if key == "name":
            values.update(prefix_values(key, raw.strip(), dialect_name))
        elif key in ("uscc", "certificate_number"):
            values[key] = raw.strip().upper()
        else:
            values[key] = raw
    return tuple(shape), values


def _clauses(shape: tuple, dialect_name: str, value) -> list:
    """The conditions of ``shape``; ``value(name)`` gives each value (query_helpers.literal / placeholder)."""
    EQ = EnterpriseQualification
    equal = {
        "kind": EQ.kind,
        "uscc": EQ.uscc,
        "certificate_number": EQ.certificate_number,
        "qualification": EQ.qualification,
        "grade": EQ.grade,
        "province": EQ.province,
    }
    return [
        prefix_clause(EQ.enterprise_name, key, dialect_name, value) if key == "name" else equal[key] == value(key)
        for key in shape
    ]


def enterprise_filters(**filters) -> list:
    """The conditions of a search by ``_ENTERPRISE_FILTERS`` (name: prefix), for one statement."""
    name = dialect()
    shape, values = _plan(filters, name)
    return _clauses(shape, name, literal(values))


def _statement(shape: tuple, dialect_name: str, value):
    """One row per enterprise (name, USCC), in name order: what a results page lists."""
    EQ = EnterpriseQualification
    return (
        select(EQ.enterprise_name, EQ.uscc)
        .where(*_clauses(shape, dialect_name, value))
        .group_by(EQ.enterprise_name, EQ.uscc)
        .order_by(EQ.enterprise_name, EQ.uscc)
    )


def enterprise_search_statement(**filters):
    """``_statement`` built for this search alone."""
    name = dialect()
    shape, values = _plan(filters, name)
    return _statement(shape, name, literal(values))


_LINE_COLUMNS = tuple(
    getattr(EnterpriseQualification, column)
    for column in (
        "id",
        "enterprise_name",
        "uscc",
        "kind",
        "qualification",
        "grade",
        "certificate_number",
        "province",
        "valid_from",
        "valid_to",
    )
)


@functools.lru_cache(maxsize=256)
def _kept_statements(shape: tuple, dialect_name: str) -> tuple:
    """A results page's two statements for every search of ``shape``: its enterprises, then their lines."""
    EQ = EnterpriseQualification
    page = _statement(shape, dialect_name, placeholder).offset(placeholder("offset")).limit(placeholder("limit"))
    lines = select(*_LINE_COLUMNS).where(
        EQ.uscc.in_(bindparam("usccs", expanding=True)), *_clauses(shape, dialect_name, placeholder)
    )
    return page, lines


def _rank(vocabulary, value) -> int:
    order = list(vocabulary)
    return order.index(value) if value in order else len(order)


def _qualification_order(row):
    """The order the vocabularies list them in (建筑业企业 first, 特级 before 一级), not code point order."""
    return (
        _rank(ENTERPRISE_KINDS, row.kind),
        _rank(QUALIFICATION_LABELS, row.qualification),
        _rank(GRADE_LABELS, row.grade),
        row.qualification,
        row.grade,
        row.id,
    )


def _qualification_line(row, today: datetime.date, translate=label) -> QualificationLine:
    """A qualification as the pages show it: an ORM object or a row of ``_LINE_COLUMNS``."""
    return QualificationLine(
        kind=row.kind,
        kind_label=translate(ENTERPRISE_KINDS, row.kind),
        qualification=row.qualification,
        qualification_label=translate(QUALIFICATION_LABELS, row.qualification),
        grade=row.grade,
        grade_label=translate(GRADE_LABELS, row.grade),
        certificate_number=row.certificate_number,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        is_valid=row.valid_from <= today <= row.valid_to,
    )


def search_enterprises(
    kind=None,
    name=None,
    uscc=None,
    certificate_number=None,
    qualification=None,
    grade=None,
    province=None,
    page=1,
    per_page=DEFAULT_PER_PAGE,
) -> Page:
    """Enterprises holding a qualification that matches every given filter (name: prefix)."""
    page, per_page = bounds(page, per_page)
    filters = dict(
        kind=kind,
        name=name,
        uscc=uscc,
        certificate_number=certificate_number,
        qualification=qualification,
        grade=grade,
        province=province,
    )
    dialect_name = dialect()
    shape, values = _plan(filters, dialect_name)
    page_statement, lines_statement = _kept_statements(shape, dialect_name)
    connection = db.session.connection()  # Core statements of columns: the ORM's execution layer adds nothing
    rows = connection.execute(page_statement, dict(values, offset=(page - 1) * per_page, limit=per_page + 1)).all()
    shown = rows[:per_page]
    if not shown:
        return Page((), page, per_page, False)
    lines: dict[tuple[str, str], list] = {}
    for line in connection.execute(lines_statement, dict(values, usccs=sorted({uscc for _name, uscc in shown}))):
        lines.setdefault((line.enterprise_name, line.uscc), []).append(line)
    for matched in lines.values():
        matched.sort(key=_qualification_order)
    today = clock.today()
    translate = translated_labels()

    def convert(row):
        matched = lines.get((row.enterprise_name, row.uscc), [])
        province = next((line.province for line in matched if line.province), "")
        return EnterpriseHit(
            name=row.enterprise_name,
            uscc=row.uscc,
            province=province,
            province_label=translate(PROVINCE_LABELS, province),
            qualifications=tuple(_qualification_line(line, today, translate) for line in matched),
        )

    return Page.of(rows, page, per_page, convert)


def enterprise_detail(uscc: str, page=1, per_page=DEFAULT_PER_PAGE) -> EnterpriseDetail | None:
    """Every qualification of the enterprise and, a page at a time, the registered persons it employs."""
    code = re.sub(r"\s+", "", uscc or "").upper()
    if not code or len(code) > 18:
        return None
    EQ = EnterpriseQualification
    rows = sorted(db.session.query(EQ).filter(EQ.uscc == code), key=_qualification_order)
    if not rows:
        return None
    today = clock.today()
    current = max(rows, key=lambda row: (row.valid_to, row.id))
    page, per_page = bounds(page, per_page)
    PR = PersonRegistration
    people = (
        db.session.query(PR)
        .options(selectinload(PR.specialties))
        .filter(PR.employer_uscc == code, PR.status == "valid", PR.valid_to >= today)
        .order_by(PR.holder_name, PR.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
        .all()
    )
    province = next((row.province for row in rows if row.province), "")
    return EnterpriseDetail(
        name=current.enterprise_name,
        uscc=code,
        province=province,
        province_label=label(PROVINCE_LABELS, province),
        qualifications=tuple(_qualification_line(row, today) for row in rows),
        people=Page.of(
            people,
            page,
            per_page,
            lambda person: EmployeeLine(
                name=mask_name(person.holder_name),
                qualification_label=label(QUALIFICATION_NAMES, person.qualification),
                registration_number=person.registration_number,
                specialties=tuple(label(SPECIALTY_LABELS, s.specialty) for s in person.specialties),
                valid_to=person.valid_to,
            ),
        ),
    )
