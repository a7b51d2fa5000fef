"""Copy the shipped service catalogue (``catalogue_data``) into the database."""

from app.extensions import db
from app.models import ServiceItem, ServiceMaterial
from app.seed.catalogue_data import ITEMS
from app.services.cases.groups import GROUPS


def seed_catalogue() -> int:
    """Create the items that are not there yet (by 事项编码); staff edits are kept."""
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
