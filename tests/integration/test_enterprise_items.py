"""建筑业企业资质认定（变更-遗失补办） online (manual chapter 四): who files, the rules, the back office,
the register and the certificate."""

import datetime
import io
import json

import pytest
from PIL import Image

from app import clock
from app.models import (
    Account,
    Application,
    ElectronicCertificate,
    EnterpriseQualification,
    InboxMessage,
    PersonRegistration,
    ServiceItem,
)
from app.seed import demo_data
from app.services.accounts import face_verification as face
from app.services.cases.workflow import Status
from app.services.certificates import lifecycle as certificates
from tests.face_checks import pass_face_check

ITEM_CODE = "11100000000013338W1000117060003"
ROLES = {
    "acceptor": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
}
NEW_NAME = "北京建工示范集团股份有限公司"


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def demo_company(db):
    """The demonstration company (its account, register entry, 建筑业企业 一级 qualification and certificate)."""
    demo_data.seed_register()
    demo_data.seed_portal_users()
    demo_data.seed_registers()
    db.session.flush()
    demo_data.seed_certificates()
    db.session.commit()
    return db.session.query(Account).filter_by(phone=demo_data.DEMO_COMPANY_PHONE).one()


@pytest.fixture
def item(db):
    return db.session.query(ServiceItem).filter_by(code=ITEM_CODE).one()


def sign_in_company(client, account, *, face_checked=True):
    response = client.post(
        "/account/login",
        data={"kind": "legal", "identifier": demo_data.DEMO_COMPANY_USCC, "password": demo_data.DEMO_COMPANY_PASSWORD},
    )
    assert response.status_code == 302
    if face_checked:
        pass_face_check(client, account.id, face.ONLINE_SERVICE)


def materials(item, *names):
    by_name = {m.name: m.id for m in item.materials}
    return {f"material_{by_name[name]}": (io.BytesIO(jpeg()), "scan.jpg") for name in names}


@pytest.fixture
def file_change(client, item, request_sms):
    def post(changes, fields=None, uploads=(), token="t1"):
        data = {
            "changes": list(changes),
            "commitment": "yes",
            "submit_token": token,
            "action": "submit",
            "sms_code": request_sms(client, demo_data.DEMO_COMPANY_PHONE, "application"),
            **(fields or {}),
            **materials(item, *uploads),
        }
        return client.post(f"/services/item/{ITEM_CODE}/apply", data=data, content_type="multipart/form-data")

    return post


NAME_AND_LOST = {
    "new_name": NEW_NAME,
    "licence_name": NEW_NAME,
    "lost_certificate_number": "D111000001",
    "loss_statement": "2026年11月20日《中国建设报》第3版刊登遗失声明",
}
NAME_AND_LOST_MATERIALS = (
    "建筑业企业资质证书变更（补办）申请表",
    "企业法人营业执照",
    "市场监督管理部门核准变更证明",
    "遗失声明",
)


@pytest.fixture
def staff(app, db, staff_factory):
    clients = {}
    for username, role in ROLES.items():
        staff_factory(role, username=username)
        clients[username] = app.test_client()
        clients[username].post("/admin/login/", data={"username": username, "password": "Staff@2026pass"})
    return clients


def act(client, case, action, reason="", **fields):
    return client.post(f"/admin/workflow/case/{case.id}", data={"action": action, "reason": reason, **fields})


# --- who files ----------------------------------------------------------------------------------


def test_a_personal_account_is_told_before_any_face_check_that_companies_file_enterprise_items(
    client, db, item, register_person
):
    person = register_person()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    response = client.get(f"/services/item/{ITEM_CODE}/apply")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/services/guide/{ITEM_CODE}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "企业事项须由企业使用法人账号办理" in page


def test_the_legal_representative_passes_the_face_check_before_online_processing(client, demo_company, item):
    sign_in_company(client, demo_company, face_checked=False)
    response = client.get(f"/services/item/{ITEM_CODE}/apply")
    assert response.status_code == 302 and "/face/online_service" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "法定代表人" in page


def test_the_form_is_prefilled_from_the_register(client, demo_company, item):
    sign_in_company(client, demo_company)
    page = client.get(f"/services/item/{ITEM_CODE}/apply").get_data(as_text=True)
    assert demo_data.DEMO_COMPANY_NAME in page and demo_data.DEMO_COMPANY_USCC in page
    assert "北京市朝阳区建国路88号" in page and "50000" in page and "李明华" in page
    assert "建筑工程施工总承包" in page and "D111000001" in page
    assert 'id="eligibility-problems"' not in page


