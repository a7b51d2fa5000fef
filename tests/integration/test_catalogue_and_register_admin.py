"""Low-code administration: the 事项管理员 keeps the catalogue, the 登记管理员 corrects the registers.

A material's rules changed in the back office are the citizen's form at once; a register
correction needs a reason and leaves an audit row with the reason and what changed.
"""

import datetime
import re

import pytest

from app.models import AuditRecord, PersonRegistration, ServiceItem, ServiceMaterial
from app.services.accounts import face_verification as face
from tests.face_checks import pass_face_check
from tests.factories import EnterpriseQualificationFactory, PersonRegistrationFactory


@pytest.fixture
def officer(app, staff_factory):
    """A signed-in test client per role name."""

    def sign_in(role, username):
        staff_factory(role, username=username)
        client = app.test_client()
        client.post("/admin/login/", data={"username": username, "password": "Staff@2026pass"})
        return client

    return sign_in


def material_form(material, **changes):
    data = {
        "item": str(material.item_id),
        "position": str(material.position),
        "name": material.name,
        "required": "y" if material.required else "",
        "formats": material.formats,
        "max_size_mb": str(material.max_size_mb),
        "description": material.description,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_catalogue_admin_changes_a_material_and_the_citizens_form_follows(client, db, officer, register_person):
    item = db.session.query(ServiceItem).filter_by(online_kind="constructor_initial").one()
    photo = next(m for m in item.materials if "证件照" in m.name)
    catalogue_admin = officer("CatalogueAdmin", "sxgly01")
    assert catalogue_admin.get("/servicematerialadminview/list/").status_code == 200
    response = catalogue_admin.post(
        f"/servicematerialadminview/edit/{photo.id}",
        data=material_form(photo, formats="PNG, jpg", max_size_mb="2", description="白底，358×441像素"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (photo.formats, photo.max_size_mb) == ("png,jpg", 2)

    # the guide and the application form read the catalogue as it is now
    guide = client.get(f"/services/guide/{item.code}").get_data(as_text=True)
    assert "PNG,JPG" in guide and "白底，358×441像素" in guide
    person = register_person()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    from app.models import Account

    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    pass_face_check(client, account.id, face.ONLINE_SERVICE)
    form = client.get(f"/services/item/{item.code}/apply").get_data(as_text=True)
    field = re.search(rf'<input type="file" id="material_{photo.id}".*?</div>', form, re.S).group(0)
    assert 'accept=".png,.jpg"' in field
    assert "格式PNG,JPG，不超过2MB · 白底，358×441像素" in field

    record = db.session.query(AuditRecord).filter_by(event="catalogue.changed").one()
    assert record.actor_id is not None and record.subject.endswith(photo.name)
    assert record.detail["changes"]["max_size_mb"] == [1, 2]


def test_a_material_format_the_portal_cannot_check_is_refused(db, officer):
    material = db.session.query(ServiceMaterial).first()
    catalogue_admin = officer("CatalogueAdmin", "sxgly01")
    response = catalogue_admin.post(
        f"/servicematerialadminview/edit/{material.id}", data=material_form(material, formats="exe")
    )
    assert response.status_code == 200  # the form again, with the error beside the field
    assert "允许的格式：jpg, jpeg, png, pdf" in response.get_data(as_text=True)
    db.session.expire_all()
    assert material.formats != "exe"


def test_the_catalogue_admin_closes_online_filing_and_edits_the_guide(client, db, officer):
    item = db.session.query(ServiceItem).filter_by(online_kind="constructor_renewal").one()
    catalogue_admin = officer("CatalogueAdmin", "sxgly01")
    edit_page = catalogue_admin.get(f"/serviceitemadminview/edit/{item.id}").get_data(as_text=True)
    assert "未开通网上办理" in edit_page and "承诺时限（工作日）" in edit_page
    data = {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "group": item.group,
        "position": str(item.position),
        "online_kind": "",
        "time_limit_days": "15",
        "legal_time_limit_days": str(item.legal_time_limit_days),
        "fee": item.fee,
        "legal_basis": item.legal_basis,
        "conditions": "修改后的受理条件",
        "handling_process": item.process,
        "phone": item.phone,
        "location": item.location,
    }
    assert catalogue_admin.post(f"/serviceitemadminview/edit/{item.id}", data=data).status_code == 302
    db.session.expire_all()
    assert item.online_kind is None and item.time_limit_days == 15
    assert "修改后的受理条件" in client.get(f"/services/guide/{item.code}").get_data(as_text=True)
    assert client.get(f"/services/item/{item.code}/apply").status_code in (302, 404)  # no online filing
    assert db.session.query(AuditRecord).filter_by(event="catalogue.changed", subject=item.code).count() == 1


def test_catalogue_and_registers_each_belong_to_their_own_role(officer):
    catalogue_admin = officer("CatalogueAdmin", "sxgly01")
    register_admin = officer("RegisterAdmin", "djgly01")
    acceptor = officer("AcceptanceOfficer", "slr001")
    assert catalogue_admin.get("/serviceitemadminview/list/").status_code == 200
    assert catalogue_admin.get("/personregistrationadminview/list/").status_code == 403
    assert register_admin.get("/personregistrationadminview/list/").status_code == 200
    assert register_admin.get("/enterprisequalificationadminview/list/").status_code == 200
    assert register_admin.get("/serviceitemadminview/list/").status_code == 403
    assert acceptor.get("/serviceitemadminview/list/").status_code == 403
    assert acceptor.get("/personregistrationadminview/list/").status_code == 403
    menu = register_admin.get("/admin/").get_data(as_text=True)
    assert "登记库" in menu and "注册人员库" in menu and "服务事项管理" not in menu


@pytest.fixture
def registration(db):
    entry = PersonRegistrationFactory(
        holder_name="王雅琴", employer_name="示范建设集团", registration_number="京111152600088"
    )
    db.session.commit()
    return entry


def correction(entry, **changes):
    data = {
        "holder_name": entry.holder_name,
        "employer_name": entry.employer_name,
        "employer_uscc": entry.employer_uscc,
        "valid_from": entry.valid_from.isoformat(),
        "valid_to": entry.valid_to.isoformat(),
        "status": entry.status,
    }
    data.update(changes)
    return data


def test_the_register_admin_searches_and_reads_a_registration(db, officer, registration):
    register_admin = officer("RegisterAdmin", "djgly01")
    found = register_admin.get(
        "/personregistrationadminview/list/", query_string={"_flt_0_registration_number": "京111152600088"}
    ).get_data(as_text=True)
    assert "王雅琴" in found
    shown = register_admin.get(f"/personregistrationadminview/show/{registration.id}").get_data(as_text=True)
    assert registration.holder_document_number not in shown  # masked
    assert "一级建造师" in shown and "有效" in shown


def test_a_register_correction_needs_a_reason(db, officer, registration):
    register_admin = officer("RegisterAdmin", "djgly01")
    response = register_admin.post(
        f"/personregistrationadminview/edit/{registration.id}",
        data=correction(registration, employer_name="另一家建设集团"),
    )
    assert response.status_code == 200
    assert "请填写更正原因" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PersonRegistration, registration.id).employer_name == "示范建设集团"
    assert db.session.query(AuditRecord).filter_by(event="register.corrected").count() == 0


def test_a_register_correction_is_audited_with_its_reason_and_changes(client, db, officer, registration):
    register_admin = officer("RegisterAdmin", "djgly01")
    response = register_admin.post(
        f"/personregistrationadminview/edit/{registration.id}",
        data=correction(registration, holder_name="王雅芹", correction_reason="录入错误，依据身份证原件更正姓名"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PersonRegistration, registration.id).holder_name == "王雅芹"
    record = db.session.query(AuditRecord).filter_by(event="register.corrected").one()
    assert record.subject == "京111152600088" and record.actor_id is not None
    assert record.detail["reason"] == "录入错误，依据身份证原件更正姓名"
    assert record.detail["changes"] == {"holder_name": ["王雅琴", "王雅芹"]}
    # the public query shows the corrected register
    assert "王雅芹" in client.get("/query/people/京111152600088").get_data(as_text=True)
    audit_page = officer("Admin", "gly001").get("/auditrecordadminview/list/").get_data(as_text=True)
    assert "登记信息更正" in audit_page


def test_an_enterprise_qualification_correction_is_audited(db, officer):
    entry = EnterpriseQualificationFactory(enterprise_name="青山建工", grade="二级")
    db.session.commit()
    register_admin = officer("RegisterAdmin", "djgly01")
    data = {
        "enterprise_name": "青山建工集团有限公司",
        "grade": "一级",
        "valid_from": entry.valid_from.isoformat(),
        "valid_to": (entry.valid_to + datetime.timedelta(days=1)).isoformat(),
        "correction_reason": "资质证书换发",
    }
    assert register_admin.post(f"/enterprisequalificationadminview/edit/{entry.id}", data=data).status_code == 302
    record = db.session.query(AuditRecord).filter_by(event="register.corrected").one()
    assert record.detail["reason"] == "资质证书换发"
    assert set(record.detail["changes"]) == {"enterprise_name", "grade", "valid_to"}


def test_an_item_the_portal_could_not_serve_is_refused_and_nothing_is_saved(db, officer):
    item = db.session.query(ServiceItem).filter_by(online_kind="constructor_renewal").one()
    before = (item.time_limit_days, item.name)
    catalogue_admin = officer("CatalogueAdmin", "sxgly01")
    data = {
        "code": item.code,
        "name": "改名后的事项",
        "category": item.category,
        "group": item.group,
        "position": str(item.position),
        "online_kind": item.online_kind,
        "time_limit_days": str(item.legal_time_limit_days + 5),  # beyond the legal time limit
        "legal_time_limit_days": str(item.legal_time_limit_days),
        "fee": item.fee,
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "handling_process": item.process,
        "phone": item.phone,
        "location": item.location,
    }
    response = catalogue_admin.post(f"/serviceitemadminview/edit/{item.id}", data=data, follow_redirects=True)
    assert "承诺时限不能超过法定时限" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (item.time_limit_days, item.name) == before
    assert db.session.query(AuditRecord).filter_by(event="catalogue.changed").count() == 0
