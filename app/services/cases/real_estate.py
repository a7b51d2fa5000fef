"""房地产开发企业一级资质核定 (manual 图4-2-1 … 图4-2-3): the 房地产开发企业一级资质核定系统.

A company signed in with its 法人 account, its legal representative's face checked, files in a
sub-system of its own, step by step: 企业基本信息 (from the enterprise register and the
qualification register) → 经营业绩 (completed projects) → 专业技术人员 → 承诺与申报. Every step is
kept as a draft of the company (server-side) and the company comes back to the step it was on;
the submission is a case of the same engine as the other items. Returned for correction, the
company edits in the same sub-system and resubmits.

The rules checked (《房地产开发企业资质管理规定》第五条, 一级):

* five years or more of development, counted from the 成立日期 in the enterprise register;
* 300,000 m² or more completed (竣工面积) in the three calendar years before the filing year;
* 40 or more professional managers with a title, 20 of them of middle grade or above, and
  four accountants or more; a person the person register knows must be registered there under
  this name and with this company (a person it does not know is checked on the title certificate);
* one open case per company; a company holding a valid 一级 already does not file again.

Issuing writes the qualification register (房地产开发 一级) and the electronic 房地产开发企业资质证书.
"""

import datetime
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.masking import mask_document
from app.models import (
    Account,
    Application,
    ElectronicCertificate,
    Enterprise,
    EnterpriseQualification,
    EnterpriseRegisterEntry,
    PersonRegistration,
    ServiceItem,
)
from app.regions import province_of
from app.services.accounts import identity_documents as docs
from app.services.cases import workflow
from app.services.cases.workflow import OPEN_STATUSES, RETURNED_STATUSES, Status
from app.services.errors import ServiceError
from app.services.platform import audit

ONLINE_KIND = "real_estate_grade1"
REGISTER_KIND = "房地产开发企业"
QUALIFICATION = "房地产开发"
GRADE = "一级"
CERTIFICATE_YEARS = 5  # 资质证书有效期

MIN_YEARS = 5  # 从事房地产开发经营5年以上
RECENT_YEARS = 3  # 近3年
MIN_RECENT_AREA = 300_000  # 累计竣工30万平方米以上
MIN_STAFF = 40  # 有职称的专业管理人员不少于40人
MIN_MIDDLE = 20  # 其中中级以上职称不少于20人
MIN_ACCOUNTANTS = 4  # 专职会计人员不少于4人
MAX_ROWS = 300
MAX_AREA = 10_000_000  # m², one project

BASIC, PROJECTS, STAFF, DECLARE = "basic", "projects", "staff", "declare"
STEPS = (BASIC, PROJECTS, STAFF, DECLARE)
STEP_LABELS = {
    BASIC: _l("Enterprise basic information"),
    PROJECTS: _l("Business performance"),
    STAFF: _l("Professional and technical staff"),
    DECLARE: _l("Commitment and declaration"),
}
PROJECT_TYPES = ("住宅", "商业", "办公", "综合")
SPECIALTIES = ("建筑", "结构", "财务", "房地产", "经济")
# 职称 → grade (3 高级, 2 中级, 1 初级) and whether it is an accountant's.
TITLES = {
    "正高级工程师": 3,
    "高级工程师": 3,
    "工程师": 2,
    "助理工程师": 1,
    "高级经济师": 3,
    "经济师": 2,
    "助理经济师": 1,
    "高级会计师": 3,
    "会计师": 2,
    "助理会计师": 1,
}
ACCOUNTANT_TITLES = ("高级会计师", "会计师", "助理会计师")
PROJECT_FIELDS = ("name", "location", "type", "floor_area", "completed_area", "year")
STAFF_FIELDS = ("name", "id_number", "title", "specialty")
BASIC_FIELDS = ("contact_name", "contact_title")
FIELD_LABELS = {
    "basic": _l("Enterprise basic information"),
    "projects": _l("Business performance"),
    "staff": _l("Professional and technical staff"),
}


