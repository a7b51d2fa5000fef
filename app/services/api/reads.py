"""What the API answers, as plain data: the public registers, 证照核验 and 受理发证信息查询 (the very answers
of the portal's pages, app/services/registers and app/services/certificates), and, for agencies, cases and
issued certificates within their data scope.

Lists are pages by cursor: an opaque token naming the last row returned; the next page starts after it,
so a page is an index range however deep it lies.
"""

import base64
import binascii
import datetime
import json
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.masking import mask_name
from app.models import (
    ApiClient,
    Application,
    CertificateEndorsement,
    ElectronicCertificate,
    EnterpriseQualification,
    PersonRegistration,
    ServiceItem,
)
from app.regions import PROVINCES
from app.services.api import clients
from app.services.cases.applications import tell
from app.services.cases.workflow import STATUS_LABELS, Status
from app.services.certificates import lifecycle, signing
from app.services.errors import ServiceError
from app.services.platform import audit
from app.services.registers import enterprises as enterprise_register
from app.services.registers import people
from app.services.registers.progress import progress_lookup

DEFAULT_LIMIT = 20
MAX_LIMIT = 50


# --- cursors ----------------------------------------------------------------------------------


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, types: tuple) -> list | None:
    """The values a cursor names (checked against ``types``), None without one; ServiceError if forged."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, types, strict=True))
    ):
        raise ServiceError.on("cursor", _l("This cursor is not one the API gave out"))
    return values


def _limit(limit: int | None) -> int:
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))


def _province(province: str | None) -> str | None:
    province = (province or "").strip()
    if province and province not in PROVINCES:
        raise ServiceError.on("province", _l("Not a province (write it as 北京市, 广东省 ...)"))
    return province or None


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


# --- registers (public) -------------------------------------------------------------------------


def _person(hit) -> dict[str, Any]:
    return {
        "registration_number": hit.registration_number,
        "name": hit.name,
        "document": hit.document,
        "qualification": hit.qualification,
        "qualification_label": str(hit.qualification_label),
        "employer_name": hit.employer_name,
        "employer_uscc": hit.employer_uscc,
        "province": hit.province,
        "specialties": [{"specialty": s.specialty, "valid_to": _iso(s.valid_to)} for s in hit.specialties],
        "valid_from": _iso(hit.valid_from),
        "valid_to": _iso(hit.valid_to),
        "status": hit.status,
        "status_label": str(hit.status_label),
    }


def persons(
    *, registration_number: str | None, name: str | None, province: str | None, cursor: str | None, limit: int | None
) -> tuple[list[dict], str | None]:
    """人员资格查询 by registration number, or by name (a prefix) within a province or all of them."""
    registration_number = re.sub(r"\s+", "", registration_number or "").upper() or None
    name = (name or "").strip() or None
    if not registration_number and not name:
        raise ServiceError.on("name", _l("Give a registration number, or a name (and a province)"))
    filters = people.person_filters(name=name, registration_number=registration_number, province=_province(province))
    after = decode_cursor(cursor, (int,))
    PR = PersonRegistration
    statement = select(PR).where(*filters).options(selectinload(PR.specialties)).order_by(PR.id)
    if after:
        statement = statement.where(PR.id > after[0])
    size = _limit(limit)
    rows = db.session.scalars(statement.limit(size + 1)).all()
    today = clock.today()
    shown = rows[:size]
    next_cursor = encode_cursor([shown[-1].id]) if len(rows) > size else None
    return [_person(people._person_hit(row, today)) for row in shown], next_cursor


def person_record(registration_number: str) -> dict | None:
    """One holder by a registration number: every registration they hold and the register's history."""
    detail = people.person_detail(registration_number)
    if detail is None:
        return None
    return {
        "name": detail.name,
        "document": detail.document,
        "registrations": [_person(hit) for hit in detail.registrations],
        "history": [
            {"event": str(entry.event), "detail": entry.detail, "at": _iso(entry.at), "on": _iso(entry.on)}
            for entry in detail.history
        ],
    }


def _qualification(line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "qualification": line.qualification,
        "grade": line.grade,
        "certificate_number": line.certificate_number,
        "valid_from": _iso(line.valid_from),
        "valid_to": _iso(line.valid_to),
        "is_valid": line.is_valid,
    }


