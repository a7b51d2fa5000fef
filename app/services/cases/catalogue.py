"""The catalogue of 事项 by category and group, and its reference data."""

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import ServiceItem, ServiceMaterial
from app.services.cases.groups import GROUPS
from app.services.platform import generations

CATEGORY_LABELS = {
    "personal": _l("Personal administrative approval items"),
    "enterprise": _l("Enterprise administrative approval items"),
}


def _touches_catalogue(session) -> bool:
    return any(isinstance(instance, ServiceItem | ServiceMaterial) for instance in generations.pending(session))


# The catalogue page's list is kept rendered per language under this number (templates/portal/services/index.html).
GENERATION = generations.Generation("catalogue:generation", _touches_catalogue, "the catalogue's generation")
view_key = GENERATION.current


def groups(category: str) -> list[tuple[dict, list[ServiceItem]]]:
    """[(group, items)] in catalogue order; groups without items are left out."""
    items = (
        db.session.query(ServiceItem).filter_by(category=category).order_by(ServiceItem.position, ServiceItem.id).all()
    )
    by_group: dict[str, list[ServiceItem]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item)
    return [
        (group, by_group[group["key"]])
        for group in GROUPS
        if group["category"] == category and group["key"] in by_group
    ]


def item_by_code(code: str) -> ServiceItem | None:
    """The item with this 事项编码, if the catalogue has it."""
    return db.session.query(ServiceItem).filter_by(code=code).one_or_none()