def is_real_estate_item(item: ServiceItem | None) -> bool:
    return item is not None and item.online_kind == ONLINE_KIND


# --- the company and its registers ------------------------------------------------------------


@dataclass
class EstatePrefill:
    """What the registers say of the company (企业基本信息, read-only in the system)."""

    uscc: str
    name: str
    address: str
    registered_capital: str
    legal_rep_name: str
    entity_type: str
    established_on: datetime.date | None
    qualifications: list = field(default_factory=list)  # every EnterpriseQualification row of the company

    def holds_grade(self, today: datetime.date) -> bool:
        return any(q.kind == REGISTER_KIND and q.grade == GRADE and q.valid_to >= today for q in self.qualifications)


def _uscc(account: Account) -> str:
    enterprise = account.enterprise if account.kind == "legal" else None
    return enterprise.uscc if enterprise is not None else ""


def prefill(account: Account) -> EstatePrefill:
    uscc = _uscc(account)
    rows = (
        db.session.query(EnterpriseQualification).filter_by(uscc=uscc).order_by(EnterpriseQualification.id).all()
        if uscc
        else []
    )
    entry = db.session.query(EnterpriseRegisterEntry).filter_by(uscc=uscc).first() if uscc else None
    enterprise = account.enterprise
    first = next((q for q in rows if q.address), rows[0] if rows else None)
    return EstatePrefill(
        uscc=uscc,
        name=(enterprise.name if enterprise else "") or (first.enterprise_name if first else ""),
        address=first.address if first else "",
        registered_capital=first.registered_capital if first else "",
        legal_rep_name=(first.legal_rep_name if first else "") or (enterprise.legal_rep_name if enterprise else ""),
        entity_type=entry.entity_type if entry else "",
        established_on=entry.established_on if entry else None,
        qualifications=rows,
    )


def _company_cases(account: Account, item: ServiceItem):
    """The cases of this item filed by any legal-entity account of the company (its own only, without a USCC)."""
    uscc = _uscc(account)
    query = db.session.query(Application).filter(Application.item_id == item.id)
    if not uscc:
        return query.filter(Application.account_id == account.id)
    accounts = db.session.query(Account.id).join(Account.enterprise).filter(Account.kind == "legal")
    return query.filter(Application.account_id.in_(accounts.filter(Enterprise.uscc == uscc).scalar_subquery()))


def working_case(account: Account, item: ServiceItem) -> Application | None:
    """What the system edits: the company's case returned for correction, else its draft."""
    returned = (
        _company_cases(account, item)
        .filter(Application.status.in_(RETURNED_STATUSES))
        .order_by(Application.id.desc())
        .first()
    )
    if returned is not None:
        return returned
    return _company_cases(account, item).filter(Application.status == Status.DRAFT).order_by(Application.id).first()


def case_in_progress(account: Account, item: ServiceItem) -> Application | None:
    """The company's submitted case that is being handled (not waiting for its correction)."""
    waiting = [s for s in OPEN_STATUSES if s not in RETURNED_STATUSES]
    return _company_cases(account, item).filter(Application.status.in_(waiting)).order_by(Application.id.desc()).first()


def latest_case(account: Account, item: ServiceItem) -> Application | None:
    return (
        _company_cases(account, item).filter(Application.status != Status.DRAFT).order_by(Application.id.desc()).first()
    )


def eligibility_problems(account: Account, item: ServiceItem, today: datetime.date | None = None) -> list:
    today = today or clock.today()
    if account.kind != "legal":
        return [_l("Enterprise items are applied for with a legal-entity account: sign in as the company")]
    problems = []
    known = prefill(account)
    if known.holds_grade(today):
        problems.append(_l("Your company already holds a valid Grade 1 real estate development qualification"))
    if case_in_progress(account, item) is not None:
        problems.append(_l("Your company already has a case of this item in progress; follow it in My cases"))
    return problems


