"""登记管理员 correct the public registers (注册人员, 企业资质): a reason always, an audit row always."""

from flask_babel import lazy_gettext as _l

from app.models import EnterpriseQualification, PersonRegistration
from app.services.cases.catalogue_admin import changes
from app.services.errors import ServiceError
from app.services.platform import audit

REASON_MAX = 500


def correct(record, *, reason: str, actor=None, ip: str = "") -> dict:
    """Audit the unsaved correction of ``record``; refuse it without a reason. Returns the changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"correction_reason": _l("Give the reason for the correction")})
    if len(reason) > REASON_MAX:
        raise ServiceError({"correction_reason": _l("At most %(n)d characters", n=REASON_MAX)})
    changed = changes(record)
    if isinstance(record, PersonRegistration):
        register, subject = "person", record.registration_number
    elif isinstance(record, EnterpriseQualification):
        register, subject = "enterprise", record.certificate_number
    else:
        raise ValueError(f"not a register entry: {record!r}")
    audit.record(
        audit.AuditEvent.REGISTER_CORRECTED,
        actor=actor,
        subject=subject,
        ip=ip,
        register=register,
        reason=reason,
        changes=changed,
    )
    return changed
