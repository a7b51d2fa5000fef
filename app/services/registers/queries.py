"""热门服务: the three public queries of the portal (manual 五.2–五.4).

* 申请事项办理进度查询（受理发证信息查询）: ``progress_lookup`` by 申报编号 plus the
  applicant's real name (or, once issued, the registration number);
* 企业资质查询: ``search_enterprises`` / ``enterprise_detail``;
* 人员资格查询: ``search_people`` / ``person_detail``.

No request objects here. Results are small frozen dataclasses carrying public
fields only (identity numbers masked, names masked where the brief says so): the
templates never see an ORM object. Lists never count the table: a page fetches
``per_page + 1`` rows to know whether a next one exists, ``per_page`` is capped
at :data:`MAX_PER_PAGE` and the page number at :data:`MAX_PAGE`; ordering is
always total (name, then a unique key).

Names are matched by prefix (``张建`` finds 张建国) on indexed columns, so a
search stays an index range scan at the size of the national registers; see
app/models/registry.py for the indexes. The ``clean_*`` functions turn raw
query-string values into filters or per-field messages.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.masking import mask_document, mask_name
from app.models import (
    Account,
    Application,
    ApplicationEvent,
    EnterpriseQualification,
    PersonRegistration,
    RegisteredSpecialty,
)
from app.models.registry import PROVINCE_NAMES
from app.services.accounts.identity_documents import (
    DocumentError,
    DocumentType,
    validate_uscc,
)
from app.services.cases.applications import QUALIFICATION_NAMES, kind_parts
from app.services.cases.workflow import STATUS_LABELS, TRANSITIONS, Status
from app.services.errors import ServiceError

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 50
MAX_PAGE = 100  # deeper pages are refused: narrow the search instead

NAME_MAX_LENGTH = 50
ENTERPRISE_NAME_MAX_LENGTH = 100

# --- vocabularies: stored values (Chinese, as in the registers) -> labels -----------------

ENTERPRISE_KINDS = {
    "建筑业企业": _l("Construction enterprises"),
    "房地产开发企业": _l("Real estate development enterprises"),
    "工程监理企业": _l("Project supervision enterprises"),
    "工程勘察设计企业": _l("Engineering survey and design enterprises"),
    "工程造价咨询企业": _l("Construction cost consulting enterprises"),
}

QUALIFICATION_LABELS = {
    "建筑工程施工总承包": _l("General contracting: building works"),
    "市政公用工程施工总承包": _l("General contracting: municipal public works"),
    "公路工程施工总承包": _l("General contracting: highway works"),
    "机电工程施工总承包": _l("General contracting: mechanical and electrical works"),
    "水利水电工程施工总承包": _l("General contracting: water conservancy and hydropower works"),
    "地基基础工程专业承包": _l("Specialised contracting: foundation works"),
    "建筑装修装饰工程专业承包": _l("Specialised contracting: building decoration works"),
    "钢结构工程专业承包": _l("Specialised contracting: steel structure works"),
    "施工劳务": _l("Construction labour services"),
    "房地产开发": _l("Real estate development"),
    "工程监理综合资质": _l("Comprehensive project supervision"),
    "房屋建筑工程监理": _l("Supervision: building works"),
    "市政公用工程监理": _l("Supervision: municipal public works"),
    "公路工程监理": _l("Supervision: highway works"),
    "工程勘察综合资质": _l("Comprehensive engineering survey"),
    "工程勘察专业类（岩土工程）": _l("Engineering survey: geotechnical engineering"),
    "工程设计综合资质": _l("Comprehensive engineering design"),
    "建筑行业（建筑工程）设计": _l("Design: building industry (building works)"),
    "市政行业设计": _l("Design: municipal industry"),
    "工程造价咨询": _l("Construction cost consulting"),
}

QUALIFICATIONS_BY_KIND = {
    "建筑业企业": (
        "建筑工程施工总承包",
        "市政公用工程施工总承包",
        "公路工程施工总承包",
        "机电工程施工总承包",
        "水利水电工程施工总承包",
        "地基基础工程专业承包",
        "建筑装修装饰工程专业承包",
        "钢结构工程专业承包",
        "施工劳务",
    ),
    "房地产开发企业": ("房地产开发",),
    "工程监理企业": ("工程监理综合资质", "房屋建筑工程监理", "市政公用工程监理", "公路工程监理"),
    "工程勘察设计企业": (
        "工程勘察综合资质",
        "工程勘察专业类（岩土工程）",
        "工程设计综合资质",
        "建筑行业（建筑工程）设计",
        "市政行业设计",
    ),
    "工程造价咨询企业": ("工程造价咨询",),
}

GRADE_LABELS = {
    "特级": _l("Special grade"),
    "一级": _l("Grade 1"),
    "二级": _l("Grade 2"),
    "三级": _l("Grade 3"),
    "综合": _l("Comprehensive grade"),
    "甲级": _l("Class A"),
    "乙级": _l("Class B"),
    "丙级": _l("Class C"),
    "不分等级": _l("Not graded"),
}

GRADES_BY_KIND = {
    "建筑业企业": ("特级", "一级", "二级", "三级", "不分等级"),
    "房地产开发企业": ("一级", "二级"),
    "工程监理企业": ("综合", "甲级", "乙级", "丙级"),
    "工程勘察设计企业": ("综合", "甲级", "乙级", "丙级"),
    "工程造价咨询企业": ("甲级", "乙级"),
}

PROVINCE_LABELS = {
    "北京市": _l("Beijing"),
    "天津市": _l("Tianjin"),
    "河北省": _l("Hebei"),
    "山西省": _l("Shanxi"),
    "内蒙古自治区": _l("Inner Mongolia"),
    "辽宁省": _l("Liaoning"),
    "吉林省": _l("Jilin"),
    "黑龙江省": _l("Heilongjiang"),
    "上海市": _l("Shanghai"),
    "江苏省": _l("Jiangsu"),
    "浙江省": _l("Zhejiang"),
    "安徽省": _l("Anhui"),
    "福建省": _l("Fujian"),
    "江西省": _l("Jiangxi"),
    "山东省": _l("Shandong"),
    "河南省": _l("Henan"),
    "湖北省": _l("Hubei"),
    "湖南省": _l("Hunan"),
    "广东省": _l("Guangdong"),
    "广西壮族自治区": _l("Guangxi"),
    "海南省": _l("Hainan"),
    "重庆市": _l("Chongqing"),
    "四川省": _l("Sichuan"),
    "贵州省": _l("Guizhou"),
    "云南省": _l("Yunnan"),
    "西藏自治区": _l("Tibet"),
    "陕西省": _l("Shaanxi"),
    "甘肃省": _l("Gansu"),
    "青海省": _l("Qinghai"),
    "宁夏回族自治区": _l("Ningxia"),
    "新疆维吾尔自治区": _l("Xinjiang"),
}
PROVINCES = tuple(PROVINCE_NAMES[code] for code in sorted(PROVINCE_NAMES))

SPECIALTY_LABELS = {
    "建筑工程": _l("Building works"),
    "公路工程": _l("Highway works"),
    "铁路工程": _l("Railway works"),
    "民航机场工程": _l("Civil airport works"),
    "港口与航道工程": _l("Port and waterway works"),
    "水利水电工程": _l("Water conservancy and hydropower works"),
    "矿业工程": _l("Mining works"),
    "机电工程": _l("Mechanical and electrical works"),
    "市政公用工程": _l("Municipal public works"),
    "通信与广电工程": _l("Communications and broadcasting works"),
    "建筑": _l("Architecture"),
}
SPECIALTIES_BY_QUALIFICATION = {
    "constructor_1": (
        "建筑工程",
        "公路工程",
        "铁路工程",
        "民航机场工程",
        "港口与航道工程",
        "水利水电工程",
        "矿业工程",
        "机电工程",
        "市政公用工程",
        "通信与广电工程",
    ),
    "architect_1": ("建筑",),
}
SPECIALTIES = tuple(dict.fromkeys(s for group in SPECIALTIES_BY_QUALIFICATION.values() for s in group))

REGISTRATION_STATUS_LABELS = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled"),
}


def label(vocabulary: dict, value: str):
    """The translated label of a stored value (the value itself when it is not in the vocabulary)."""
    return vocabulary.get(value, value)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: tuple
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def first_number(self) -> int:
        """The row number (1-based) of the first item, for the 序号 column."""
        return (self.page - 1) * self.per_page + 1


@dataclass(frozen=True)
class ProgressStep:
    time: datetime.datetime  # naive UTC, shown in China time by the page
    step: object  # translated label
    result: object
    office: str


@dataclass(frozen=True)
class ProgressResult:
    number: str
    item_name: str
    applicant: str  # masked
    status: str
    status_label: object
    submitted_at: datetime.datetime | None
    accepted_at: datetime.datetime | None
    decision: object | None  # 准予许可 / 不予许可 (or 不予受理)
    decided_at: datetime.datetime | None
    certificate_number: str | None
    steps: tuple = ()


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
    province_label: object
    specialties: tuple
    valid_from: datetime.date
    valid_to: datetime.date
    status: str  # valid / expired / cancelled
    status_label: object


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


# --- input cleaning (raw query-string values -> filters, or a message per field) -------------


class QueryInputError(ServiceError, ValueError):
    def __init__(self, message):
        super().__init__(message=message)


_RE_DOCUMENT = re.compile(r"[A-Z0-9]{5,18}")
_RE_REGISTRATION = re.compile(r"[\u4e00-\u9fffA-Z0-9]{6,20}")
_RE_CERTIFICATE = re.compile(r"[\u4e00-\u9fffA-Z0-9\-]{4,40}")
_RE_APPLICATION_NUMBER = re.compile(r"[A-Z0-9\-]{8,32}")
_RAW_MAX = 10_000  # longer raw values are cut before they are looked at (and refused by length)


def clean_text(raw, max_length: int) -> str:
    value = (raw or "").strip()
    if len(value) > max_length:
        raise QueryInputError(_l("At most %(n)s characters, please", n=max_length))
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        raise QueryInputError(_l("Remove the control characters from what you entered"))
    return value


def _compact(raw, max_length: int) -> str:
    """Upper case, without spaces (people paste numbers with spaces)."""
    value = re.sub(r"\s+", "", raw or "").upper()
    if len(value) > max_length:
        raise QueryInputError(_l("At most %(n)s characters, please", n=max_length))
    return value


def clean_page(raw) -> int:
    value = (raw or "").strip()
    if not value:
        return 1
    if len(value) > 4 or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise QueryInputError(
            _l("The page number must be a whole number from 1 to %(max)s; to see more, narrow the search", max=MAX_PAGE)
        )
    return int(value)


def clean_choice(raw, choices) -> str:
    value = (raw or "").strip()
    if value and value not in choices:
        raise QueryInputError(_l("Please choose from the list"))
    return value


def clean_uscc(raw) -> str:
    value = _compact(raw, 18)
    if not value:
        return ""
    try:
        return validate_uscc(value)
    except DocumentError as error:
        raise QueryInputError(error.message) from None


def clean_document_number(raw) -> str:
    value = _compact(raw, 18)
    if value and not _RE_DOCUMENT.fullmatch(value):
        raise QueryInputError(_l("Enter the whole document number: 5 to 18 letters or digits"))
    return value


def clean_registration_number(raw) -> str:
    value = _compact(raw, 20)
    if value and not _RE_REGISTRATION.fullmatch(value):
        raise QueryInputError(_l("Enter the whole registration number, for example 京111202000123"))
    return value


def clean_certificate_number(raw) -> str:
    value = _compact(raw, 40)
    if value and not _RE_CERTIFICATE.fullmatch(value):
        raise QueryInputError(_l("Enter the whole certificate number, for example D111000001"))
    return value


def _clean_all(args: Mapping, cleaners: dict) -> tuple[dict, dict]:
    values, errors = {}, {}
    for name, cleaner in cleaners.items():
        raw = args.get(name)
        if raw is not None and len(raw) > _RAW_MAX:
            raw = raw[:_RAW_MAX]
        try:
            values[name] = cleaner(raw)
        except QueryInputError as error:
            errors[name] = error.message
            values[name] = None
    return values, errors


def clean_progress_query(args: Mapping) -> tuple[dict, dict]:
    def number(raw):
        value = _compact(raw, 32)
        if not value:
            raise QueryInputError(_l("Please enter the application number"))
        if not _RE_APPLICATION_NUMBER.fullmatch(value):
            raise QueryInputError(_l("Enter the application number given on submission, for example 2026030112345678"))
        return value

    def name(raw):
        value = clean_text(raw, NAME_MAX_LENGTH)
        if not value:
            raise QueryInputError(_l("Please enter the applicant's name or the certificate number"))
        return value

    return _clean_all(args, {"number": number, "name": name})


def clean_enterprise_query(args: Mapping) -> tuple[dict, dict]:
    """Filters of 企业资质查询; the kind is required and decides which qualifications and grades exist."""

    def kind(raw):
        value = clean_choice(raw, ENTERPRISE_KINDS)
        if not value:
            raise QueryInputError(_l("Please choose the kind of enterprise first"))
        return value

    values, errors = _clean_all(
        args,
        {
            "kind": kind,
            "name": lambda raw: clean_text(raw, ENTERPRISE_NAME_MAX_LENGTH),
            "uscc": clean_uscc,
            "certificate_number": clean_certificate_number,
            "province": lambda raw: clean_choice(raw, PROVINCES),
            "page": clean_page,
        },
    )
    chosen = values.get("kind") or ""
    more, more_errors = _clean_all(
        args,
        {
            "qualification": lambda raw: clean_choice(raw, QUALIFICATIONS_BY_KIND.get(chosen, ())),
            "grade": lambda raw: clean_choice(raw, GRADES_BY_KIND.get(chosen, ())),
        },
    )
    values.update(more)
    errors.update(more_errors)
    return values, errors


PEOPLE_KEY_FILTERS = ("name", "document_number", "registration_number", "employer")
KEY_FILTER_MESSAGE = _l("Enter a name, an identity document number, a registration number or an employer")


def clean_people_query(args: Mapping) -> tuple[dict, dict]:
    """Filters of 人员资格查询: at least a name, a document number, a registration number or an employer."""
    values, errors = _clean_all(
        args,
        {
            "name": lambda raw: clean_text(raw, NAME_MAX_LENGTH),
            "document_number": clean_document_number,
            "registration_number": clean_registration_number,
            "employer": lambda raw: clean_text(raw, ENTERPRISE_NAME_MAX_LENGTH),
            "qualification": lambda raw: clean_choice(raw, QUALIFICATION_NAMES),
            "province": lambda raw: clean_choice(raw, PROVINCES),
            "page": clean_page,
        },
    )
    chosen = values.get("qualification") or ""
    more, more_errors = _clean_all(
        args,
        {
            "specialty": lambda raw: clean_choice(raw, SPECIALTIES_BY_QUALIFICATION.get(chosen, SPECIALTIES)),
        },
    )
    values.update(more)
    errors.update(more_errors)
    if not errors and not any(values.get(key) for key in PEOPLE_KEY_FILTERS):
        errors["name"] = KEY_FILTER_MESSAGE
    return values, errors


# --- helpers ---------------------------------------------------------------------------------


def _bounds(page: int, per_page: int) -> tuple[int, int]:
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        page, per_page = 1, DEFAULT_PER_PAGE
    return max(1, min(page, MAX_PAGE)), max(1, min(per_page, MAX_PER_PAGE))


def _next_prefix(prefix: str) -> str:
    """The smallest string after every string that starts with ``prefix`` (code point order)."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:
        last = 0xE000
    if last > 0x10FFFF:
        return _next_prefix(prefix[:-1]) if len(prefix) > 1 else "\U0010ffff"
    return prefix[:-1] + chr(last)


