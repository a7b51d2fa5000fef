"""Public registers the applications read (and, from the workflow issue, write)."""

from flask_appbuilder import Model
from sqlalchemy import Column, Date, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class QualificationCertificate(Model):
    """资格证书: passing the national examination (the record initial registration needs)."""

    __tablename__ = "qualification_certificate"

    id = Column(Integer, primary_key=True)
    holder_name = Column(String(100), nullable=False)
    holder_document_type = Column(String(32), nullable=False)
    holder_document_number = Column(String(32), nullable=False, index=True)
    qualification = Column(String(32), nullable=False)  # constructor_1 / architect_1
    specialty = Column(String(50), nullable=False)
    certificate_number = Column(String(40), nullable=False, unique=True)
    issued_on = Column(Date, nullable=False)


class EnterpriseQualification(Model):
    """资质证书 of an enterprise (an employer must hold a valid one)."""

    __tablename__ = "enterprise_qualification"

    id = Column(Integer, primary_key=True)
    enterprise_name = Column(String(200), nullable=False)
    uscc = Column(String(18), nullable=False, index=True)
    kind = Column(String(40), nullable=False)  # 建筑业企业 / 工程监理企业 ...
    qualification = Column(String(100), nullable=False)  # e.g. 建筑工程施工总承包
    grade = Column(String(20), nullable=False)  # 特级 / 一级 ...
    certificate_number = Column(String(40), nullable=False, unique=True)
    province = Column(String(20), nullable=False, default="")
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=False)


class PersonRegistration(Model):
    """注册人员: a registration certificate (注册编号) with its employer and validity."""

    __tablename__ = "person_registration"

    id = Column(Integer, primary_key=True)
    holder_name = Column(String(100), nullable=False)
    holder_document_type = Column(String(32), nullable=False)
    holder_document_number = Column(String(32), nullable=False, index=True)
    qualification = Column(String(32), nullable=False)
    registration_number = Column(String(40), nullable=False, unique=True)
    employer_name = Column(String(200), nullable=False)
    employer_uscc = Column(String(18), nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=False)
    status = Column(String(16), nullable=False, default="valid")  # valid / cancelled

    specialties = relationship("RegisteredSpecialty", back_populates="registration",
                               cascade="all, delete-orphan", order_by="RegisteredSpecialty.id")


class RegisteredSpecialty(Model):
    __tablename__ = "registered_specialty"

    id = Column(Integer, primary_key=True)
    registration_id = Column(Integer, ForeignKey("person_registration.id"), nullable=False, index=True)
    specialty = Column(String(50), nullable=False)
    valid_to = Column(Date, nullable=False)

    registration = relationship(PersonRegistration, back_populates="specialties")
