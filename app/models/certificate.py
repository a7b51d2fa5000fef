"""电子证照 (manual chapter 六): the electronic registration certificate and its 加注 (endorsements)."""

import datetime
from typing import TYPE_CHECKING

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock

if TYPE_CHECKING:
    from app.models.registry import EnterpriseQualification, PersonRegistration


class ElectronicCertificate(Model):
    """One registration's electronic certificate, written when the certificate office issues it.

    An enterprise's qualification certificate (建筑业企业资质证书) names its qualification row instead of a
    registration; a lost certificate's replacement (遗失补办) is a new row with the next copy number, the
    old one revoked.
    """

    __tablename__ = "electronic_certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("person_registration.id"), unique=True)
    enterprise_qualification_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("enterprise_qualification.id"), index=True
    )
    copy_number: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")  # 副本号
    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # 证照编号
    issued_on: Mapped[datetime.date] = mapped_column(Date, nullable=False)  # 签发日期
    # 注销 of the certificate itself (the registration may also be cancelled)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)

    registration: Mapped["PersonRegistration"] = relationship("PersonRegistration")
    enterprise_qualification: Mapped["EnterpriseQualification | None"] = relationship("EnterpriseQualification")
    endorsements: Mapped[list["CertificateEndorsement"]] = relationship(
        "CertificateEndorsement",
        back_populates="certificate",
        order_by="CertificateEndorsement.id",
        cascade="all, delete-orphan",
    )


class CertificateEndorsement(Model):
    """证照加注: a purpose and a usage window; the certificate's data is signed (SM2 over SM3) at this moment."""

    __tablename__ = "certificate_endorsement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("electronic_certificate.id"), nullable=False, index=True
    )
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)  # bidding / own_record / other
    purpose_detail: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)
    valid_from: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[datetime.date] = mapped_column(Date, nullable=False)  # last day of the 使用有效期, inclusive
    public_code: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)  # what the QR code carries
    # The canonical JSON of what was signed: Text, not JSON, on purpose. The signature covers these exact
    # bytes; a JSON column would hand back a re-serialised value (another key order or spacing on
    # PostgreSQL) that no longer verifies.
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(160), nullable=False)  # SM2 signature (r || s), hex
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)  # which installation key signed it

    certificate: Mapped[ElectronicCertificate] = relationship(ElectronicCertificate, back_populates="endorsements")
    issued_files: Mapped[list["IssuedCertificateFile"]] = relationship(
        "IssuedCertificateFile", back_populates="endorsement", cascade="all, delete-orphan"
    )


class IssuedCertificateFile(Model):
    """The SHA-256 of a certificate file the portal handed out (a PDF or OFD, byte for byte as downloaded).

    证照核验 calls an uploaded file "the one the portal issued" only when its digest is here: the signed
    data a file carries proves the data, not the visible page around it.
    """

    __tablename__ = "issued_certificate_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    endorsement_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("certificate_endorsement.id"), nullable=False, index=True
    )
    format: Mapped[str] = mapped_column(String(8), nullable=False)  # pdf / ofd
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False, default=clock.now)

    endorsement: Mapped[CertificateEndorsement] = relationship(CertificateEndorsement, back_populates="issued_files")
