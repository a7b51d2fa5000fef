"""制证 of an enterprise change case: the qualification register and the electronic certificate.

The register (EnterpriseQualification, what 企业资质查询 shows) takes the new name,
address, registered capital and legal representative on every qualification row
of the company; the company's accounts and the persons registered with it take
the new name. The item's
qualification certificates are issued again with the new data (their old
endorsements no longer verify); a lost one (遗失补办) is replaced by a new copy,
the old copy revoked.
"""

from app import clock
from app.extensions import db
from app.models import Application, ElectronicCertificate, Enterprise, EnterpriseQualification, PersonRegistration
from app.services.cases import enterprise_items, real_estate
from app.services.cases.enterprise_fields import ADDRESS, CAPITAL, LEGAL_REP, LOST, NAME
from app.services.certificates import lifecycle as certificates


def issue(application: Application) -> list[ElectronicCertificate]:
    """Write the register and issue the certificates; the caller commits."""
    if real_estate.is_real_estate_item(application.item):
        return [real_estate.issue(application)]
    data = application.data or {}
    changes = enterprise_items.chosen_changes(data)
    uscc = data.get("uscc") or enterprise_items.uscc_of(application.account)
    rows = db.session.query(EnterpriseQualification).filter_by(uscc=uscc).order_by(EnterpriseQualification.id).all()
    for row in rows:
        if NAME in changes:
            row.enterprise_name = data["new_name"]
        if ADDRESS in changes:
            row.address = data["new_address"]
        if CAPITAL in changes:
            row.registered_capital = data["new_capital"]
        if LEGAL_REP in changes:
            row.legal_rep_name = data["new_legal_rep_name"]
    if NAME in changes:
        for enterprise in db.session.query(Enterprise).filter_by(uscc=uscc):
            enterprise.name = data["new_name"]
        # the persons registered with the company: their employer's name follows (人员资格查询, their certificates)
        for registration in db.session.query(PersonRegistration).filter_by(employer_uscc=uscc):
            registration.employer_name = data["new_name"]
    db.session.flush()
    today = clock.today()
    kind = enterprise_items.register_kind(application.item)
    lost = data.get("lost_certificate_number", "") if LOST in changes else ""
    return [
        certificates.issue_for_enterprise(row, today, replace=row.certificate_number == lost)
        for row in rows
        if row.kind == kind
    ]
