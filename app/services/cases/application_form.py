"""What the online application and correction pages ask and show, from the item's definition.

The pages build their forms from ``FieldDefinition``s (the fields an item's kind of
registration asks for); the rules stay in ``eligibility`` and ``corrections``.
"""

from dataclasses import dataclass, field

from app.models import Application, ServiceItem
from app.services.cases import corrections, eligibility, enterprise_items
from app.services.cases.eligibility import BASIC_FIELDS, FIELD_LABELS, FORM_FIELDS, Prefill
from app.services.cases.uploads import current_attachments
from app.services.cases.workflow import RETURNED_STATUSES

DATE_FIELDS = {"graduation_date"}
CHOICE_FIELDS = {"specialty"}


@dataclass(frozen=True)
class FieldDefinition:
    name: str
    label: object  # lazy message
    kind: str = "text"  # text, date or choice
    choices: tuple[str, ...] = ()


def definition(name: str, choices=()) -> FieldDefinition:
    kind = "date" if name in DATE_FIELDS else "choice" if name in CHOICE_FIELDS else "text"
    return FieldDefinition(name, FIELD_LABELS[name], kind, tuple(choices) if kind == "choice" else ())


def field_definitions(known: Prefill) -> list[FieldDefinition]:
    """The basic fields, then those of this kind of registration."""
    specialties = eligibility.specialty_choices(known)
    return [definition(name, specialties) for name in BASIC_FIELDS + FORM_FIELDS[known.action]]


@dataclass
class ApplyPage:
    known: Prefill
    draft: Application | None
    data: dict  # what the draft holds
    problems: list  # why the person may not apply (empty: they may)
    fields: list[FieldDefinition] = field(default_factory=list)

    @property
    def field_names(self) -> tuple[str, ...]:
        return FORM_FIELDS[self.known.action]

    @property
    def specialties(self) -> list[str]:
        return eligibility.specialty_choices(self.known)


def apply_page(account, item: ServiceItem) -> ApplyPage:
    known = eligibility.prefill(account, item)
    draft = eligibility.draft_of(account, item)
    return ApplyPage(
        known=known,
        draft=draft,
        data=draft.data if draft else {},
        problems=eligibility.eligibility_problems(account, item),
        fields=field_definitions(known),
    )


@dataclass
class EnterpriseApplyPage:
    """建筑业企业资质认定（变更-遗失补办）: the register's prefill, the draft, why the company may not file."""

    known: enterprise_items.EnterprisePrefill
    draft: Application | None
    data: dict
    problems: list

    def materials_for(self, item: ServiceItem) -> list[tuple]:
        """(material, the changes that ask for it ("*": every case), the changes that make it required)."""
        return [
            (m, enterprise_items.material_changes(m), enterprise_items.REQUIRED_FOR.get(m.name, ()))
            for m in item.materials
        ]


def enterprise_apply_page(account, item: ServiceItem) -> EnterpriseApplyPage:
    draft = eligibility.draft_of(account, item)
    return EnterpriseApplyPage(
        known=enterprise_items.prefill(account, item),
        draft=draft,
        data=draft.data if draft else {},
        problems=eligibility.eligibility_problems(account, item),
    )


@dataclass
class CorrectionPage:
    case: Application | None
    returned: bool  # the case waits for a correction (补正)
    information_change: bool  # no case waits: the person may ask to correct their information
    flagged_fields: list[FieldDefinition]  # the filled-in fields the return names
    data: dict  # what the case holds
    request_info: dict  # the return: reason and defects
    flagged: set  # the material ids the return names
    attachments: dict  # current attachment by material id
    versions: dict  # every version uploaded for the case by material id, newest first (历史附件)

    @property
    def open(self) -> bool:
        return self.returned or self.information_change


def correction_page(account, item: ServiceItem) -> CorrectionPage:
    case = eligibility.latest_case(account, item)
    returned = bool(case is not None and case.status in RETURNED_STATUSES)
    flagged_names = sorted(corrections.flagged_fields(case)) if case is not None and returned else []
    return CorrectionPage(
        case=case,
        returned=returned,
        information_change=not returned and corrections.can_change_information(account, item),
        flagged_fields=[definition(name) for name in flagged_names],
        data=case.data if case else {},
        request_info=corrections.correction_request(case) if case else {},
        flagged=corrections.flagged_materials(case) if case else set(),
        attachments=current_attachments(case),
        versions=attachment_versions(case),
    )


def attachment_versions(case: Application | None) -> dict:
    """Every attachment of the applicant's own case by material id, newest version first."""
    versions: dict[int, list] = {}
    for attachment in case.attachments if case is not None else ():
        versions.setdefault(attachment.material_id, []).append(attachment)
    return {mid: sorted(rows, key=lambda a: a.version, reverse=True) for mid, rows in versions.items()}


def correct(account, item: ServiceItem, page: CorrectionPage, *, field_values: dict, **common) -> Application:
    """Resubmit the returned case, or, when none waits, file an information change as a new case.

    ``common``: changes, uploads, commitment, sms_check, ip (see ``corrections``).
    """
    if page.returned and page.case is not None:
        return corrections.resubmit(account, page.case, field_values=field_values, **common)
    return corrections.request_information_change(account, item, **common)


# --- what an officer reads of a case: the form's own labels, the materials with their versions ---

# Every field a form of ours asks, in the order the forms ask them.
FIELD_ORDER = BASIC_FIELDS + tuple(dict.fromkeys(name for names in FORM_FIELDS.values() for name in names))


@dataclass(frozen=True)
class FilledField:
    name: str
    label: object  # the application form's label (lazy)
    value: str


@dataclass(frozen=True)
class MaterialVersions:
    name: str
    required: bool
    versions: tuple  # Attachment, newest first; empty: nothing uploaded


def filled_in_fields(application: Application) -> list[FilledField]:
    """The fields the applicant filled in, under the labels the application form showed them."""
    data = application.data or {}
    return [
        FilledField(name, FIELD_LABELS[name], data[name])
        for name in FIELD_ORDER
        if isinstance(data.get(name), str) and data[name]
    ]


def materials_with_versions(application: Application) -> list[MaterialVersions]:
    """Each material of the item by its name, with every version uploaded for this case (历史附件)."""
    by_material: dict[int, list] = {}
    for attachment in application.attachments:
        by_material.setdefault(attachment.material_id, []).append(attachment)
    materials = list(application.item.materials) if application.item else []
    known = {material.id for material in materials}
    rows = [
        MaterialVersions(
            material.name,
            material.required,
            tuple(sorted(by_material.get(material.id, []), key=lambda a: a.version, reverse=True)),
        )
        for material in materials
    ]
    # a material since removed from the catalogue still shows what was uploaded for it
    for material_id, attachments in by_material.items():
        if material_id not in known:
            name = attachments[0].material.name if attachments[0].material else ""
            rows.append(
                MaterialVersions(name, False, tuple(sorted(attachments, key=lambda a: a.version, reverse=True)))
            )
    return rows
