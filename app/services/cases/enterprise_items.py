"""Enterprise items online (manual chapter 四): 建筑业企业资质认定（变更-遗失补办）.

A company signed in with its 法人 account, its legal representative's face
checked, files the change of its name, address, registered capital or legal
representative, or the replacement of a lost certificate. The form is prefilled
from the qualification register; the company ticks what changed and is asked
only for those fields and materials. The rules:

* only a legal-entity account files an enterprise item;
* the company holds a valid 建筑业企业 qualification of the ministry's level (特级, 一级);
* a new name must be the one on the business licence (the company states it twice);
* a new legal representative must be the one the enterprise register records, when it knows the company;
* a lost certificate must be one the company holds;
* one open case per company and item (whichever of its accounts filed it).

Issuing writes the register and the electronic certificate (``enterprise_register``).
"""

import datetime
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.masking import mask_document
from app.models import Account, Application, EnterpriseQualification, EnterpriseRegisterEntry, ServiceItem
from app.services.accounts import identity_documents as docs
from app.services.cases import real_estate
from app.services.cases.enterprise_fields import (
    CAPITAL,
    CHANGE_FIELDS,
    CHANGE_KINDS,
    CHANGE_LABELS,
    ENTERPRISE_FIELD_LABELS,
    LEGAL_REP,
    LOST,
    NAME,
)
from app.services.cases.workflow import OPEN_STATUSES

ONLINE_KINDS = {  # online kind → register kind
    "construction_enterprise_change": "建筑业企业",
    real_estate.ONLINE_KIND: real_estate.REGISTER_KIND,  # its own sub-system (real_estate)
}
MINISTRY_GRADES = ("特级", "一级")  # 建筑业企业资质 the ministry grants (部级审批)
RECORD_CHANGES = ("name", "address", "capital", "legal_rep")  # changes registered by 市场监督管理部门
MAX_CAPITAL = 100_000_000  # 万元

# Which materials (by their catalogue name) each change asks for; "*" for every case.
MATERIAL_CHANGES: dict[str, tuple[str, ...] | str] = {
    "建筑业企业资质证书变更（补办）申请表": "*",
    "企业法人营业执照": "*",
    "市场监督管理部门核准变更证明": RECORD_CHANGES,
    "原建筑业企业资质证书": RECORD_CHANGES,
    "遗失声明": (LOST,),
    "股东会或者董事会决议": (LEGAL_REP,),
    "法定代表人身份证明": (LEGAL_REP,),
}
# Materials required only when the change needs them (the catalogue marks them optional).
REQUIRED_FOR = {
    "市场监督管理部门核准变更证明": RECORD_CHANGES,
    "遗失声明": (LOST,),
    "法定代表人身份证明": (LEGAL_REP,),
}


def is_enterprise_item(item: ServiceItem | None) -> bool:
    return item is not None and item.online_kind in ONLINE_KINDS


def register_kind(item: ServiceItem) -> str:
    return ONLINE_KINDS[item.online_kind or ""]


@dataclass
class EnterprisePrefill:
    """What the qualification register says of the company: the form's prefill and the reviewers' comparison."""

    uscc: str
    name: str
    address: str
    registered_capital: str
    legal_rep_name: str
    qualifications: list = field(default_factory=list)  # EnterpriseQualification rows of the item's kind

    def valid_qualifications(self, today: datetime.date) -> list:
        return [q for q in self.qualifications if q.valid_to >= today]

    def ministry_level(self, today: datetime.date) -> list:
        return [q for q in self.valid_qualifications(today) if q.grade in MINISTRY_GRADES]

    @property
    def certificate_numbers(self) -> list[str]:
        return sorted({q.certificate_number for q in self.qualifications})


def uscc_of(account: Account) -> str:
    enterprise = account.enterprise if account.kind == "legal" else None
    return enterprise.uscc if enterprise is not None else ""


def prefill(account: Account, item: ServiceItem) -> EnterprisePrefill:
    uscc = uscc_of(account)
    rows = (
        db.session.query(EnterpriseQualification)
        .filter_by(uscc=uscc, kind=register_kind(item))
        .order_by(EnterpriseQualification.id)
        .all()
        if uscc
        else []
    )
    enterprise = account.enterprise
    first = rows[0] if rows else None
    return EnterprisePrefill(
        uscc=uscc,
        name=first.enterprise_name if first else (enterprise.name if enterprise else ""),
        address=first.address if first else "",
        registered_capital=first.registered_capital if first else "",
        legal_rep_name=(first.legal_rep_name if first else "") or (enterprise.legal_rep_name if enterprise else ""),
        qualifications=rows,
    )


