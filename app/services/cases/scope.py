"""Staff data scope: which cases an officer may see and handle, by item group and province.

An officer's account names item groups (建造师, 注册建筑师, ...) and a province;
empty means all. The role decides the steps (受理, 审查, ...); the scope decides
the cases. A case's province is fixed at submission: the employer's (from its
unified social credit code), else the region of the applicant's identity document.
"""

from sqlalchemy import ColumnElement, and_, true

from app.extensions import db
from app.models import Application, Attachment, ServiceItem
from app.regions import PROVINCE_NAMES, province_of
from app.services.cases.groups import GROUPS
from app.services.cases.workflow import Status


def province_of_case(account, data: dict) -> str:
    # a person's employer, or the company itself for an enterprise item
    employer = (data or {}).get("employer_uscc") or (data or {}).get("uscc") or ""
    province = province_of(employer, None)
    if not province and account is not None and account.document_type == "resident_id":
        province = PROVINCE_NAMES.get((account.document_number or "")[:2], "")
    return province


def parse_groups(text: str | None) -> list[str]:
    """ "建造师, 注册建筑师" (ASCII or full-width commas) → ["建造师", "注册建筑师"]."""
    raw = (text or "").replace("，", ",").replace("、", ",")
    return [group.strip() for group in raw.split(",") if group.strip()]


def group_keys() -> dict[str, str]:
    """Group name (建造师) or key (constructor) → the key stored on the items."""
    return {**{group["name"]: group["key"] for group in GROUPS}, **{group["key"]: group["key"] for group in GROUPS}}


def groups_of(staff) -> list[str]:
    """The item-group keys of the officer's scope (staff write the groups' names)."""
    keys = group_keys()
    return [keys.get(group, group) for group in parse_groups(getattr(staff, "case_groups", ""))]


def province_scope(staff) -> str:
    return (getattr(staff, "case_province", "") or "").strip()


def is_scoped(staff) -> bool:
    return bool(groups_of(staff) or province_scope(staff))


def condition(staff):
    """A SQL condition on Application (joined to nothing) that keeps the cases in ``staff``'s scope."""
    clauses: list[ColumnElement[bool]] = []
    groups = groups_of(staff)
    if groups:
        item_ids = db.session.query(ServiceItem.id).filter(ServiceItem.group.in_(groups))
        clauses.append(Application.item_id.in_(item_ids.scalar_subquery()))
    province = province_scope(staff)
    if province:
        clauses.append(Application.province == province)
    return and_(*clauses) if clauses else true()


def in_scope(application: Application, staff) -> bool:
    groups = groups_of(staff)
    if groups and application.item.group not in groups:
        return False
    province = province_scope(staff)
    return not province or application.province == province


def visible_case(case_id: int, staff) -> Application | None:
    """The case, if ``staff`` may see it: never a draft, never one outside the officer's scope."""
    application = db.session.get(Application, case_id)
    if application is None or application.status == Status.DRAFT or not in_scope(application, staff):
        return None
    return application


def visible_attachment(attachment_id: int, staff) -> Attachment | None:
    """An uploaded material of a case that ``staff`` may see."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or visible_case(attachment.application_id, staff) is None:
        return None
    return attachment


def item_ids_in_scope(staff) -> list[int]:
    """For list filters that take values: the items of the officer's groups (all items when unscoped)."""
    query = db.session.query(ServiceItem.id)
    groups = groups_of(staff)
    if groups:
        query = query.filter(ServiceItem.group.in_(groups))
    return [item_id for (item_id,) in query]


def provinces_in_scope(staff) -> list[str]:
    province = province_scope(staff)
    return [province] if province else ["", *PROVINCE_NAMES.values()]


def unknown_groups(text: str | None) -> list[str]:
    keys = group_keys()
    return [group for group in parse_groups(text) if group not in keys]