def starts_with(column, prefix: str):
    """``column LIKE 'prefix%'`` as an index range scan on both databases.

    PostgreSQL: LIKE with the wildcards escaped; the ``text_pattern_ops`` index
    serves it. SQLite: its LIKE is case-insensitive and ignores a plain index, so
    the same prefix is asked as a ``>= / <`` range (byte order = code point order).
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return and_(column >= prefix, column < _next_prefix(prefix))
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")


def _page(rows: list, page: int, per_page: int, convert) -> Page:
    return Page(tuple(convert(row) for row in rows[:per_page]), page, per_page, len(rows) > per_page)


def mask_document_number(number: str) -> str:
    """A document number of unknown type: 18 characters keep 4 + 4 visible, others 2 + 2."""
    value = (number or "").strip().upper()
    return mask_document(DocumentType.RESIDENT_ID if len(value) == 18 else DocumentType.PASSPORT, value)


def _masked_document(doc_type: str, number: str) -> str:
    try:
        return mask_document(doc_type, number)
    except ValueError:
        return mask_document(DocumentType.PASSPORT, number)  # first 2 and last 2 only


def _registration_status(registration: PersonRegistration, today: datetime.date) -> str:
    if registration.status == "cancelled":
        return "cancelled"
    return "valid" if registration.valid_to >= today else "expired"


# --- 申请事项办理进度查询（受理发证信息查询） ------------------------------------------------


def _issued_registration_number(application: Application) -> str | None:
    """Best effort: the register entry of the holder for the item's qualification."""
    account = application.account
    if account is None or not account.document_number or application.item is None:
        return None
    try:
        qualification, _action = kind_parts(application.item)
    except (AttributeError, ValueError):
        return None
    registration = (
        db.session.query(PersonRegistration)
        .filter_by(holder_document_number=account.document_number, qualification=qualification)
        .order_by(PersonRegistration.valid_to.desc(), PersonRegistration.id.desc())
        .first()
    )
    return registration.registration_number if registration else None