def open_case(account: Account, item: ServiceItem) -> Application | None:
    """The company's open case of this item, whichever of its accounts filed it."""
    uscc = uscc_of(account)
    query = db.session.query(Application).filter(Application.item_id == item.id, Application.status.in_(OPEN_STATUSES))
    if uscc:
        accounts = (
            db.session.query(Account.id).join(Account.enterprise).filter(Account.kind == "legal").filter_by(uscc=uscc)
        )
        query = query.filter(Application.account_id.in_(accounts.scalar_subquery()))
    else:
        query = query.filter(Application.account_id == account.id)
    return query.order_by(Application.id.desc()).first()


def eligibility_problems(account: Account, item: ServiceItem, today: datetime.date | None = None) -> list:
    """Why this account may not file this enterprise item today (empty: it may)."""
    if real_estate.is_real_estate_item(item):
        return real_estate.eligibility_problems(account, item, today)
    today = today or clock.today()
    if account.kind != "legal":
        return [_l("Enterprise items are applied for with a legal-entity account: sign in as the company")]
    problems = []
    known = prefill(account, item)
    if not known.ministry_level(today):
        problems.append(
            _l(
                "Your company holds no valid %(kind)s qualification of a grade the ministry grants (%(grades)s)",
                kind=register_kind(item),
                grades="、".join(MINISTRY_GRADES),
            )
        )
    if open_case(account, item) is not None:
        problems.append(_l("Your company already has a case of this item in progress; follow it in My cases"))
    return problems


def chosen_changes(data: dict) -> list[str]:
    raw = data.get("changes") or ""
    values = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    chosen = {str(v).strip() for v in values}
    return [kind for kind in CHANGE_KINDS if kind in chosen]


def fields_for(changes: list[str]) -> tuple[str, ...]:
    return tuple(name for kind in changes for name in CHANGE_FIELDS[kind])


def _capital(value: str) -> str | None:
    """ "5000" or "5,000.5" (万元) → "5000" / "5000.5"; None when it is not a positive amount."""
    text = value.replace(",", "").replace("，", "").strip()
    if not re.fullmatch(r"\d{1,9}(\.\d{1,4})?", text):
        return None
    amount = float(text)
    if amount <= 0 or amount > MAX_CAPITAL:
        return None
    return text.rstrip("0").rstrip(".") if "." in text else text


def form_problems(account: Account, item: ServiceItem, data: dict, today: datetime.date | None = None) -> dict:
    if real_estate.is_real_estate_item(item):
        return real_estate.form_problems(account, item, data, today)
    known = prefill(account, item)
    changes = chosen_changes(data)
    errors: dict = {}
    if not changes:
        return {"changes": _l("Choose what changed")}
    value = {name: (data.get(name) or "").strip() for name in fields_for(changes)}
    for name, text in value.items():
        if not text:
            errors[name] = _l("This field is required")
    if NAME in changes and value["new_name"]:
        if value["new_name"] == known.name:
            errors["new_name"] = _l("This is already the enterprise's name in the register")
        elif value["licence_name"] and value["licence_name"] != value["new_name"]:
            errors["licence_name"] = _l("The new name must be exactly the name on the business licence")
    if "address" in changes and value["new_address"] and value["new_address"] == known.address:
        errors["new_address"] = _l("This is already the enterprise's address in the register")
    if CAPITAL in changes and value["new_capital"]:
        amount = _capital(value["new_capital"])
        if amount is None:
            errors["new_capital"] = _l("Enter the registered capital in 10,000 yuan, for example 5000")
        elif amount == known.registered_capital:
            errors["new_capital"] = _l("This is already the enterprise's registered capital in the register")
    if LEGAL_REP in changes and value["new_legal_rep_id"]:
        errors.update(_legal_rep_problems(known, value["new_legal_rep_name"], value["new_legal_rep_id"]))
    if LOST in changes and value["lost_certificate_number"]:
        if value["lost_certificate_number"].upper() not in known.certificate_numbers:
            errors["lost_certificate_number"] = _l("Your company holds no certificate with this number")
    return errors


def corrected_data_problems(data: dict) -> dict:
    """A returned field corrected (补正) must still agree with the rest: the new name with the licence's."""
    if NAME in chosen_changes(data) and data.get("new_name") != data.get("licence_name"):
        message = _l("The new name must be exactly the name on the business licence")
        return {"field_licence_name" if "licence_name" in data else "field_new_name": message, "__all__": message}
    return {}


