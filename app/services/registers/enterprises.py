"""企业资质查询: enterprises by their qualifications, and one enterprise with the persons it employs."""

import datetime
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.masking import mask_name
from app.models import EnterpriseQualification, PersonRegistration
from app.services.cases.eligibility import QUALIFICATION_NAMES
from app.services.paging import Page
from app.services.registers.query_helpers import DEFAULT_PER_PAGE, bounds, starts_with
from app.services.registers.vocabularies import (
    ENTERPRISE_KINDS,
    GRADE_LABELS,
    PROVINCE_LABELS,
    QUALIFICATION_LABELS,
    SPECIALTY_LABELS,
    label,
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


def enterprise_filters(
    kind=None, name=None, uscc=None, certificate_number=None, qualification=None, grade=None, province=None
) -> list:
    EQ = EnterpriseQualification
    clauses = []
    if kind:
        clauses.append(EQ.kind == kind)
    if name:
        clauses.append(starts_with(EQ.enterprise_name, name.strip()))
    if uscc:
        clauses.append(EQ.uscc == uscc.strip().upper())
    if certificate_number:
        clauses.append(EQ.certificate_number == certificate_number.strip().upper())
    if qualification:
        clauses.append(EQ.qualification == qualification)
    if grade:
        clauses.append(EQ.grade == grade)
    if province:
        clauses.append(EQ.province == province)
    return clauses


def enterprise_search_statement(**filters):
    """One row per enterprise (name, USCC), in name order: what a results page lists."""
    EQ = EnterpriseQualification
    return (
        select(EQ.enterprise_name, EQ.uscc)
        .where(*enterprise_filters(**filters))
        .group_by(EQ.enterprise_name, EQ.uscc)
        .order_by(EQ.enterprise_name, EQ.uscc)
    )


def _rank(vocabulary, value) -> int:
    order = list(vocabulary)
    return order.index(value) if value in order else len(order)


def _qualification_order(row: EnterpriseQualification):
    """The order the vocabularies list them in (建筑业企业 first, 特级 before 一级), not code point order."""
    return (
        _rank(ENTERPRISE_KINDS, row.kind),
        _rank(QUALIFICATION_LABELS, row.qualification),
        _rank(GRADE_LABELS, row.grade),
        row.qualification,
        row.grade,
        row.id,
    )


def _qualification_line(row: EnterpriseQualification, today: datetime.date) -> QualificationLine:
    return QualificationLine(
        kind=row.kind,
        kind_label=label(ENTERPRISE_KINDS, row.kind),
        qualification=row.qualification,
        qualification_label=label(QUALIFICATION_LABELS, row.qualification),
        grade=row.grade,
        grade_label=label(GRADE_LABELS, row.grade),
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
    rows = db.session.execute(
        enterprise_search_statement(**filters).offset((page - 1) * per_page).limit(per_page + 1)
    ).all()
    shown = rows[:per_page]
    lines: dict[tuple[str, str], list[EnterpriseQualification]] = {}
    if shown:
        EQ = EnterpriseQualification
        today = clock.today()
        for row in db.session.query(EQ).filter(
            EQ.uscc.in_({uscc for _name, uscc in shown}), *enterprise_filters(**filters)
        ):
            lines.setdefault((row.enterprise_name, row.uscc), []).append(row)
        for matched in lines.values():
            matched.sort(key=_qualification_order)

        def convert(row):
            matched = lines.get((row.enterprise_name, row.uscc), [])
            province = next((line.province for line in matched if line.province), "")
            return EnterpriseHit(
                name=row.enterprise_name,
                uscc=row.uscc,
                province=province,
                province_label=label(PROVINCE_LABELS, province),
                qualifications=tuple(_qualification_line(line, today) for line in matched),
            )

        return Page.of(rows, page, per_page, convert)
    return Page((), page, per_page, False)


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
