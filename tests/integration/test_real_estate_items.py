"""房地产开发企业一级资质核定 in its own system (manual 图4-2-1 … 图4-2-3): the steps, the draft kept and
resumed, the rules, the back office's scope and tables, the return and correction in the system, the
register and the certificate."""

import datetime
import io

import pytest
from PIL import Image

from app import clock
from app.models import (
    Account,
    Application,
    ElectronicCertificate,
    EnterpriseQualification,
    EnterpriseRegisterEntry,
    ServiceItem,
)
from app.seed import demo_data
from app.services.accounts import face_verification as face
from app.services.accounts import identity_documents as docs
from app.services.cases import real_estate
from app.services.cases.workflow import Status
from app.services.certificates import lifecycle as certificates
from tests.face_checks import pass_face_check

ITEM_CODE = "11100000000013338W1000117061001"
BASE = f"/services/estate/{ITEM_CODE}"
ROLES = {
    "acceptor": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
}


def pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def scan(material):
    return (io.BytesIO(pdf()), "scan.pdf") if material.formats == "pdf" else (io.BytesIO(jpeg()), "scan.jpg")


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def demo_company(db):
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


@pytest.fixture
def staff(app, db, staff_factory):
    clients = {}
    for username, role in ROLES.items():
        staff_factory(role, username=username)
        clients[username] = app.test_client()
        clients[username].post("/admin/login/", data={"username": username, "password": "Staff@2026pass"})
    return clients


def sign_in_company(client, account, *, face_checked=True):
    response = client.post(
        "/account/login",
        data={"kind": "legal", "identifier": demo_data.DEMO_COMPANY_USCC, "password": demo_data.DEMO_COMPANY_PASSWORD},
    )
    assert response.status_code == 302
    if face_checked:
        pass_face_check(client, account.id, face.ONLINE_SERVICE)


def projects(today=None):
    year = (today or clock.today()).year
    return [
        {
            "name": "示范花园一期",
            "location": "北京市朝阳区",
            "type": "住宅",
            "floor_area": "200000",
            "completed_area": "180000",
            "year": str(year - 1),
        },
        {
            "name": "示范商业中心",
            "location": "北京市海淀区",
            "type": "商业",
            "floor_area": "160000",
            "completed_area": "150000",
            "year": str(year - 2),
        },
    ]


def staff_rows(count=40):
    """``count`` people: 4 accountants (会计师), 16 engineers (工程师), the rest assistant engineers."""
    rows = []
    for i in range(count):
        title = "会计师" if i < 4 else ("工程师" if i < 20 else "助理工程师")
        specialty = "财务" if i < 4 else ("建筑" if i % 2 else "结构")
        number = docs.make_resident_id("110105", datetime.date(1980, 1, 1) + datetime.timedelta(days=i), 100 + i)
        rows.append({"name": f"员工{i + 1:02d}", "id_number": number, "title": title, "specialty": specialty})
    return rows


def post_rows(client, step, rows, action="next"):
    data = {"action": action}
    fields = real_estate.PROJECT_FIELDS if step == "projects" else real_estate.STAFF_FIELDS
    for name in fields:
        data[f"{step}-{name}"] = [row.get(name, "") for row in rows]
    if step == "staff":
        data["staff-ref"] = [row.get("ref", "") for row in rows]
    return client.post(f"{BASE}/step/{step}", data=data)


def fill_steps(client):
    assert (
        client.post(
            f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"}
        ).status_code
        == 302
    )
    assert post_rows(client, "projects", projects()).status_code == 302
    assert post_rows(client, "staff", staff_rows()).status_code == 302


def declare(
    client,
    item,
    request_sms,
    token="t1",
    uploads=(
        "企业法人营业执照",
        "法定代表人身份证明",
        "企业财务报表",
        "开发经营业绩证明",
        "专业管理人员证明",
        "质量保证体系文件",
    ),
):
    by_name = {m.name: m for m in item.materials}
    data = {
        "commitment": "yes",
        "submit_token": token,
        "sms_code": request_sms(client, demo_data.DEMO_COMPANY_PHONE, "application"),
        **{f"material_{by_name[name].id}": scan(by_name[name]) for name in uploads},
    }
    return client.post(f"{BASE}/step/declare", data=data, content_type="multipart/form-data")


def act(client, case, action, reason="", **fields):
    return client.post(f"/admin/workflow/case/{case.id}", data={"action": action, "reason": reason, **fields})


# --- who files, where --------------------------------------------------------------------------


def test_a_personal_account_is_told_that_the_company_files(client, item, register_person):
    person = register_person()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/services/guide/{ITEM_CODE}")
    assert "企业事项须由企业使用法人账号办理" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_online_processing_jumps_to_the_system_after_the_legal_representatives_face_check(client, demo_company, item):
    sign_in_company(client, demo_company, face_checked=False)
    response = client.get(f"/services/item/{ITEM_CODE}")
    assert response.status_code == 302 and "/face/online_service" in response.headers["Location"]
    pass_face_check(client, demo_company.id, face.ONLINE_SERVICE)
    response = client.get(f"/services/item/{ITEM_CODE}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/")
    response = client.get(f"{BASE}/")
    assert response.headers["Location"].endswith(f"{BASE}/step/basic")
    page = client.get(f"{BASE}/step/basic").get_data(as_text=True)
    assert "房地产开发企业一级资质核定系统" in page and 'id="estate-exit"' in page
    assert demo_data.DEMO_COMPANY_NAME in page and demo_data.DEMO_COMPANY_USCC in page
    assert "北京市朝阳区建国路88号" in page and "50000" in page and "李明华" in page and "2008-06-18" in page


