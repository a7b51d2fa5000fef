"""The catalogue of 事项 by category and group, and its reference data."""

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import ServiceItem, ServiceMaterial

CATEGORY_LABELS = {
    "personal": _l("Personal administrative approval items"),
    "enterprise": _l("Enterprise administrative approval items"),
}


def groups(category: str) -> list[tuple[dict, list[ServiceItem]]]:
    """[(group, items)] in catalogue order; groups without items are left out."""
    from app.seed.catalogue_data import GROUPS

    items = (
        db.session.query(ServiceItem).filter_by(category=category).order_by(ServiceItem.position, ServiceItem.id).all()
    )
    by_group = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    return [
        (group, by_group[group["key"]])
        for group in GROUPS
        if group["category"] == category and group["key"] in by_group
    ]


def seed_catalogue() -> int:
    """Create the items that are not there yet (by 事项编码); staff edits are kept."""
    from app.seed.catalogue_data import GROUPS, ITEMS

    category_of = {group["key"]: group["category"] for group in GROUPS}
    existing = {code for (code,) in db.session.query(ServiceItem.code)}
    created = 0
    for position, data in enumerate(ITEMS):
        if data["code"] in existing:
            continue
        item = ServiceItem(
            code=data["code"],
            category=category_of[data["group"]],
            group=data["group"],
            position=position,
            name=data["name"],
            legal_basis=data["legal_basis"],
            conditions=data["conditions"],
            process=data["process"],
            time_limit_days=data["time_limit_days"],
            legal_time_limit_days=data["legal_time_limit_days"],
            fee=data["fee"],
            phone=data["phone"],
            location=data["location"],
            online_kind=data["online_kind"],
        )
        for index, material in enumerate(data["materials"]):
            item.materials.append(
                ServiceMaterial(
                    position=index,
                    name=material["name"],
                    required=material["required"],
                    formats=material["formats"],
                    max_size_mb=material["max_size_mb"],
                    description=material.get("description", ""),
                )
            )
        db.session.add(item)
        created += 1
    return created
