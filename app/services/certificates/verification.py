"""证照核验 of a file: a downloaded PDF or OFD certificate is checked by the signed data it carries, then
against the register (``lifecycle.verify_code``)."""

import io
import json
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import CertificateEndorsement
from app.services.certificates import lifecycle
from app.services.certificates.documents import SIGNATURE_ATTACHMENT
from app.services.errors import ServiceError

UPLOAD_LIMIT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class FileVerification:
    result: lifecycle.Verification
    file_matches: bool | None = None  # the file carries exactly what the portal signed for this code


def verify_file(data: bytes) -> FileVerification:
    """What a certificate file says and whether it holds; ServiceError (field ``document``) if it is none of ours.

    ``data`` is read at most one byte past UPLOAD_LIMIT_BYTES by the caller.
    """
    if not data:
        raise ServiceError.on("document", _l("Please choose a PDF or OFD certificate file"))
    if len(data) > UPLOAD_LIMIT_BYTES:
        raise ServiceError.on(
            "document", _l("The file is larger than %(mb)d MB", mb=UPLOAD_LIMIT_BYTES // (1024 * 1024))
        )
    signed = embedded_signature(data)
    if signed is None:
        raise ServiceError.on("document", _l("This file is not an electronic certificate issued by this portal"))
    if not lifecycle.verify_signed(signed.get("payload", ""), signed.get("signature", "")):
        return FileVerification(lifecycle.Verification(found=True, authentic=False, verdict=lifecycle.FORGED))
    code = json.loads(signed["payload"])["endorsement"]["code"]
    result = lifecycle.verify_code(code)
    return FileVerification(result, file_matches=result.found and _stored_payload(code) == signed["payload"])


def _stored_payload(code: str) -> str | None:
    endorsement = db.session.scalars(select(CertificateEndorsement).filter_by(public_code=code)).first()
    return endorsement.payload if endorsement else None


def embedded_signature(data: bytes) -> dict | None:
    """The signed payload a certificate file carries (PDF attachment or OFD attachment), if any."""
    name = SIGNATURE_ATTACHMENT
    try:
        if data.startswith(b"%PDF"):
            from pypdf import PdfReader

            found = PdfReader(io.BytesIO(data)).attachments.get(name)
            raw = found[0] if found else None
        elif data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                raw = package.read(f"Doc_0/Attachs/{name}") if f"Doc_0/Attachs/{name}" in package.namelist() else None
        else:
            return None
        signed = json.loads(raw) if raw else None
        return signed if isinstance(signed, dict) else None
    except Exception:  # noqa: BLE001 - any unreadable upload is simply "not one of ours"
        return None
