"""What staff may change in the service catalogue (事项, 办事指南, 申请材料), checked and audited.

The back office edits the catalogue's rows (``ServiceItem``, ``ServiceMaterial``); the portal
reads them on every page (``catalogue``), so a change shows on the citizen's form at once. The
shipped definitions (app/seed/catalogue_data.py) are only the starting state.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from app.models import ServiceItem, ServiceMaterial
from app.services.cases.eligibility import FORM_FIELDS, QUALIFICATION_NAMES
from app.services.cases.groups import GROUPS
from app.services.errors import ServiceError
from app.services.platform import audit
from app.services.platform.storage import FORMAT_MIME

MAX_MATERIAL_SIZE_MB = 20  # the largest request the portal accepts (MAX_CONTENT_LENGTH)

# The kinds of online form the portal has: "<profession>_<action>".
ONLINE_ACTION_LABELS = {
    "initial": _l("Initial registration"),
    "renewal": _l("Renewal of registration"),
    "add_specialty": _l("Added specialty"),
    "change_employer": _l("Change of employer"),
    "cancel": _l("Cancellation of registration"),
    "reregister": _l("Re-registration"),
    "lost_replacement": _l("Replacement of a lost certificate"),
}


def online_kinds() -> dict:
    """Every online form the portal can offer, by kind code, with its name."""
    kinds = {}
    for qualification, name in QUALIFICATION_NAMES.items():
        profession = qualification.removesuffix("_1")
        for action in FORM_FIELDS:
            kinds[f"{profession}_{action}"] = (name, ONLINE_ACTION_LABELS[action])
    return kinds


def online_kind_label(kind: str | None):
    if not kind:
        return _l("Not open online")
    parts = online_kinds().get(kind)
    return f"{parts[0]} · {parts[1]}" if parts else kind


CATEGORY_LABELS = {
    "personal": _l("Personal administrative approval items"),
    "enterprise": _l("Enterprise administrative approval items"),
}
GROUP_NAMES = {group["key"]: group["name"] for group in GROUPS}


def check_item(item: ServiceItem) -> None:
    """Refuse an item the portal could not serve: unknown group, a group of the other category,
    an online form the portal does not have, a time limit beyond the legal one."""
    errors = {}
    category_of = {group["key"]: group["category"] for group in GROUPS}
    if item.group not in category_of:
        errors["group"] = _l("Choose a group of the catalogue")
    elif category_of[item.group] != item.category:
        errors["group"] = _l("This group belongs to the other category")
    if item.online_kind and item.online_kind not in online_kinds():
        errors["online_kind"] = _l("The portal has no online form of this kind")
    if (item.time_limit_days or 0) < 1 or (item.legal_time_limit_days or 0) < 1:
        errors["time_limit_days"] = _l("Time limits are at least one working day")
    elif item.time_limit_days > item.legal_time_limit_days:
        errors["time_limit_days"] = _l("The promised time limit cannot exceed the legal one")
    if errors:
        raise ServiceError(errors)


def normalise_formats(formats: str) -> str:
    """``"JPG, pdf"`` → ``"jpg,pdf"``; refuses a format the portal cannot check by content."""
    names = [name.strip().lower().lstrip(".") for name in (formats or "").replace("，", ",").split(",")]
    names = [name for name in dict.fromkeys(names) if name]
    unknown = [name for name in names if name not in FORMAT_MIME]
    if not names or unknown:
        raise ServiceError(
            {"formats": _l("Accepted formats: %(formats)s, separated by commas", formats=", ".join(FORMAT_MIME))}
        )
    return ",".join(names)


def check_material(material: ServiceMaterial) -> None:
    material.formats = normalise_formats(material.formats)
    if not 1 <= (material.max_size_mb or 0) <= MAX_MATERIAL_SIZE_MB:
        raise ServiceError(
            {"max_size_mb": _l("Between 1 and %(mb)s MB", mb=MAX_MATERIAL_SIZE_MB)},
        )
    if not (material.name or "").strip():
        raise ServiceError({"name": _l("Enter the name of the material")})


def changes(record) -> dict:
    """{column: [before, after]} of a record's unsaved changes (all its values when it is new)."""
    state = inspect(record)
    result = {}
    for attribute in state.mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            result[attribute.key] = [audit._plain(before), audit._plain(after)]
    return result


def record_change(record, *, actor=None, ip: str = "", action: str = "edit") -> None:
    """The audit row of a catalogue change; it commits with the change."""
    if isinstance(record, ServiceMaterial):
        item = record.item
        subject = f"{item.code if item else ''}/{record.name}"
        kind = "material"
    else:
        subject, kind = record.code, "item"
    audit.record(
        audit.AuditEvent.CATALOGUE_CHANGED,
        actor=actor,
        subject=subject,
        ip=ip,
        record=kind,
        action=action,
        changes=changes(record),
    )