def test_the_guide_promises_the_system_and_no_uploaded_application_form(client, item):
    page = client.get(f"/services/guide/{ITEM_CODE}").get_data(as_text=True)
    assert "房地产开发企业一级资质核定系统" in page and "保存草稿" in page
    assert "暂未开通网上办理" not in page
    assert "房地产开发企业资质申报表" not in page
    assert "不少于40人" in page and "30万平方米" in page


# --- the steps and the draft -------------------------------------------------------------------


def test_each_step_is_a_draft_of_the_company_and_the_system_reopens_at_the_step_it_was_on(
    client, db, demo_company, item
):
    sign_in_company(client, demo_company)
    assert (
        client.post(
            f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"}
        ).status_code
        == 302
    )
    response = post_rows(client, "projects", projects()[:1], action="save")
    assert response.status_code == 302
    draft = db.session.query(Application).one()
    assert draft.status == Status.DRAFT and draft.data["step"] == "projects"
    assert draft.data["projects"][0]["name"] == "示范花园一期"
    # leaves, signs in again, comes back: the projects step, with its row
    client.post("/account/logout")
    sign_in_company(client, demo_company)
    response = client.get(f"{BASE}/")
    assert response.headers["Location"].endswith(f"{BASE}/step/projects")
    assert "示范花园一期" in client.get(f"{BASE}/step/projects").get_data(as_text=True)
    # a later step is not reached yet
    assert client.get(f"{BASE}/step/staff").headers["Location"].endswith(f"{BASE}/")