# --- the rules (pure: unit-tested) -------------------------------------------------------------


def recent_years(today: datetime.date) -> tuple[int, int]:
    """近3年: the three calendar years before the filing year (first, last)."""
    return today.year - RECENT_YEARS, today.year - 1


def years_of_development(established_on: datetime.date, today: datetime.date) -> int:
    years = today.year - established_on.year
    if (today.month, today.day) < (established_on.month, established_on.day):
        years -= 1
    return years


def development_problem(established_on: datetime.date | None, today: datetime.date):
    """五年以上 from the 成立日期; a message, or None."""
    if established_on is None:
        return _l(
            "The enterprise register has no date of establishment for your company: "
            "the years of development cannot be counted"
        )
    years = years_of_development(established_on, today)
    if years < MIN_YEARS:
        return _l(
            "Your company was established on %(date)s: %(years)d years of real estate development, "
            "Grade 1 requires at least %(min)d years",
            date=established_on.isoformat(),
            years=years,
            min=MIN_YEARS,
        )
    return None


def recent_completed_area(projects: list[dict], today: datetime.date) -> float:
    first, last = recent_years(today)
    return sum(float(p["completed_area"]) for p in projects if first <= int(p["year"]) <= last)


def area_text(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def performance_problem(projects: list[dict], today: datetime.date):
    """近3年累计竣工30万平方米以上; a message, or None."""
    first, last = recent_years(today)
    area = recent_completed_area(projects, today)
    if area < MIN_RECENT_AREA:
        return _l(
            "Completed area in the last three years (%(first)d-%(last)d): %(area)s m²; "
            "Grade 1 requires at least %(min)s m²",
            first=first,
            last=last,
            area=area_text(area),
            min=area_text(MIN_RECENT_AREA),
        )
    return None


def staff_counts(staff: list[dict]) -> dict:
    return {
        "total": len(staff),
        "middle": sum(1 for s in staff if TITLES.get(s["title"], 0) >= 2),
        "accountants": sum(1 for s in staff if s["title"] in ACCOUNTANT_TITLES),
    }


def staff_count_problem(staff: list[dict]):
    counts = staff_counts(staff)
    if counts["total"] >= MIN_STAFF and counts["middle"] >= MIN_MIDDLE and counts["accountants"] >= MIN_ACCOUNTANTS:
        return None
    return _l(
        "Professional managers with a title: %(total)d (at least %(min_total)d), of middle grade or above: "
        "%(middle)d (at least %(min_middle)d), accountants: %(accountants)d (at least %(min_accountants)d)",
        total=counts["total"],
        min_total=MIN_STAFF,
        middle=counts["middle"],
        min_middle=MIN_MIDDLE,
        accountants=counts["accountants"],
        min_accountants=MIN_ACCOUNTANTS,
    )


# --- the rows of a step: checked, cleaned ------------------------------------------------------


def _number(text: str, *, maximum: float) -> float | None:
    value = (text or "").replace(",", "").replace("，", "").strip()
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", value):
        return None
    number = float(value)
    return number if 0 < number <= maximum else None


def clean_projects(rows: list[dict], established_on: datetime.date | None, today: datetime.date):
    """(the rows as kept, errors keyed ``projects-<i>-<field>``); empty rows are dropped."""
    errors: dict = {}
    kept: list[dict] = []
    for raw in rows:
        row = {name: str(raw.get(name) or "").strip()[:200] for name in PROJECT_FIELDS}
        if not any(row.values()):
            continue
        index = len(kept)
        kept.append(row)
        for name in PROJECT_FIELDS:
            if not row[name]:
                errors[f"projects-{index}-{name}"] = _l("This field is required")
        if row["type"] and row["type"] not in PROJECT_TYPES:
            errors[f"projects-{index}-type"] = _l("Choose the type of the project")
        floor = _number(row["floor_area"], maximum=MAX_AREA) if row["floor_area"] else None
        done = _number(row["completed_area"], maximum=MAX_AREA) if row["completed_area"] else None
        if row["floor_area"] and floor is None:
            errors[f"projects-{index}-floor_area"] = _l("Enter the area in square metres, for example 85000.5")
        if row["completed_area"] and done is None:
            errors[f"projects-{index}-completed_area"] = _l("Enter the area in square metres, for example 85000.5")
        if floor is not None and done is not None and done > floor:
            errors[f"projects-{index}-completed_area"] = _l("The completed area cannot exceed the floor area")
        if row["year"]:
            year = int(row["year"]) if re.fullmatch(r"\d{4}", row["year"]) else None
            earliest = established_on.year if established_on else 1949
            if year is None or year > today.year or year < earliest:
                errors[f"projects-{index}-year"] = _l(
                    "Enter the year of completion, between %(first)d (establishment) and %(last)d",
                    first=earliest,
                    last=today.year,
                )
        if floor is not None:
            row["floor_area"] = area_text(floor).replace(",", "")
        if done is not None:
            row["completed_area"] = area_text(done).replace(",", "")
    if len(kept) > MAX_ROWS:
        errors["projects"] = _l("At most %(n)d rows", n=MAX_ROWS)
    return kept, errors


def clean_staff(rows: list[dict], saved: list[dict]):
    """(the rows as kept, errors keyed ``staff-<i>-<field>``).

    A saved row's number is shown masked: posted back unchanged (its ``ref`` names the saved row), the
    saved number is kept.
    """
    errors: dict = {}
    kept: list[dict] = []
    seen: dict[str, int] = {}
    for raw in rows:
        row = {name: str(raw.get(name) or "").strip()[:100] for name in STAFF_FIELDS}
        if not any(row.values()):
            continue
        ref = str(raw.get("ref") or "")
        if ref.isdigit() and int(ref) < len(saved):
            previous = saved[int(ref)]
            if row["id_number"] and row["id_number"] == mask_document("resident_id", previous.get("id_number")):
                row["id_number"] = previous["id_number"]
        index = len(kept)
        kept.append(row)
        for name in STAFF_FIELDS:
            if not row[name]:
                errors[f"staff-{index}-{name}"] = _l("This field is required")
        if row["id_number"]:
            try:
                row["id_number"] = docs.validate_document(docs.DocumentType.RESIDENT_ID.value, row["id_number"]).number
            except docs.DocumentError as error:
                errors[f"staff-{index}-id_number"] = error.message
            else:
                if row["id_number"] in seen:
                    errors[f"staff-{index}-id_number"] = _l(
                        "This person is already listed in row %(row)d", row=seen[row["id_number"]] + 1
                    )
                seen.setdefault(row["id_number"], index)
        if row["title"] and row["title"] not in TITLES:
            errors[f"staff-{index}-title"] = _l("Choose the title")
        if row["specialty"] and row["specialty"] not in SPECIALTIES:
            errors[f"staff-{index}-specialty"] = _l("Choose the specialty")
    if len(kept) > MAX_ROWS:
        errors["staff"] = _l("At most %(n)d rows", n=MAX_ROWS)
    return kept, errors


@dataclass(frozen=True)
class RegisterCheck:
    """What the person register says of one staff row."""

    found: bool
    ok: bool
    message: object  # lazy message


def register_checks(uscc: str, staff: list[dict], today: datetime.date | None = None) -> list[RegisterCheck]:
    """Each row against the person register (注册人员): found under this name and with this company, or not."""
    today = today or clock.today()
    numbers = [s.get("id_number", "") for s in staff if s.get("id_number")]
    registrations: dict[str, list[PersonRegistration]] = {}
    if numbers:
        for registration in db.session.query(PersonRegistration).filter(
            PersonRegistration.holder_document_number.in_(numbers), PersonRegistration.status == "valid"
        ):
            registrations.setdefault(registration.holder_document_number, []).append(registration)
    checks = []
    for row in staff:
        found = [r for r in registrations.get(row.get("id_number", ""), []) if r.valid_to >= today]
        if not found:
            checks.append(
                RegisterCheck(
                    False,
                    True,
                    _l("Not in the person register: the title certificate is checked in review"),
                )
            )
        elif any(r.holder_name != row.get("name") for r in found):
            checks.append(
                RegisterCheck(
                    True,
                    False,
                    _l("The person register records another name for this identity card number"),
                )
            )
        elif not any(r.employer_uscc == uscc for r in found):
            checks.append(
                RegisterCheck(
                    True,
                    False,
                    _l("Registered with another company (%(employer)s)", employer=found[0].employer_name),
                )
            )
        else:
            checks.append(
                RegisterCheck(
                    True,
                    True,
                    _l("In the person register: %(numbers)s", numbers="、".join(r.registration_number for r in found)),
                )
            )
    return checks


def register_problems(uscc: str, staff: list[dict], today: datetime.date | None = None) -> dict:
    return {
        f"staff-{index}-name": check.message
        for index, check in enumerate(register_checks(uscc, staff, today))
        if not check.ok
    }


# --- the steps: saved as the company's draft ---------------------------------------------------


def current_step(data: dict) -> str:
    step = (data or {}).get("step")
    return step if step in STEPS else BASIC


def _next(step: str) -> str:
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


def step_problems(account: Account, step: str, data: dict, today: datetime.date) -> dict:
    """The rules a step must meet before the next one (``step`` key: the step as a whole)."""
    known = prefill(account)
    if step == BASIC:
        problem = development_problem(known.established_on, today)
        return {"basic": problem} if problem else {}
    if step == PROJECTS:
        projects = data.get(PROJECTS) or []
        if not projects:
            return {"projects": _l("Add the completed projects of your company")}
        problem = performance_problem(projects, today)
        return {"projects": problem} if problem else {}
    if step == STAFF:
        staff = data.get(STAFF) or []
        errors = register_problems(known.uscc, staff, today)
        problem = staff_count_problem(staff)
        if problem:
            errors["staff"] = problem
        return errors
    return {}


def save_step(
    account: Account,
    item: ServiceItem,
    step: str,
    *,
    fields: dict | None = None,
    rows: list[dict] | None = None,
    advance: bool = False,
    back: bool = False,
    ip: str = "",
    today: datetime.date | None = None,
) -> tuple[str, dict]:
    """Save one step into the company's draft (or its returned case): (the step to show next, the step's
    rules not met).

    A row that is not well formed saves nothing (ServiceError; the page keeps what was typed);
    ``advance`` also asks the step's rules before moving on (the draft is saved either way); ``back``
    saves and returns to the step before.
    """
    today = today or clock.today()
    if step not in STEPS or step == DECLARE:
        raise ValueError(step)
    problems = eligibility_problems(account, item, today)
    if problems:
        raise ServiceError({"__all__": problems[0]})
    case = working_case(account, item)
    data = dict(case.data or {}) if case is not None else {}
    known = prefill(account)
    if step == BASIC:
        values = {name: str((fields or {}).get(name) or "").strip()[:100] for name in BASIC_FIELDS}
        errors = {name: _l("This field is required") for name, value in values.items() if not value}
        data[BASIC] = values
    elif step == PROJECTS:
        kept, errors = clean_projects(rows or [], known.established_on, today)
        data[PROJECTS] = kept
    else:
        kept, errors = clean_staff(rows or [], data.get(STAFF) or [])
        data[STAFF] = kept
    if errors:
        raise ServiceError(errors)
    if case is None:
        case = Application(account_id=account.id, item_id=item.id, status=Status.DRAFT)
        db.session.add(case)
    data.update(_snapshot(known))
    rule_errors = step_problems(account, step, data, today) if advance else {}
    if back:
        data["step"] = STEPS[max(STEPS.index(step) - 1, 0)]
    else:
        data["step"] = _next(step) if advance and not rule_errors else step
    case.data = data
    audit.record("real_estate.step_saved", account=account, actor=account, ip=ip, subject=case.number or "", step=step)
    return data["step"], rule_errors


def go_to_step(account: Account, item: ServiceItem, step: str) -> None:
    """The company moves back to an earlier step (or to one it has reached); remembered for the next visit."""
    case = working_case(account, item)
    if case is None or step not in STEPS:
        return
    data = dict(case.data or {})
    if STEPS.index(step) <= STEPS.index(current_step(data)):
        data["step"] = step
        case.data = data


def _snapshot(known: EstatePrefill) -> dict:
    """The register's particulars as filed (the case shows what the company saw)."""
    return {
        "uscc": known.uscc,
        "enterprise_name": known.name,
        "register": {
            "name": known.name,
            "address": known.address,
            "capital": known.registered_capital,
            "legal_rep": known.legal_rep_name,
            "entity_type": known.entity_type,
            "established_on": known.established_on.isoformat() if known.established_on else "",
        },
    }


# --- the case engine's hooks (eligibility, applications, corrections) --------------------------


def form_problems(account: Account, item: ServiceItem, data: dict, today: datetime.date | None = None) -> dict:
    """Every step's rules, before the submission (keyed by the step that fails first, and ``__all__``)."""
    today = today or clock.today()
    errors: dict = {}
    if not (data.get(BASIC) or {}).get("contact_name"):
        errors[BASIC] = _l("Fill in the enterprise basic information")
    for step in (BASIC, PROJECTS, STAFF):
        errors.update(step_problems(account, step, data, today))
    if not data.get(STAFF):
        errors[STAFF] = _l("Add the professional and technical staff")
    if errors and "__all__" not in errors:
        first = next(iter(errors.values()))
        errors["__all__"] = first
    return errors


def clean_data(account: Account, data: dict) -> dict:
    kept = {key: data.get(key) for key in (BASIC, PROJECTS, STAFF) if key in data}
    return {**kept, **_snapshot(prefill(account)), "step": DECLARE}


def first_failing_step(errors: dict) -> str:
    for step in (BASIC, PROJECTS, STAFF):
        if any(key == step or key.startswith(f"{step}-") for key in errors):
            return step
    return DECLARE


# --- the back office: the case readably --------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    label: object
    ok: bool
    detail: object


@dataclass
class CaseSummary:
    register: dict
    basic: dict
    projects: list
    staff: list  # (row with the number masked, RegisterCheck)
    recent_area: str
    recent_first: int
    recent_last: int
    counts: dict
    rules: list


def summary(application: Application, today: datetime.date | None = None) -> CaseSummary:
    today = today or (application.submitted_at.date() if application.submitted_at else clock.today())
    data = application.data or {}
    register = data.get("register") or {}
    projects = data.get(PROJECTS) or []
    staff = data.get(STAFF) or []
    established = register.get("established_on") or ""
    established_on = datetime.date.fromisoformat(established) if established else None
    first, last = recent_years(today)
    checks = register_checks(data.get("uscc", ""), staff)
    development = development_problem(established_on, today)
    performance = performance_problem(projects, today)
    count = staff_count_problem(staff)
    rules = [
        RuleResult(
            _l("At least %(n)d years of development", n=MIN_YEARS),
            development is None,
            development or _l("Established on %(date)s", date=established),
        ),
        RuleResult(
            _l("At least %(area)s m² completed in the last three years", area=area_text(MIN_RECENT_AREA)),
            performance is None,
            performance or f"{area_text(recent_completed_area(projects, today))} m²",
        ),
        RuleResult(
            _l("Professional managers"),
            count is None,
            count or staff_count_text(staff),
        ),
        RuleResult(
            _l("Staff checked against the person register"),
            all(c.ok for c in checks),
            _l(
                "%(found)d of %(total)d found in the person register",
                found=sum(1 for c in checks if c.found),
                total=len(checks),
            ),
        ),
    ]
    return CaseSummary(
        register=register,
        basic=data.get(BASIC) or {},
        projects=projects,
        staff=[
            ({**row, "id_number": mask_document("resident_id", row.get("id_number"))}, check)
            for row, check in zip(staff, checks, strict=True)
        ],
        recent_area=area_text(recent_completed_area(projects, today)),
        recent_first=first,
        recent_last=last,
        counts=staff_counts(staff),
        rules=rules,
    )


def staff_count_text(staff: list[dict]):
    counts = staff_counts(staff)
    return _l(
        "%(total)d with a title, %(middle)d of middle grade or above, %(accountants)d accountants",
        total=counts["total"],
        middle=counts["middle"],
        accountants=counts["accountants"],
    )


def returnable_value(name: str, value) -> str:
    """A section of the case named in a return (补正), in words for the officer's form."""
    if name == PROJECTS:
        return str(_l("%(n)d completed projects", n=len(value or [])))
    if name == STAFF:
        return str(staff_count_text(value or []))
    if name == BASIC:
        return "、".join(str(v) for v in (value or {}).values())
    return str(value)


# --- 制证: the register and the certificate ----------------------------------------------------


def issue(application: Application) -> ElectronicCertificate:
    """Write the 房地产开发 一级 qualification into the register and issue its certificate; the caller commits."""
    from app.services.certificates import lifecycle as certificates

    data = application.data or {}
    uscc = data.get("uscc") or _uscc(application.account)
    register = data.get("register") or {}
    today = clock.today()
    row = (
        db.session.query(EnterpriseQualification)
        .filter_by(uscc=uscc, kind=REGISTER_KIND)
        .order_by(EnterpriseQualification.id.desc())
        .first()
    )
    current = prefill(application.account) if application.account is not None else None
    if row is None:
        row = EnterpriseQualification(
            uscc=uscc,
            kind=REGISTER_KIND,
            certificate_number=next_certificate_number(today),
            qualification=QUALIFICATION,
        )
        db.session.add(row)
    row.enterprise_name = (current.name if current else "") or data.get("enterprise_name", "")
    row.qualification = QUALIFICATION
    row.grade = GRADE
    row.province = province_of(uscc, None)
    row.address = (current.address if current else "") or register.get("address", "")
    row.registered_capital = (current.registered_capital if current else "") or register.get("capital", "")
    row.legal_rep_name = (current.legal_rep_name if current else "") or register.get("legal_rep", "")
    row.valid_from = today
    row.valid_to = today.replace(year=today.year + CERTIFICATE_YEARS) - datetime.timedelta(days=1)
    db.session.flush()
    return certificates.issue_for_enterprise(row, today)


def next_certificate_number(day: datetime.date) -> str:
    """证书编号 建开企[2026]0001: the year and the next number of the year."""
    prefix = f"建开企[{day.year}]"
    count = (
        db.session.query(EnterpriseQualification.id)
        .filter(EnterpriseQualification.certificate_number.like(f"{prefix}%"))
        .count()
    )
    return f"{prefix}{count + 1:04d}"


def resubmit(account: Account, item: ServiceItem, *, uploads: dict, commitment: bool, sms_check, ip: str = ""):
    """The returned case, edited in the system, goes back (its flagged materials uploaded again)."""
    from app.services.cases.corrections import flagged_materials
    from app.services.cases.uploads import check_uploads, store_uploads

    case = working_case(account, item)
    if case is None or case.status not in RETURNED_STATUSES:
        raise ServiceError({"__all__": _l("This case is not waiting for a correction")})
    errors = form_problems(account, item, case.data or {})
    flagged = flagged_materials(case)
    if any(mid not in flagged for mid in uploads):
        errors["__all__"] = _l("Only the materials named in the return may be uploaded again")
    accepted, upload_errors = check_uploads(item, uploads)
    errors.update(upload_errors)
    for mid in flagged - set(accepted):
        errors.setdefault(f"material_{mid}", _l("This material was returned: please upload a corrected version"))
    if not commitment:
        errors["commitment"] = _l("You must make the commitment to submit")
    if not errors:
        errors.update(sms_check(account.phone))
    if errors:
        raise ServiceError(errors)
    store_uploads(case, item, accepted, [])
    data = dict(case.data or {})
    data["step"] = DECLARE
    case.data = data
    workflow.apply(case, "resubmit", actor=account, office=_l("Online service portal"), remarks="")
    audit.record("application.resubmitted", account=account, actor=account, ip=ip, subject=case.number)
    return case


# --- the system's pages ------------------------------------------------------------------------


@dataclass
class SystemPage:
    """What the 一级资质核定系统 shows the company: its registers, its draft (or returned case), where it is."""

    known: EstatePrefill
    case: Application | None  # the draft or the returned case being edited
    in_progress: Application | None  # a submitted case being handled (nothing to edit)
    problems: list
    today: datetime.date

    @property
    def data(self) -> dict:
        return (self.case.data or {}) if self.case is not None else {}

    @property
    def step(self) -> str:
        return current_step(self.data)

    @property
    def returned(self) -> bool:
        return self.case is not None and self.case.status in RETURNED_STATUSES

    def reached(self, step: str) -> bool:
        return self.returned or STEPS.index(step) <= STEPS.index(self.step)

    @property
    def staff_checks(self) -> list[RegisterCheck]:
        return register_checks(self.known.uscc, self.data.get(STAFF) or [], self.today)

    @property
    def masked_staff(self) -> list[dict]:
        return [
            {**row, "id_number": mask_document("resident_id", row.get("id_number")), "ref": str(index)}
            for index, row in enumerate(self.data.get(STAFF) or [])
        ]

    @property
    def defects(self) -> list:
        return ((self.case.correction or {}).get("defects") or []) if self.returned and self.case else []

    @property
    def correction_reason(self) -> str:
        return ((self.case.correction or {}).get("reason") or "") if self.returned and self.case else ""

    @property
    def flagged_material_ids(self) -> set:
        return {d["material_id"] for d in self.defects if d.get("material_id")}

    def summary(self) -> CaseSummary | None:
        if self.case is None:
            return None
        return summary(self.case, self.today)

    def rule_errors(self, account: Account) -> dict:
        return form_problems(account, self.case.item, self.data, self.today) if self.case is not None else {}


def system_page(account: Account, item: ServiceItem, today: datetime.date | None = None) -> SystemPage:
    today = today or clock.today()
    case = working_case(account, item)
    return SystemPage(
        known=prefill(account),
        case=case,
        in_progress=case_in_progress(account, item) if case is None else None,
        problems=eligibility_problems(account, item, today),
        today=today,
    )


def submit(
    account: Account,
    item: ServiceItem,
    *,
    uploads: dict,
    commitment: bool,
    submit_token: str,
    sms_check,
    ip: str = "",
) -> Application:
    """申报: the draft becomes a case (numbers, notices, the back office), or the returned case goes back."""
    from app.services.cases import applications

    case = working_case(account, item)
    if case is not None and case.status in RETURNED_STATUSES:
        return resubmit(account, item, uploads=uploads, commitment=commitment, sms_check=sms_check, ip=ip)
    if case is None or case.account_id != account.id:
        raise ServiceError({"__all__": _l("Fill in the steps before declaring")})
    return applications.submit_once(
        account,
        item,
        dict(case.data or {}),
        uploads,
        commitment=commitment,
        submit_token=submit_token,
        sms_check=sms_check,
        ip=ip,
    )
