"""Which certificate files the portal handed out, by SHA-256: 证照核验 calls an upload "the file the portal
issued" only when it is one of these byte for byte (the signed data inside proves the data, not the page)."""

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import CertificateEndorsement, IssuedCertificateFile


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(endorsement: CertificateEndorsement, fmt: str, data: bytes) -> None:
    """Note that ``data`` was handed out as ``endorsement``'s file (once per distinct file)."""
    digest = sha256(data)
    if db.session.scalar(select(IssuedCertificateFile.id).filter_by(sha256=digest)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(IssuedCertificateFile(endorsement_id=endorsement.id, format=fmt, sha256=digest))
    except IntegrityError:
        pass  # another request recorded the same file at the same moment


def issued_code(data: bytes) -> str | None:
    """The public code of the endorsement ``data`` was issued for, if the portal issued exactly this file."""
    return db.session.scalar(
        select(CertificateEndorsement.public_code)
        .join(IssuedCertificateFile, IssuedCertificateFile.endorsement_id == CertificateEndorsement.id)
        .where(IssuedCertificateFile.sha256 == sha256(data))
    )
