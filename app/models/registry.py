"""Public registers the applications read (and, from the workflow issue, write).

The 热门服务 queries (services/registers/queries.py) search these tables by name
prefix, province and kind at the scale of the national registers (about a
million registered persons, two hundred thousand enterprises): every filter
they offer has an index here. Name columns compare in code-point order on both
databases (SQLite's BINARY default; ``COLLATE "C"`` on PostgreSQL, whatever the
database's own collation), so one plain btree index serves both the prefix
search (``name LIKE '张%'``, a range scan) and the name order the result pages
list in, and ``LIMIT`` stops the scan after one page. (A ``text_pattern_ops``
index serves the prefix but not the order: PostgreSQL then sorts every match of
a one-character surname, tens of thousands of rows, for each page.)
"""

import datetime

from flask_appbuilder import Model
from sqlalchemy import Date, ForeignKey, Index, Integer, String, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from app.regions import province_of


def code_point_string(length: int) -> TypeEngine[str]:
    """A name column sorted and compared by code point on PostgreSQL as on SQLite (see above)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class QualificationCertificate(Model):
    """资格证书: passing the national examination (the record initial registration needs)."""

    __tablename__ = "qualification_certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder_name: Mapped[str] = mapped_column(String(100), nullable=False)
    holder_document_type: Mapped[str] = mapped_column(String(32), nullable=False)
    holder_document_number: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    qualification: Mapped[str] = mapped_column(String(32), nullable=False)  # constructor_1 / architect_1
    specialty: Mapped[str] = mapped_column(String(50), nullable=False)
    certificate_number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    issued_on: Mapped[datetime.date] = mapped_column(Date, nullable=False)


class EnterpriseQualification(Model):
    """资质证书 of an enterprise (an employer must hold a valid one)."""

    __tablename__ = "enterprise_qualification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_name: Mapped[str] = mapped_column(code_point_string(200), nullable=False)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # 建筑业企业 / 工程监理企业 ...
    qualification: Mapped[str] = mapped_column(String(100), nullable=False)  # e.g. 建筑工程施工总承包
    grade: Mapped[str] = mapped_column(String(20), nullable=False)  # 特级 / 一级 ...
    certificate_number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    province: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    valid_from: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    # What the certificate prints of the enterprise (written by a 变更 case); "" when not on record.
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="", server_default="")
    registered_capital: Mapped[str] = mapped_column(String(40), nullable=False, default="", server_default="")
    legal_rep_name: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")

    __table_args__ = (
        # name prefix search (LIKE '中建%'), any kind
        Index("ix_enterprise_qualification_name_prefix", "enterprise_name"),
        # one kind, listed in name order (图 5-3-2: the kind is chosen first)
        Index("ix_enterprise_qualification_kind_name", "kind", "enterprise_name", "uscc"),
        Index("ix_enterprise_qualification_province", "province", "kind"),
    )


class PersonRegistration(Model):
    """注册人员: a registration certificate (注册编号) with its employer and validity."""

    __tablename__ = "person_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder_name: Mapped[str] = mapped_column(code_point_string(100), nullable=False)
    holder_document_type: Mapped[str] = mapped_column(String(32), nullable=False)
    holder_document_number: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    qualification: Mapped[str] = mapped_column(String(32), nullable=False)
    registration_number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    employer_name: Mapped[str] = mapped_column(code_point_string(200), nullable=False)
    employer_uscc: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    valid_from: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="valid")  # valid / cancelled
    # Registering province (北京市 ...), from the employer; filled in on insert when left empty.
    province: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="", index=True)

    specialties: Mapped[list["RegisteredSpecialty"]] = relationship(
        "RegisteredSpecialty",
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="RegisteredSpecialty.id",
    )

    # The name indexes carry the category too: a page of matching ids is found in
    # the index alone (registry_queries.person_search_statement), the rows after.
    __table_args__ = (
        Index("ix_person_registration_name_qualification", "holder_name", "id", "qualification"),
        Index("ix_person_registration_employer_name_prefix", "employer_name"),
        # a surname within a province, in name order (人员资格查询 narrowed by 注册省份)
        Index("ix_person_registration_province_name_qualification", "province", "holder_name", "id", "qualification"),
    )


class RegisteredSpecialty(Model):
    __tablename__ = "registered_specialty"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(Integer, ForeignKey("person_registration.id"), nullable=False)
    specialty: Mapped[str] = mapped_column(String(50), nullable=False)
    valid_to: Mapped[datetime.date] = mapped_column(Date, nullable=False)
    # Copies of the registration's holder name and province (kept by the events below), so
    # that "a name in a specialty (in a province)" is one index range in name order.
    holder_name: Mapped[str] = mapped_column(code_point_string(100), nullable=False, default="", server_default="")
    province: Mapped[str] = mapped_column(String(20), nullable=False, default="", server_default="")

    registration: Mapped[PersonRegistration] = relationship(PersonRegistration, back_populates="specialties")

    __table_args__ = (
        # "has this registration that specialty?" answered from the index (the specialty filter)
        Index("ix_registered_specialty_registration_specialty", "registration_id", "specialty"),
        # 人员资格查询 by name + specialty (+ province): a page of ids from the index alone
        Index("ix_registered_specialty_name", "specialty", "holder_name", "registration_id", "province"),
    )


@event.listens_for(PersonRegistration, "before_insert")
def _province_on_insert(mapper, connection, target):
    if not target.province:
        target.province = province_of(target.employer_uscc, target.registration_number)


@event.listens_for(PersonRegistration, "before_update")
def _province_follows_employer(mapper, connection, target):
    """A change of employer to another province moves the registration there (转入)."""
    if inspect(target).attrs.employer_uscc.history.has_changes():
        target.province = province_of(target.employer_uscc, target.registration_number) or target.province


@event.listens_for(RegisteredSpecialty, "before_insert")
def _specialty_copies_its_holder(mapper, connection, target):
    registration = target.registration
    if registration is not None:
        target.holder_name, target.province = registration.holder_name, registration.province or ""


@event.listens_for(PersonRegistration, "after_update")
def _specialties_follow_their_holder(mapper, connection, target):
    """A renamed holder or a registration moved to another province: its specialty rows' copies follow."""
    state = inspect(target)
    if state.attrs.holder_name.history.has_changes() or state.attrs.province.history.has_changes():
        connection.execute(
            RegisteredSpecialty.__table__.update()
            .where(RegisteredSpecialty.__table__.c.registration_id == target.id)
            .values(holder_name=target.holder_name, province=target.province or "")
        )