# --- the rules ----------------------------------------------------------------------------------


def test_a_new_name_must_be_the_name_on_the_business_licence(client, db, demo_company, item, file_change):
    sign_in_company(client, demo_company)
    response = file_change(
        ["name"], {"new_name": NEW_NAME, "licence_name": "北京建工示范集团有限公司"}, NAME_AND_LOST_MATERIALS[:3]
    )
    assert response.status_code == 200
    assert "新企业名称必须与营业执照上的企业名称完全一致" in response.get_data(as_text=True)
    assert db.session.query(Application).filter(Application.status != Status.DRAFT).count() == 0


def test_only_the_materials_of_the_chosen_changes_are_required(client, db, demo_company, item, file_change):
    sign_in_company(client, demo_company)
    lost_only = {k: NAME_AND_LOST[k] for k in ("lost_certificate_number", "loss_statement")}
    response = file_change(["lost"], lost_only, ("建筑业企业资质证书变更（补办）申请表", "企业法人营业执照"))
    assert response.status_code == 200
    errors = response.get_data(as_text=True)
    loss_statement = next(m for m in item.materials if m.name == "遗失声明")
    approval = next(m for m in item.materials if m.name == "市场监督管理部门核准变更证明")
    assert f'id="material_{loss_statement.id}-error"' in errors
    assert f'id="material_{approval.id}-error"' not in errors
    response = file_change(
        ["lost"], lost_only, ("建筑业企业资质证书变更（补办）申请表", "企业法人营业执照", "遗失声明")
    )
    assert response.status_code == 302
    case = db.session.query(Application).one()
    assert case.data["changes"] == "lost" and "new_name" not in case.data
    assert case.province == "北京市"


def test_a_lost_certificate_must_be_one_the_company_holds(client, demo_company, item, file_change):
    sign_in_company(client, demo_company)
    response = file_change(
        ["lost"], {"lost_certificate_number": "D999999999", "loss_statement": "登报声明"}, NAME_AND_LOST_MATERIALS
    )
    assert "贵企业没有该编号的资质证书" in response.get_data(as_text=True)


def test_a_new_legal_representative_must_be_the_one_the_enterprise_register_records(
    client, db, demo_company, item, file_change
):
    sign_in_company(client, demo_company)
    uploads = (
        "建筑业企业资质证书变更（补办）申请表",
        "企业法人营业执照",
        "市场监督管理部门核准变更证明",
        "法定代表人身份证明",
    )
    stranger = {"new_legal_rep_name": "赵某某", "new_legal_rep_id": demo_data.DEMO_PERSON_ID}
    response = file_change(["legal_rep"], stranger, uploads)
    assert response.status_code == 200 and "企业登记信息中的法定代表人不是此人" in response.get_data(as_text=True)
    recorded = {"new_legal_rep_name": demo_data.DEMO_NEW_REP_NAME, "new_legal_rep_id": demo_data.DEMO_NEW_REP_ID}
    assert file_change(["legal_rep"], recorded, uploads, token="t2").status_code == 302


def test_one_open_case_per_company_and_item(client, db, demo_company, item, file_change):
    sign_in_company(client, demo_company)
    assert file_change(["name", "lost"], NAME_AND_LOST, NAME_AND_LOST_MATERIALS).status_code == 302
    response = file_change(["name", "lost"], NAME_AND_LOST, NAME_AND_LOST_MATERIALS, token="t2")
    assert response.status_code == 200
    assert "贵企业已有本事项的办件正在办理" in response.get_data(as_text=True)
    assert db.session.query(Application).count() == 1


def test_a_company_without_a_valid_ministry_level_qualification_cannot_file(client, db, demo_company, item):
    qualification = db.session.query(EnterpriseQualification).filter_by(uscc=demo_data.DEMO_COMPANY_USCC).one()
    qualification.grade = "二级"
    db.session.commit()
    sign_in_company(client, demo_company)
    page = client.get(f"/services/item/{ITEM_CODE}/apply").get_data(as_text=True)
    assert 'id="eligibility-problems"' in page and "部级审批等级" in page
    qualification.grade = "一级"
    qualification.valid_to = clock.today() - datetime.timedelta(days=1)
    db.session.commit()
    page = client.get(f"/services/item/{ITEM_CODE}/apply").get_data(as_text=True)
    assert 'id="eligibility-problems"' in page


