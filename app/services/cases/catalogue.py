"""The catalogue of 事项 by category and group, and its reference data."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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


_HEADINGS = "portal_catalogue_headings"


def heading(code: str) -> tuple[str, str] | None:
    """(name, category) of the item with this 事项编码, or None when the catalogue has none: what a 办事指南 shows
    around its kept body. The whole catalogue's (code, name, category) rows are read once per process and
    generation (a few hundred short rows), so that a guide asks the database nothing, nor for an unknown code."""
    generation = GENERATION.current()
    kept = current_app.extensions.get(_HEADINGS)
    if kept is None or kept[0] != generation:
        rows = db.session.execute(select(ServiceItem.code, ServiceItem.name, ServiceItem.category))
        kept = (generation, {code: (name, category) for code, name, category in rows})
        current_app.extensions[_HEADINGS] = kept
    return kept[1].get(code)