def progress_lookup(number: str, name_or_certificate: str) -> ProgressResult | None:
    """The progress of a case for whoever knows its number and its applicant's name.

    None when the number is unknown or the name (or certificate number) does not
    match: the page must not tell which, or numbers could be probed.
    """
    number = re.sub(r"\s+", "", number or "").upper()
    given = (name_or_certificate or "").strip()
    if not number or not given:
        return None
    application = (
        db.session.query(Application)
        .filter(Application.number == number, Application.status != Status.DRAFT)
        .one_or_none()
    )
    if application is None or application.account is None:
        return None
    account = application.account
    certificate_number = _issued_registration_number(application) if application.status == Status.ISSUED else None
    names = {value for value in (account.real_name, account.display_name) if value}
    matches = given in names or (
        certificate_number is not None and re.sub(r"\s+", "", given).upper() == certificate_number.upper()
    )
    if not matches:
        return None
    events = sorted(application.events, key=lambda event: event.id)
    accepted = next((event for event in events if event.action == "accept"), None)
    decision = next((event for event in reversed(events) if event.action in ("approve", "reject", "refuse")), None)
    steps = tuple(
        ProgressStep(
            time=event.created_at,
            step=TRANSITIONS[event.action].label if event.action in TRANSITIONS else event.action,
            result=STATUS_LABELS.get(event.to_status, event.to_status),
            office=event.office or "",
        )
        for event in events
    )
    return ProgressResult(
        number=application.number,
        item_name=application.item.name if application.item else "",
        applicant=mask_name(account.display_name or ""),
        status=application.status,
        status_label=STATUS_LABELS.get(application.status, application.status),
        submitted_at=application.submitted_at,
        accepted_at=accepted.created_at if accepted else None,
        decision=TRANSITIONS[decision.action].label if decision else None,
        decided_at=decision.created_at if decision else None,
        certificate_number=certificate_number,
        steps=steps,
    )


