"""电子证照 (manual chapter 六): the electronic registration certificate and its 加注 (endorsements)."""

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app import clock


class ElectronicCertificate(Model):
    """One registration's electronic certificate, written when the certificate office issues it."""

    __tablename__ = "electronic_certificate"

    id = Column(Integer, primary_key=True)
    registration_id = Column(Integer, ForeignKey("person_registration.id"), nullable=False, unique=True)
    number = Column(String(40), nullable=False, unique=True)  # 证照编号
    issued_on = Column(Date, nullable=False)  # 签发日期
    revoked_at = Column(DateTime)  # 注销 of the certificate itself (the registration may also be cancelled)
    created_at = Column(DateTime, nullable=False, default=clock.now)

    registration = relationship("PersonRegistration")
    endorsements = relationship(
        "CertificateEndorsement",
        back_populates="certificate",
        order_by="CertificateEndorsement.id",
        cascade="all, delete-orphan",
    )


class CertificateEndorsement(Model):
    """证照加注: a purpose and a usage window; the certificate's data is signed (SM2 over SM3) at this moment."""

    __tablename__ = "certificate_endorsement"

    id = Column(Integer, primary_key=True)
    certificate_id = Column(Integer, ForeignKey("electronic_certificate.id"), nullable=False, index=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    purpose = Column(String(20), nullable=False)  # bidding / own_record / other
    purpose_detail = Column(String(60), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=clock.now)
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=False)  # last day of the 使用有效期, inclusive
    public_code = Column(String(32), nullable=False, unique=True)  # what the QR code's address carries
    payload = Column(Text, nullable=False)  # canonical JSON of what was signed
    signature = Column(String(160), nullable=False)  # SM2 signature (r || s), hex
    key_id = Column(String(16), nullable=False)  # which installation key signed it

    certificate = relationship(ElectronicCertificate, back_populates="endorsements")