def enterprises(
    *, uscc: str | None, name: str | None, cursor: str | None, limit: int | None
) -> tuple[list[dict], str | None]:
    """企业资质查询 by USCC or by name (a prefix), one entry per enterprise, in name order."""
    uscc = re.sub(r"\s+", "", uscc or "").upper() or None
    name = (name or "").strip() or None
    if not uscc and not name:
        raise ServiceError.on("name", _l("Give a unified social credit code or an enterprise name"))
    EQ = EnterpriseQualification
    statement = enterprise_register.enterprise_search_statement(uscc=uscc, name=name)
    after = decode_cursor(cursor, (str, str))
    if after:
        statement = statement.where(
            or_(EQ.enterprise_name > after[0], and_(EQ.enterprise_name == after[0], EQ.uscc > after[1]))
        )
    size = _limit(limit)
    rows = db.session.execute(statement.limit(size + 1)).all()
    shown = rows[:size]
    today = clock.today()
    lines: dict[tuple[str, str], list] = {}
    if shown:
        for row in db.session.scalars(
            select(EQ).where(
                EQ.uscc.in_({code for _n, code in shown}), *enterprise_register.enterprise_filters(name=name)
            )
        ):
            lines.setdefault((row.enterprise_name, row.uscc), []).append(row)
    items = []
    for enterprise_name, code in shown:
        matched = sorted(lines.get((enterprise_name, code), []), key=enterprise_register._qualification_order)
        items.append(
            {
                "name": enterprise_name,
                "uscc": code,
                "province": next((line.province for line in matched if line.province), ""),
                "qualifications": [
                    _qualification(enterprise_register._qualification_line(line, today)) for line in matched
                ],
            }
        )
    next_cursor = encode_cursor(list(shown[-1])) if len(rows) > size else None
    return items, next_cursor


def enterprise_record(uscc: str) -> dict | None:
    detail = enterprise_register.enterprise_detail(uscc)
    if detail is None:
        return None
    return {
        "name": detail.name,
        "uscc": detail.uscc,
        "province": detail.province,
        "qualifications": [_qualification(line) for line in detail.qualifications],
        "registered_persons": [
            {
                "name": person.name,
                "qualification_label": str(person.qualification_label),
                "registration_number": person.registration_number,
                "valid_to": _iso(person.valid_to),
            }
            for person in detail.people.items
        ],
    }


# --- 证照核验 and 受理发证信息查询 (public) --------------------------------------------------------


def certificate_verification(code: str) -> dict | None:
    """The 证照核验 page's answer for an endorsement code, with the SM2 signature it checked."""
    result = lifecycle.verify_code(code)
    if not result.found:
        return None
    endorsement = db.session.scalar(select(CertificateEndorsement).filter_by(public_code=code))
    public_key = (endorsement and signing.public_key_for(endorsement.key_id)) or signing.installation_key().public_key
    data = dict(result.data or {})
    if data and not data.get("uscc"):
        data["holder_name"] = mask_name(data.get("holder_name"))
    return {
        "code": code,
        "authentic": result.authentic,
        "valid": result.valid,
        "verdict": result.verdict,
        "verdict_label": result.verdict_label,
        "certificate": {
            key_: data.get(key_)
            for key_ in (
                "number",
                "kind",
                "holder_name",
                "registration_number",
                "employer",
                "uscc",
                "issued_on",
                "authority",
            )
            if data.get(key_) is not None
        }
        if result.authentic
        else None,
        "endorsement": {
            "valid_from": (result.endorsement or {}).get("valid_from"),
            "valid_to": (result.endorsement or {}).get("valid_to"),
            "purpose": (result.endorsement or {}).get("purpose"),
        }
        if result.authentic
        else None,
        "signature": {
            "algorithm": "SM2-with-SM3",
            "value": endorsement.signature if endorsement else "",
            "key_id": endorsement.key_id if endorsement else "",
            "public_key": "04" + public_key,
            "retired_keys": [
                {
                    "key_id": retired["key_id"],
                    "public_key": "04" + retired["public_key"],
                    "retired_at": retired["retired_at"],
                }
                for retired in signing.retired_keys()
            ],
        },
    }