# --- 企业资质查询 --------------------------------------------------------------------------


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
    page, per_page = _bounds(page, per_page)
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

        return _page(rows, page, per_page, convert)
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
    page, per_page = _bounds(page, per_page)
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
        people=_page(
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


# --- 人员资格查询 ---------------------------------------------------------------------------


def person_filters(
    name=None,
    document_number=None,
    registration_number=None,
    qualification=None,
    specialty=None,
    employer=None,
    province=None,
) -> list:
    PR = PersonRegistration
    clauses = []
    if name:
        clauses.append(starts_with(PR.holder_name, name.strip()))
    if document_number:
        clauses.append(PR.holder_document_number == re.sub(r"\s+", "", document_number).upper())
    if registration_number:
        clauses.append(PR.registration_number == re.sub(r"\s+", "", registration_number).upper())
    if qualification:
        clauses.append(PR.qualification == qualification)
    if specialty:
        clauses.append(
            exists().where(RegisteredSpecialty.registration_id == PR.id, RegisteredSpecialty.specialty == specialty)
        )
    if employer:
        employer = employer.strip()
        try:
            clauses.append(PR.employer_uscc == validate_uscc(employer.upper()))
        except DocumentError:
            clauses.append(starts_with(PR.employer_name, employer))
    if province:
        clauses.append(PR.province == province)
    return clauses


def person_search_statement(page: int = 1, per_page: int = DEFAULT_PER_PAGE, **filters):
    """One page of matching registrations (and one row more, to know whether a next page exists).

    The page's ids are found first, where the name indexes (which carry the
    category) and the specialty index answer alone; only those rows are read.
    A name with a specialty is looked up in the specialty rows, which carry the
    holder's name and province: one index range in name order, however rare
    the specialty is among people of that name.
    """
    PR = PersonRegistration
    page, per_page = _bounds(page, per_page)
    if filters.get("name") and filters.get("specialty"):
        RS = RegisteredSpecialty
        rest = {key: value for key, value in filters.items() if key not in ("name", "specialty", "province")}
        clauses = [RS.specialty == filters["specialty"], starts_with(RS.holder_name, filters["name"].strip())]
        if filters.get("province"):
            clauses.append(RS.province == filters["province"])
        ids = select(RS.registration_id.label("id"), RS.holder_name.label("holder_name")).where(*clauses)
        if any(rest.values()):
            ids = ids.join(PR, PR.id == RS.registration_id).where(*person_filters(**rest))
        ids = ids.order_by(RS.holder_name, RS.registration_id)
    else:
        ids = (
            select(PR.id.label("id"), PR.holder_name.label("holder_name"))
            .where(*person_filters(**filters))
            .order_by(PR.holder_name, PR.id)
        )
    page_ids = ids.offset((page - 1) * per_page).limit(per_page + 1).subquery("page_ids")
    return select(PR).join(page_ids, PR.id == page_ids.c.id).order_by(page_ids.c.holder_name, page_ids.c.id)


def _person_hit(registration: PersonRegistration, today: datetime.date) -> PersonHit:
    status = _registration_status(registration, today)
    return PersonHit(
        name=registration.holder_name,
        document=_masked_document(registration.holder_document_type, registration.holder_document_number),
        qualification=registration.qualification,
        qualification_label=label(QUALIFICATION_NAMES, registration.qualification),
        registration_number=registration.registration_number,
        employer_name=registration.employer_name,
        employer_uscc=registration.employer_uscc,
        province=registration.province or "",
        province_label=label(PROVINCE_LABELS, registration.province or ""),
        specialties=tuple(
            SpecialtyLine(s.specialty, label(SPECIALTY_LABELS, s.specialty), s.valid_to)
            for s in registration.specialties
        ),
        valid_from=registration.valid_from,
        valid_to=registration.valid_to,
        status=status,
        status_label=REGISTRATION_STATUS_LABELS[status],
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
    page, per_page = _bounds(page, per_page)
    statement = person_search_statement(
        page,
        per_page,
        name=name,
        document_number=document_number,
        registration_number=registration_number,
        qualification=qualification,
        specialty=specialty,
        employer=employer,
        province=province,
    ).options(selectinload(PersonRegistration.specialties))
    rows = db.session.execute(statement).scalars().all()
    today = clock.today()
    return _page(rows, page, per_page, lambda registration: _person_hit(registration, today))


def _history(registrations: list, today: datetime.date) -> tuple:
    """The issued cases of the holder (their timelines), else the register's own dates."""
    holder = registrations[0]
    cases = (
        db.session.query(Application)
        .join(Account, Application.account_id == Account.id)
        .filter(
            Account.document_number == holder.holder_document_number,
            Account.document_type == holder.holder_document_type,
            Application.status == Status.ISSUED,
        )
        .order_by(Application.submitted_at, Application.id)
        .all()
    )
    if cases:
        events = (
            db.session.query(ApplicationEvent)
            .filter(ApplicationEvent.application_id.in_([case.id for case in cases]))
            .order_by(ApplicationEvent.created_at, ApplicationEvent.id)
            .all()
        )
        items = {case.id: case.item.name if case.item else "" for case in cases}
        return tuple(
            HistoryEntry(
                event=TRANSITIONS[event.action].label if event.action in TRANSITIONS else event.action,
                detail=items.get(event.application_id, ""),
                at=event.created_at,
            )
            for event in events
        )
    entries = []
    for registration in sorted(registrations, key=lambda r: (r.valid_from, r.id)):
        what = f"{label(QUALIFICATION_NAMES, registration.qualification)} {registration.registration_number}"
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
        document=_masked_document(registration.holder_document_type, registration.holder_document_number),
        registrations=tuple(_person_hit(r, today) for r in registrations),
        history=_history(registrations, today),
    )