def _legal_rep_problems(known: EnterprisePrefill, name: str, number: str) -> dict:
    try:
        parsed = docs.validate_document(docs.DocumentType.RESIDENT_ID.value, number)
    except docs.DocumentError as error:
        return {"new_legal_rep_id": error.message}
    if name == known.legal_rep_name:
        return {"new_legal_rep_name": _l("This is already the enterprise's legal representative in the register")}
    entry = db.session.query(EnterpriseRegisterEntry).filter_by(uscc=known.uscc).first()
    if entry is not None and (entry.legal_rep_name != name or entry.legal_rep_document_number != parsed.number):
        return {
            "new_legal_rep_name": _l(
                "The enterprise register does not record this person as your legal representative: "
                "register the change with the market regulator first"
            )
        }
    return {}


def clean_data(account: Account, item: ServiceItem, data: dict) -> dict:
    """What the case keeps: the changes, their fields, and the register's values when filed (the comparison)."""
    if real_estate.is_real_estate_item(item):
        return real_estate.clean_data(account, data)
    known = prefill(account, item)
    changes = chosen_changes(data)
    cleaned = {name: (data.get(name) or "").strip()[:300] for name in fields_for(changes)}
    if "new_capital" in cleaned:
        cleaned["new_capital"] = _capital(cleaned["new_capital"]) or cleaned["new_capital"]
    if "lost_certificate_number" in cleaned:
        cleaned["lost_certificate_number"] = cleaned["lost_certificate_number"].upper()
    if "new_legal_rep_id" in cleaned:
        cleaned["new_legal_rep_id"] = cleaned["new_legal_rep_id"].upper()
    return {
        "changes": ",".join(changes),
        **cleaned,
        "uscc": known.uscc,
        "enterprise_name": known.name,
        "register_before": {
            "name": known.name,
            "address": known.address,
            "capital": known.registered_capital,
            "legal_rep": known.legal_rep_name,
        },
    }


def material_changes(material) -> tuple[str, ...] | str:
    return MATERIAL_CHANGES.get(material.name, "*")


def relevant_materials(item: ServiceItem, data: dict) -> list:
    """The materials the chosen changes ask for (all of them while nothing is chosen)."""
    changes = set(chosen_changes(data))
    if not changes:
        return list(item.materials)
    return [m for m in item.materials if material_changes(m) == "*" or changes & set(material_changes(m))]


def required_materials(item: ServiceItem, data: dict) -> list:
    if real_estate.is_real_estate_item(item):
        return [m for m in item.materials if m.required]
    changes = set(chosen_changes(data))
    return [
        m
        for m in relevant_materials(item, data)
        if m.required or (m.name in REQUIRED_FOR and changes & set(REQUIRED_FOR[m.name]))
    ]


@dataclass(frozen=True)
class ComparisonRow:
    label: object
    register: str  # what the register says now
    requested: str  # what the case asks for ("" when unchanged)


def comparison(application: Application) -> list[ComparisonRow]:
    """For reviewers: each changed item of the case beside the register as it is now."""
    if real_estate.is_real_estate_item(application.item):
        return []  # its own tables (real_estate.summary)
    data = application.data or {}
    known = prefill(application.account, application.item)
    changes = chosen_changes(data)
    rows = [
        ComparisonRow(CHANGE_LABELS[NAME], known.name, data.get("new_name", "") if NAME in changes else ""),
        ComparisonRow(
            ENTERPRISE_FIELD_LABELS["licence_name"], "", data.get("licence_name", "") if NAME in changes else ""
        ),
        ComparisonRow(CHANGE_LABELS["address"], known.address, data.get("new_address", "")),
        ComparisonRow(CHANGE_LABELS[CAPITAL], known.registered_capital, data.get("new_capital", "")),
        ComparisonRow(
            CHANGE_LABELS[LEGAL_REP],
            known.legal_rep_name,
            (
                f"{data.get('new_legal_rep_name', '')}（{mask_document('resident_id', data.get('new_legal_rep_id', ''))}）"
                if LEGAL_REP in changes
                else ""
            ),
        ),
        ComparisonRow(
            CHANGE_LABELS[LOST],
            "、".join(known.certificate_numbers),
            (f"{data.get('lost_certificate_number', '')}：{data.get('loss_statement', '')}" if LOST in changes else ""),
        ),
    ]
    return [row for row in rows if row.requested or row.label is not ENTERPRISE_FIELD_LABELS["licence_name"]]


def province_of(data: dict) -> str:
    from app.regions import province_of as region_province

    return region_province(data.get("uscc") or "", None)