# --- handled, registered, certified ---------------------------------------------------------------


def test_filed_returned_corrected_issued_writes_the_register_and_a_new_certificate_copy(
    app, client, db, demo_company, item, file_change, staff, request_sms
):
    old = (
        db.session.query(ElectronicCertificate)
        .filter(ElectronicCertificate.enterprise_qualification_id.is_not(None))
        .one()
    )
    sign_in_company(client, demo_company)
    pass_face_check(client, demo_company.id, face.MY_CERTIFICATES)
    client.post("/user/certificates", data={"certificate_id": old.id, "purpose": "bidding", "purpose_detail": ""})
    old_code = certificates.latest_endorsement(old).public_code
    assert certificates.verify_code(old_code).valid

    assert file_change(["name", "lost"], NAME_AND_LOST, NAME_AND_LOST_MATERIALS).status_code == 302
    case = db.session.query(Application).one()
    assert case.data["register_before"]["name"] == demo_data.DEMO_COMPANY_NAME
    assert case.number in client.get("/user/cases").get_data(as_text=True)

    # The reviewers see the change beside the register.
    page = staff["acceptor"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert 'id="enterprise-comparison"' in page
    assert demo_data.DEMO_COMPANY_NAME in page and NEW_NAME in page
    assert "lost_certificate_number" not in page  # the comparison names the fields, not the raw data
    assert act(staff["acceptor"], case, "accept").status_code == 302
    db.session.expire_all()
    accepted = next(e for e in db.session.get(Application, case.id).events if e.action == "accept")
    notice = client.get(f"/user/cases/{case.number}/notices/{accepted.id}.pdf")  # 受理通知书, to the company
    assert notice.status_code == 200 and notice.data.startswith(b"%PDF")
    from pypdf import PdfReader

    notice_text = PdfReader(io.BytesIO(notice.data)).pages[0].extract_text().replace("\n", "")
    assert "受理通知书" in notice_text and demo_data.DEMO_COMPANY_NAME in notice_text
    licence = next(m for m in item.materials if m.name == "企业法人营业执照")
    # The reviewer returns it for correction (审查中退回补正): the corrected case comes back to review.
    assert act(staff["reviewer"], case, "start_review").status_code == 302
    response = staff["reviewer"].post(
        f"/admin/cases/{case.id}/return",
        data={
            "reason": "营业执照扫描件不清晰",
            f"flag_{licence.id}": "1",
            f"defect_{licence.id}": "请上传清晰的营业执照副本",
            "flag_field_new_name": "1",
            "defect_field_new_name": "名称中“股份”二字请核对",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.RETURNED_IN_REVIEW

    # 信息修改或材料补充: the company corrects what was returned.
    url = f"/services/item/{ITEM_CODE}/correction"
    page = client.get(url).get_data(as_text=True)
    assert "请上传清晰的营业执照副本" in page and 'name="field_new_name"' in page
    response = client.post(
        url,
        data={
            "field_new_name": NEW_NAME,
            "commitment": "yes",
            "sms_code": request_sms(client, demo_data.DEMO_COMPANY_PHONE, "application"),
            f"material_{licence.id}": (io.BytesIO(jpeg()), "licence.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    case = db.session.get(Application, case.id)
    assert case.status == Status.UNDER_REVIEW
    assert act(staff["reviewer"], case, "submit_opinion", "变更材料齐全", recommendation="grant").status_code == 302
    assert act(staff["approver"], case, "approve").status_code == 302
    assert act(staff["issuer"], case, "issue").status_code == 302
    db.session.expire_all()
    case = db.session.get(Application, case.id)
    assert case.status == Status.ISSUED

    # The register and the company's accounts take the new name.
    qualification = db.session.query(EnterpriseQualification).filter_by(uscc=demo_data.DEMO_COMPANY_USCC).one()
    assert qualification.enterprise_name == NEW_NAME
    assert db.session.get(Account, demo_company.id).display_name == NEW_NAME
    employee = db.session.query(PersonRegistration).filter_by(employer_uscc=demo_data.DEMO_COMPANY_USCC).one()
    assert employee.employer_name == NEW_NAME
    # 遗失补办: a new copy, the old one revoked; the old copy's QR page says so.
    copies = (
        db.session.query(ElectronicCertificate)
        .filter_by(enterprise_qualification_id=qualification.id)
        .order_by(ElectronicCertificate.copy_number)
        .all()
    )
    assert [c.copy_number for c in copies] == [1, 2]
    assert copies[0].revoked_at is not None and copies[1].revoked_at is None
    assert certificates.verify_code(old_code).verdict == certificates.REPLACED
    assert "遗失补办" in client.get(f"/certificates/verify/{old_code}").get_data(as_text=True)
    assert db.session.query(InboxMessage).filter_by(account_id=demo_company.id).count() >= 6

    # The company endorses and downloads the new copy; its data is the new register.
    new = copies[1]
    pass_face_check(client, demo_company.id, face.MY_CERTIFICATES)
    page = client.get("/user/certificates").get_data(as_text=True)
    assert "建筑业企业资质证书" in page
    preview = client.get(f"/user/certificates/{new.id}/preview.png")
    assert preview.status_code == 200 and preview.mimetype == "image/png"
    response = client.post(
        "/user/certificates", data={"certificate_id": new.id, "purpose": "bidding", "purpose_detail": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(ElectronicCertificate, new.id)
    endorsement = certificates.latest_endorsement(new)
    signed = json.loads(endorsement.payload)["certificate"]
    assert signed["holder_name"] == NEW_NAME and signed["copy"] == 2
    assert signed["registration_number"] == "D111000001"
    assert certificates.verify_code(endorsement.public_code).valid
    pdf = client.get(f"/user/certificates/{new.id}/download.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    ofd = client.get(f"/user/certificates/{new.id}/download.ofd")
    assert ofd.status_code == 200 and ofd.data[:2] == b"PK"


def test_progress_query_finds_an_enterprise_case_by_the_company_name(client, db, demo_company, item, file_change):
    from app.services.registers.progress import progress_lookup

    sign_in_company(client, demo_company)
    assert file_change(["name", "lost"], NAME_AND_LOST, NAME_AND_LOST_MATERIALS).status_code == 302
    case = db.session.query(Application).one()
    result = progress_lookup(case.number, demo_data.DEMO_COMPANY_NAME)
    assert result is not None and result.item_name == item.name
    assert progress_lookup(case.number, "别的公司") is None


def test_staff_see_enterprise_cases_by_item_group_and_province(app, client, db, demo_company, item, file_change, staff):
    sign_in_company(client, demo_company)
    assert file_change(["name", "lost"], NAME_AND_LOST, NAME_AND_LOST_MATERIALS).status_code == 302
    case = db.session.query(Application).one()
    acceptor = db.session.query(Account).filter_by(username="acceptor").one()

    def queue_shows_case(groups, province):
        acceptor.case_groups, acceptor.case_province = groups, province
        db.session.commit()
        return case.number in staff["acceptor"].get("/admin/workflow/").get_data(as_text=True)

    assert queue_shows_case("建筑业企业", "北京市")
    assert not queue_shows_case("建造师", "")
    assert not queue_shows_case("建筑业企业", "上海市")
    assert staff["acceptor"].get(f"/admin/workflow/case/{case.id}").status_code == 404


def test_a_corrected_name_must_still_match_the_business_licence(
    client, db, demo_company, item, file_change, staff, request_sms
):
    sign_in_company(client, demo_company)
    assert file_change(["name"], NAME_AND_LOST, NAME_AND_LOST_MATERIALS[:3]).status_code == 302
    case = db.session.query(Application).one()
    response = staff["acceptor"].post(
        f"/admin/cases/{case.id}/return",
        data={"reason": "名称有误", "flag_field_new_name": "1", "defect_field_new_name": "请核对名称"},
    )
    assert response.status_code == 302
    url = f"/services/item/{ITEM_CODE}/correction"

    def correct(new_name):
        sms = request_sms(client, demo_data.DEMO_COMPANY_PHONE, "application")
        return client.post(url, data={"field_new_name": new_name, "commitment": "yes", "sms_code": sms})

    response = correct("北京建工示范集团有限公司")
    assert response.status_code == 200
    assert "新企业名称必须与营业执照上的企业名称完全一致" in response.get_data(as_text=True)
    assert correct(NEW_NAME).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.RESUBMITTED