def case_progress(number: str, applicant: str) -> dict | None:
    result = progress_lookup(number, applicant)
    if result is None:
        return None
    return {
        "number": result.number,
        "item_name": result.item_name,
        "applicant": result.applicant,
        "status": result.status,
        "status_label": str(result.status_label),
        "submitted_at": _iso(result.submitted_at),
        "accepted_at": _iso(result.accepted_at),
        "decision": str(result.decision) if result.decision is not None else None,
        "decided_at": _iso(result.decided_at),
        "certificate_number": result.certificate_number,
        "steps": [
            {"time": _iso(step.time), "step": str(step.step), "result": str(step.result), "office": step.office}
            for step in result.steps
        ],
    }


# --- cases and certificates (agencies) ------------------------------------------------------------


def _case(application: Application, *, events: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": application.number,
        "item_code": application.item.code if application.item else "",
        "item_name": application.item.name if application.item else "",
        "status": application.status,
        "status_label": str(STATUS_LABELS.get(application.status, application.status)),
        "province": application.province,
        "applicant": mask_name(application.applicant_name),
        "submitted_at": _iso(application.submitted_at),
        "updated_at": _iso(application.updated_at),
        "due_on": _iso(application.due_on),
    }
    if events:
        data["events"] = [
            {
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "office": event.office,
                "at": _iso(event.created_at),
            }
            for event in application.events
        ]
    return data


def cases(
    client: ApiClient, *, item: str | None, status: str | None, cursor: str | None, limit: int | None
) -> tuple[list[dict], str | None]:
    """Cases in the client's data scope (never drafts), by item code and status, oldest first."""
    statement = (
        select(Application)
        .where(Application.status != Status.DRAFT, Application.number.is_not(None), clients.case_condition(client))
        .options(selectinload(Application.item), selectinload(Application.account))
        .order_by(Application.id)
    )
    if item:
        statement = statement.where(
            Application.item_id.in_(select(ServiceItem.id).where(ServiceItem.code == item.strip()).scalar_subquery())
        )
    if status:
        if status not in STATUS_LABELS or status == Status.DRAFT:
            raise ServiceError.on("status", _l("Unknown status"))
        statement = statement.where(Application.status == status)
    after = decode_cursor(cursor, (int,))
    if after:
        statement = statement.where(Application.id > after[0])
    size = _limit(limit)
    rows = db.session.scalars(statement.limit(size + 1)).all()
    shown = rows[:size]
    next_cursor = encode_cursor([shown[-1].id]) if len(rows) > size else None
    return [_case(row) for row in shown], next_cursor


def _visible_case(client: ApiClient, number: str) -> Application | None:
    number = re.sub(r"\s+", "", number or "").upper()
    if not number or len(number) > 32:
        return None
    application = db.session.scalar(select(Application).filter_by(number=number))
    if application is None or application.status == Status.DRAFT or not clients.case_in_scope(application, client):
        return None  # outside the scope is "no such case": numbers cannot be probed
    return application


def case_detail(client: ApiClient, number: str) -> dict | None:
    application = _visible_case(client, number)
    return _case(application, events=True) if application is not None else None


def post_case_message(client: ApiClient, number: str, title: str, body: str, *, ip: str = "") -> dict | None:
    """An agency's message to the applicant's 我的消息 (scope cases:write); the caller commits."""
    application = _visible_case(client, number)
    if application is None:
        return None
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title or len(title) > 100:
        errors["title"] = _l("A title of 1 to 100 characters")
    if not body or len(body) > 2000:
        errors["body"] = _l("A message of 1 to 2000 characters")
    if errors:
        raise ServiceError(errors)
    tell(application.account, application, f"{client.name}：{title}", body)
    audit.record(
        "api.case_message", account=application.account, subject=application.number, ip=ip, client=client.client_id
    )
    return {"number": application.number, "title": f"{client.name}：{title}"}


def certificate(client: ApiClient, number: str) -> dict | None:
    """An issued electronic certificate's data (what it prints and signs), if in the client's province."""
    number = re.sub(r"\s+", "", number or "").upper()
    if not number or len(number) > 40:
        return None
    found = db.session.scalar(select(ElectronicCertificate).filter_by(number=number))
    if found is None:
        return None
    province = (
        found.enterprise_qualification.province if found.enterprise_qualification else found.registration.province
    )
    if client.case_province and province != client.case_province:
        return None
    return {
        "number": found.number,
        "copy_number": found.copy_number,
        "issued_on": _iso(found.issued_on),
        "status": lifecycle.status_of(found, clock.today()),
        "province": province or "",
        "data": lifecycle.certificate_data(found),
    }