def test_bad_rows_save_nothing_and_keep_what_was_typed(client, db, demo_company, item):
    sign_in_company(client, demo_company)
    client.post(f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"})
    bad = [{**projects()[0], "completed_area": "250000"}]  # more than the floor area
    response = post_rows(client, "projects", bad, action="save")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "竣工面积不能大于建筑面积" in page and 'value="250000"' in page
    assert "projects" not in db.session.query(Application).one().data


def test_the_area_rule_is_stated_and_checked(client, db, demo_company, item):
    sign_in_company(client, demo_company)
    client.post(f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"})
    page = post_rows(client, "projects", projects()[:1]).get_data(as_text=True)
    assert 'id="projects-error"' in page
    assert "180,000" in page and "300,000" in page  # 180,000 m² done, 300,000 required
    assert db.session.query(Application).one().data["step"] == "projects"  # saved, not moved on


def test_five_years_of_development_from_the_date_of_establishment(client, db, demo_company, item):
    entry = db.session.query(EnterpriseRegisterEntry).filter_by(uscc=demo_data.DEMO_COMPANY_USCC).one()
    entry.established_on = clock.today() - datetime.timedelta(days=365 * 3)
    db.session.commit()
    sign_in_company(client, demo_company)
    response = client.post(
        f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"}
    )
    assert response.status_code == 200 and "一级资质要求5年以上" in response.get_data(as_text=True)


def test_staff_are_checked_against_the_person_register_and_numbers_are_masked_once_saved(
    client, db, demo_company, item
):
    sign_in_company(client, demo_company)
    client.post(f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"})
    post_rows(client, "projects", projects())
    rows = staff_rows(39) + [
        {"name": "张建国", "id_number": demo_data.DEMO_PERSON_ID, "title": "高级工程师", "specialty": "建筑"}
    ]
    wrong = rows[:-1] + [{**rows[-1], "name": "张建民"}]
    page = post_rows(client, "staff", wrong).get_data(as_text=True)
    assert "注册人员库中此身份证号码登记的是另一姓名" in page
    assert demo_data.DEMO_PERSON_ID not in page  # saved: shown masked
    assert "未在注册人员库中" in page  # the others: a per-row message
    draft = db.session.query(Application).one()
    assert draft.data["step"] == "staff"
    # the masked numbers posted back unchanged keep the saved ones
    masked = [{**row, "id_number": docs_mask(row["id_number"]), "ref": str(i)} for i, row in enumerate(rows)]
    masked[-1]["name"] = "张建国"
    assert post_rows(client, "staff", masked).status_code == 302
    db.session.expire_all()
    draft = db.session.query(Application).one()
    assert draft.data["staff"][-1]["id_number"] == demo_data.DEMO_PERSON_ID and draft.data["step"] == "declare"
    assert "京一注建2024000123" in client.get(f"{BASE}/step/declare").get_data(as_text=True)


def docs_mask(number):
    from app.masking import mask_document

    return mask_document("resident_id", number)


def test_too_few_staff_is_refused_with_the_counts(client, db, demo_company, item):
    sign_in_company(client, demo_company)
    client.post(f"{BASE}/step/basic", data={"action": "next", "contact_name": "周立", "contact_title": "资质专员"})
    post_rows(client, "projects", projects())
    page = post_rows(client, "staff", staff_rows(30)).get_data(as_text=True)
    assert "30" in page and "不少于40" in page


# --- submitted, handled, registered, certified -----------------------------------------------


def test_declared_returned_corrected_in_the_system_and_issued(app, client, db, demo_company, item, staff, request_sms):
    sign_in_company(client, demo_company)
    fill_steps(client)
    response = declare(client, item, request_sms)
    assert response.status_code == 302 and "/submitted/" in response.headers["Location"]
    case = db.session.query(Application).one()
    assert case.status == Status.SUBMITTED and case.province == "北京市" and case.number
    # one case at a time: the system now shows the case in progress
    assert 'id="estate-in-progress"' in client.get(f"{BASE}/").get_data(as_text=True)

    page = staff["acceptor"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert 'id="review-projects"' in page and "示范花园一期" in page and 'id="review-staff"' in page
    assert staff_rows()[0]["id_number"] not in page  # masked for staff too
    assert act(staff["acceptor"], case, "accept").status_code == 302
    assert act(staff["reviewer"], case, "start_review").status_code == 302
    response = staff["reviewer"].post(
        f"/admin/cases/{case.id}/return",
        data={"reason": "业绩项目需补充", "flag_field_projects": "1", "defect_field_projects": "请补充示范家园项目"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.RETURNED_IN_REVIEW

    # the company corrects in the same system and resubmits
    page = client.get(f"{BASE}/step/projects").get_data(as_text=True)
    assert "请补充示范家园项目" in page
    more = projects() + [
        {
            "name": "示范家园",
            "location": "北京市丰台区",
            "type": "住宅",
            "floor_area": "50000",
            "completed_area": "50000",
            "year": str(clock.today().year - 3),
        }
    ]
    assert post_rows(client, "projects", more).status_code == 302
    response = declare(client, item, request_sms, uploads=())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    case = db.session.get(Application, case.id)
    assert case.status == Status.UNDER_REVIEW and len(case.data["projects"]) == 3

    assert act(staff["reviewer"], case, "submit_opinion", "符合一级资质标准", recommendation="grant").status_code == 302
    assert act(staff["approver"], case, "approve").status_code == 302
    assert act(staff["issuer"], case, "issue").status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.ISSUED

    row = (
        db.session.query(EnterpriseQualification)
        .filter_by(uscc=demo_data.DEMO_COMPANY_USCC, kind="房地产开发企业")
        .one()
    )
    assert (row.qualification, row.grade) == ("房地产开发", "一级")
    assert row.certificate_number.startswith(f"建开企[{clock.today().year}]")
    from app.services.registers.progress import progress_lookup

    found = progress_lookup(case.number, demo_data.DEMO_COMPANY_NAME)  # 受理发证信息查询
    assert found is not None and found.certificate_number == row.certificate_number
    query = client.get(f"/query/enterprises/{demo_data.DEMO_COMPANY_USCC}").get_data(as_text=True)
    assert "房地产开发" in query and row.certificate_number in query

    certificate = db.session.query(ElectronicCertificate).filter_by(enterprise_qualification_id=row.id).one()
    pass_face_check(client, demo_company.id, face.MY_CERTIFICATES)
    assert "房地产开发企业资质证书" in client.get("/user/certificates").get_data(as_text=True)
    client.post(
        "/user/certificates", data={"certificate_id": certificate.id, "purpose": "bidding", "purpose_detail": ""}
    )
    db.session.expire_all()
    endorsement = certificates.latest_endorsement(db.session.get(ElectronicCertificate, certificate.id))
    assert certificates.verify_code(endorsement.public_code).valid
    pdf = client.get(f"/user/certificates/{certificate.id}/download.pdf")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().replace("\n", "")
    assert "房地产开发企业资质证书" in text and "房地产开发一级" in text and demo_data.DEMO_COMPANY_NAME in text
    ofd = client.get(f"/user/certificates/{certificate.id}/download.ofd")
    assert ofd.status_code == 200 and ofd.data[:2] == b"PK"
    # issued: a company holding 一级 does not file again
    assert "已持有有效的房地产开发企业一级资质" in client.get(f"{BASE}/step/basic").get_data(as_text=True)


def test_staff_see_the_case_by_item_group_and_province(client, db, demo_company, item, staff, request_sms):
    sign_in_company(client, demo_company)
    fill_steps(client)
    assert declare(client, item, request_sms).status_code == 302
    case = db.session.query(Application).one()
    acceptor = db.session.query(Account).filter_by(username="acceptor").one()

    def queue_shows_case(groups, province):
        acceptor.case_groups, acceptor.case_province = groups, province
        db.session.commit()
        return case.number in staff["acceptor"].get("/admin/workflow/").get_data(as_text=True)

    assert queue_shows_case("房地产开发企业", "北京市")
    assert not queue_shows_case("建筑业企业", "北京市")
    assert not queue_shows_case("房地产开发企业", "上海市")
