"""在线申报, 信息修改及材料补充, progress and access (manual chapter 三)."""

import datetime
import io
import re

import pytest
from PIL import Image

from app import clock
from app.models import (
    Account,
    Application,
    Attachment,
    EnterpriseQualification,
    InboxMessage,
    PersonRegistration,
    QualificationCertificate,
    RegisteredSpecialty,
    ServiceItem,
)
from app.services.accounts import face_verification as face
from app.services.accounts.identity_documents import make_resident_id, make_uscc
from app.services.cases.workflow import Status
from tests.face_checks import pass_face_check

EMPLOYER = make_uscc("91110105MA01B2C3X")


def jpeg_bytes(color="white"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bytes(color="white"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buffer, "PNG")
    return buffer.getvalue()


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def items(db):
    """The seeded catalogue's 一级建造师 items, and an employer with a valid qualification."""

    def by_kind(kind):
        return db.session.query(ServiceItem).filter_by(online_kind=kind).one()

    db.session.add(
        EnterpriseQualification(
            enterprise_name="北京建工示范建设集团有限公司",
            uscc=EMPLOYER,
            kind="建筑业企业",
            qualification="建筑工程施工总承包",
            grade="一级",
            certificate_number="D111000001",
            valid_from=datetime.date(2024, 1, 1),
            valid_to=clock.today() + datetime.timedelta(days=300),
        )
    )
    db.session.commit()
    return {
        "initial": by_kind("constructor_initial"),
        "renewal": by_kind("constructor_renewal"),
        "add": by_kind("constructor_add_specialty"),
        "reregister": by_kind("constructor_reregister"),
    }


def photo_of(item):
    return next(m for m in item.materials if "照" in m.name)


@pytest.fixture
def applicant(client, db, register_person):
    """A registered person with a constructor certificate, signed in and face-verified."""
    person = register_person()
    db.session.add(
        QualificationCertificate(
            holder_name=person["name"],
            holder_document_type="resident_id",
            holder_document_number=person["document_number"],
            qualification="constructor_1",
            specialty="建筑工程",
            certificate_number="C-" + person["document_number"][-6:],
            issued_on=datetime.date(2015, 1, 1),
        )
    )
    db.session.commit()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    pass_face_check(client, account.id, face.ONLINE_SERVICE)
    person["account_id"] = account.id
    return person


def form(item, sms_code, **overrides):
    data = {
        "nation": "汉族",
        "school": "同济大学",
        "major": "建筑施工管理",
        "education": "本科",
        "graduation_date": "2008-07-01",
        "employer_name": "北京建工示范建设集团有限公司",
        "employer_uscc": EMPLOYER,
        "specialty": "建筑工程",
        "commitment": "yes",
        "sms_code": sms_code,
        "submit_token": "tok-1",
    }
    for material in item.materials:
        if material.required:
            data[f"material_{material.id}"] = (io.BytesIO(jpeg_bytes()), f"m{material.id}.jpg")
    data.update(overrides)
    return data


def apply_url(item):
    return f"/services/item/{item.code}/apply"


def test_online_processing_needs_login_and_face_verification(client, db, items, register_person):
    response = client.get(f"/services/item/{items['initial'].code}")
    assert "/account/login" in response.headers["Location"]
    person = register_person()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    response = client.get(f"/services/item/{items['initial'].code}")
    assert "/face/online_service" in response.headers["Location"]


def test_workspace_offers_the_three_buttons(client, db, items, applicant):
    page = text(client.get(f"/services/item/{items['initial'].code}"))
    for label in ("在线申报", "信息修改或材料补充", "最新业务办理进度"):
        assert label in page


def test_submit_creates_one_case_with_attachments_and_a_message(client, db, items, applicant, request_sms):
    item = items["initial"]
    code = _sms(client, request_sms, applicant)
    response = client.post(apply_url(item), data=form(item, code), content_type="multipart/form-data")
    assert response.status_code == 302, text(response)[:2000]
    case = db.session.query(Application).one()
    assert case.status == Status.SUBMITTED and re.fullmatch(r"\d{16}", case.number)
    required = [m for m in item.materials if m.required]
    assert len(case.attachments) == len(required) and all(a.content_type == "image/jpeg" for a in case.attachments)
    assert case.data["employer_uscc"] == EMPLOYER
    assert db.session.query(InboxMessage).filter_by(application_id=case.id).count() == 1
    assert case.events[0].action == "submit"
    confirmation = text(client.get(response.headers["Location"]))
    assert case.number in confirmation


def _sms(client, request_sms, person):
    return request_sms(client, person["phone"], "application")


def test_double_submit_creates_one_case(client, db, items, applicant, request_sms):
    item = items["initial"]
    code = _sms(client, request_sms, applicant)
    first = client.post(apply_url(item), data=form(item, code), content_type="multipart/form-data")
    second = client.post(apply_url(item), data=form(item, code), content_type="multipart/form-data")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(Application).count() == 1


def test_missing_commitment_refused_and_nothing_saved(client, db, items, applicant, request_sms):
    item = items["initial"]
    code = _sms(client, request_sms, applicant)
    response = client.post(apply_url(item), data=form(item, code, commitment="no"), content_type="multipart/form-data")
    assert response.status_code == 200 and "必须作出承诺" in text(response)
    assert db.session.query(Application).count() == 0
    assert db.session.query(Attachment).count() == 0


def test_wrong_sms_code_refused(client, db, items, applicant, request_sms):
    item = items["initial"]
    _sms(client, request_sms, applicant)
    response = client.post(apply_url(item), data=form(item, "000009"), content_type="multipart/form-data")
    assert response.status_code == 200 and "验证码" in text(response)
    assert db.session.query(Application).count() == 0


def test_upload_checked_by_content_not_name(client, db, items, applicant, request_sms):
    item = items["initial"]
    code = _sms(client, request_sms, applicant)
    fake = {f"material_{photo_of(item).id}": (io.BytesIO(b"MZ\x90\x00 not an image"), "photo.jpg")}
    response = client.post(apply_url(item), data=form(item, code, **fake), content_type="multipart/form-data")
    assert "按文件内容检查" in text(response)
    assert db.session.query(Application).filter(Application.number.isnot(None)).count() == 0


def test_employer_without_valid_qualification_refused(client, db, items, applicant, request_sms):
    item = items["initial"]
    code = _sms(client, request_sms, applicant)
    other = make_uscc("91310115MA1K4L5M6")
    response = client.post(
        apply_url(item), data=form(item, code, employer_uscc=other), content_type="multipart/form-data"
    )
    assert "没有有效的资质证书" in text(response)


def test_initial_registration_needs_a_certificate(client, db, items, register_person):
    person = register_person()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    pass_face_check(client, account.id, face.ONLINE_SERVICE)
    page = text(client.get(apply_url(items["initial"])))
    assert "没有您的资格证书记录" in page


def _register(db, person, valid_to):
    registration = PersonRegistration(
        holder_name=person["name"],
        holder_document_type="resident_id",
        holder_document_number=person["document_number"],
        qualification="constructor_1",
        registration_number="京1112015000001",
        employer_name="示范",
        employer_uscc=EMPLOYER,
        valid_from=valid_to - datetime.timedelta(days=3 * 365),
        valid_to=valid_to,
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑工程", valid_to=valid_to))
    db.session.add(registration)
    db.session.commit()


def test_renewal_only_until_thirty_days_before_expiry(client, db, items, applicant):
    valid_to = clock.today() + datetime.timedelta(days=20)
    _register(db, applicant, valid_to)
    refusal = f"延续注册应当在注册有效期届满30日前申请（有效期至{valid_to.isoformat()}）"
    assert refusal in text(client.get(apply_url(items["renewal"])))


def test_add_specialty_needs_a_new_certificate(client, db, items, applicant):
    _register(db, applicant, clock.today() + datetime.timedelta(days=400))
    assert "尚未注册的专业" in text(client.get(apply_url(items["add"])))


def test_nobody_registers_at_sixty_five(client, db, items, register_person):
    birth = clock.today().replace(year=clock.today().year - 66)
    person = register_person(
        document_number=make_resident_id("110105", birth, 17), phone="13655550000", email="old@example.cn"
    )
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    pass_face_check(client, account.id, face.ONLINE_SERVICE)
    assert "65岁" in text(client.get(apply_url(items["initial"])))


def test_one_open_case_per_item(client, db, items, applicant, request_sms):
    item = items["initial"]
    client.post(
        apply_url(item), data=form(item, _sms(client, request_sms, applicant)), content_type="multipart/form-data"
    )
    page = text(client.get(apply_url(item)))
    assert "已有正在办理" in page


def test_draft_keeps_what_was_typed(client, db, items, applicant):
    item = items["initial"]
    data = {"action": "draft", "nation": "回族", "school": "清华大学"}
    assert client.post(apply_url(item), data=data, content_type="multipart/form-data").status_code == 302
    html = client.get(apply_url(item)).get_data(as_text=True)
    assert 'value="回族"' in html and 'value="清华大学"' in html
    assert db.session.query(Application).one().status == Status.DRAFT


def test_return_and_resubmit_only_the_flagged_material(client, db, items, applicant, request_sms, staff_factory, app):
    item = items["initial"]
    client.post(
        apply_url(item), data=form(item, _sms(client, request_sms, applicant)), content_type="multipart/form-data"
    )
    case = db.session.query(Application).one()
    photo = photo_of(item)

    staff_client = app.test_client()
    staff_factory("AcceptanceOfficer", username="acceptor")
    login = staff_client.post("/admin/login/", data={"username": "acceptor", "password": "Staff@2026pass"})
    assert login.headers["Location"].endswith("/admin/"), login.get_data(as_text=True)[:3000]
    response = staff_client.post(
        f"/admin/cases/{case.id}/return",
        data={"reason": "照片不符合要求", f"flag_{photo.id}": "1", f"defect_{photo.id}": "背景不是白色"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.RETURNED

    page = text(client.get(f"/services/item/{item.code}/correction"))
    assert "照片不符合要求" in page and "背景不是白色" in page

    id_doc = item.materials[0]
    assert id_doc != photo
    code = _sms(client, request_sms, applicant)
    refused = client.post(
        f"/services/item/{item.code}/correction",
        data={"commitment": "yes", "sms_code": code, f"material_{id_doc.id}": (io.BytesIO(jpeg_bytes()), "again.jpg")},
        content_type="multipart/form-data",
    )
    assert "只能重新上传退回通知中列出的材料" in text(refused)

    response = client.post(
        f"/services/item/{item.code}/correction",
        data={
            "commitment": "yes",
            "sms_code": code,
            "explanation": "已更换白底照片",
            f"material_{photo.id}": (io.BytesIO(jpeg_bytes("white")), "photo-v2.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)[:1500]
    db.session.expire_all()
    case = db.session.get(Application, case.id)
    assert case.status == Status.RESUBMITTED
    versions = sorted((a.material_id, a.version, a.is_current) for a in case.attachments)
    assert (photo.id, 1, False) in versions and (photo.id, 2, True) in versions
    assert (id_doc.id, 1, True) in versions, "unflagged materials are kept as they were"
    progress = text(client.get(f"/user/cases/{case.number}"))
    assert "退回补正" in progress and "背景不是白色" in progress


def test_nobody_sees_another_persons_case_or_attachment(
    client, db, items, applicant, request_sms, app, register_person
):
    item = items["initial"]
    client.post(
        apply_url(item), data=form(item, _sms(client, request_sms, applicant)), content_type="multipart/form-data"
    )
    case = db.session.query(Application).one()
    attachment = case.attachments[0]
    assert client.get(f"/user/cases/{case.number}").status_code == 200
    assert client.get(f"/user/attachments/{attachment.id}").status_code == 200

    other = app.test_client()
    stranger = register_person(
        document_number=make_resident_id("110105", datetime.date(1990, 5, 5), 33),
        phone="13688889999",
        email="s@example.cn",
    )
    other.post(
        "/account/login", data={"kind": "personal", "identifier": stranger["phone"], "password": stranger["password"]}
    )
    assert other.get(f"/user/cases/{case.number}").status_code == 404
    assert other.get(f"/user/attachments/{attachment.id}").status_code == 404
    assert case.number not in other.get("/user/cases").get_data(as_text=True)
    anonymous = app.test_client()
    assert anonymous.get(f"/user/attachments/{attachment.id}").status_code == 302


def test_my_cases_lists_status_and_progress(client, db, items, applicant, request_sms):
    item = items["initial"]
    client.post(
        apply_url(item), data=form(item, _sms(client, request_sms, applicant)), content_type="multipart/form-data"
    )
    case = db.session.query(Application).one()
    page = text(client.get("/user/cases"))
    assert case.number in page and "已提交" in page
    progress = text(client.get(f"/user/cases/{case.number}"))
    assert "20个工作日" in progress and "申请已提交" in progress


def test_guide_page_shows_everything_and_is_printable(client, db, items):
    item = items["initial"]
    page = text(client.get(f"/services/guide/{item.code}"))
    for label in (
        "事项编码",
        "设定依据",
        "受理条件",
        "办理流程",
        "承诺时限",
        "收费标准",
        "咨询电话",
        "办理地点",
        "申请材料",
        "身份证明",
        "必要",
        "打印",
    ):
        assert label in page, label
    assert "@media print" in client.get("/static/css/portal.css").get_data(as_text=True)


def test_items_without_online_processing_say_so(client, db, items):
    closed = (
        db.session.query(ServiceItem)
        .filter(ServiceItem.online_kind.is_(None), ServiceItem.category == "personal")
        .first()
    )
    page = text(client.get("/services/"))
    assert closed.name in page and "暂未开通网上办理" in page
    for group in ("建造师", "注册建筑师", "勘察设计注册工程师", "监理工程师", "造价工程师"):
        assert group in page
    response = client.get(f"/services/item/{closed.code}")
    assert response.status_code == 302


# --- one unit of work -----------------------------------------------------------------------


@pytest.fixture
def stored_names(monkeypatch):
    """The names of the files storage writes during the test."""
    from app.services.platform import storage

    names, save = [], storage.save

    def recording_save(*args, **kwargs):
        stored = save(*args, **kwargs)
        names.append(stored.stored_name)
        return stored

    monkeypatch.setattr(storage, "save", recording_save)
    return names


def _direct_submission(db, items, applicant, token):
    from app.services.cases.uploads import Upload

    item = items["initial"]
    account = db.session.get(Account, applicant["account_id"])
    data = {k: v for k, v in form(item, "").items() if not k.startswith("material_")}
    uploads = {m.id: Upload(f"m{m.id}.jpg", jpeg_bytes()) for m in item.materials if m.required}
    return (account, item, data, uploads), {
        "commitment": True,
        "submit_token": token,
        "sms_check": lambda phone: {},
        "ip": "",
    }


def _committed_cases(db):
    """Cases another connection sees: only what was committed."""
    from sqlalchemy import func, select

    with db.engine.connect() as other:
        return other.execute(select(func.count(Application.id))).scalar()


def test_submit_once_commits_only_through_the_unit_of_work(db, items, applicant, stored_names):
    from app.services.cases import applications
    from app.services.platform import storage
    from app.services.unit_of_work import unit_of_work

    args, kwargs = _direct_submission(db, items, applicant, "tok-unit")
    application = applications.submit_once(*args, **kwargs)
    assert application.number and _committed_cases(db) == 0  # written, not committed
    db.session.rollback()
    for name in stored_names:
        storage.remove(name)

    with unit_of_work():
        first = applications.submit_once(*args, **kwargs)
    assert _committed_cases(db) == 1
    with unit_of_work():
        second = applications.submit_once(*args, **kwargs)
    assert second.id == first.id and db.session.query(Application).count() == 1


def test_a_racing_double_post_gives_the_case_that_won(db, items, applicant, stored_names, monkeypatch):
    """The second post got past the checks before the first committed: its savepoint fails on the
    unique submit_token, its own rows and files go, the unit commits, the winner is returned."""
    from app.services.cases import applications, eligibility
    from app.services.platform import storage
    from app.services.unit_of_work import unit_of_work

    args, kwargs = _direct_submission(db, items, applicant, "tok-race")
    with unit_of_work():
        winner = applications.submit_once(*args, **kwargs)
    winner_files = list(stored_names)
    real_lookup, lookups = applications.already_submitted, []

    def blind_first_lookup(account, token):
        lookups.append(token)
        return None if len(lookups) == 1 else real_lookup(account, token)

    monkeypatch.setattr(applications, "already_submitted", blind_first_lookup)
    monkeypatch.setattr(eligibility, "eligibility_problems", lambda *a, **k: [])
    with unit_of_work():
        returned = applications.submit_once(*args, **kwargs)
    loser_files = [name for name in stored_names if name not in winner_files]
    assert returned.id == winner.id and len(lookups) == 2
    assert db.session.query(Application).count() == 1 and _committed_cases(db) == 1
    assert loser_files and not any(storage.exists(name) for name in loser_files)
    assert all(storage.exists(name) for name in winner_files)


def test_a_failing_submission_leaves_no_files_and_no_rows(
    client, db, items, applicant, request_sms, stored_names, monkeypatch
):
    from app.services.cases import applications
    from app.services.errors import ServiceError
    from app.services.platform import storage

    def refuse(*args, **kwargs):  # after the files are stored and the rows added
        raise ServiceError({"__all__": "办件暂时无法登记"})

    monkeypatch.setattr(applications, "tell", refuse)
    item = items["initial"]
    response = client.post(
        apply_url(item),
        data=form(item, _sms(client, request_sms, applicant), major="保留的专业"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "办件暂时无法登记" in text(response)
    assert 'value="保留的专业"' in response.get_data(as_text=True)  # what was typed is kept
    assert stored_names and not any(storage.exists(name) for name in stored_names)
    db.session.expire_all()
    assert db.session.query(Application).count() == 0
    assert db.session.query(Attachment).count() == 0
    assert db.session.query(InboxMessage).count() == 0


def test_the_applicants_number_is_labelled_by_the_document_type(client, db, items, applicant):
    account = db.session.get(Account, applicant["account_id"])
    account.document_type, account.document_number = "passport", "EA1234567"
    db.session.commit()
    page = text(client.get(apply_url(items["initial"])))
    assert "护照号码" in page and "身份证号码" not in page


def test_a_companys_number_is_its_credit_code(app):
    from types import SimpleNamespace

    from app.views.context import document_number_label

    with app.test_request_context():
        assert document_number_label(SimpleNamespace(kind="legal", document_type=None)) == "统一社会信用代码"
        assert document_number_label(SimpleNamespace(kind="personal", document_type="resident_id")) == "身份证号码"
        assert (
            document_number_label(SimpleNamespace(kind="personal", document_type="foreign_permanent_id"))
            == "外国人永久居留身份证号码"
        )


NO_EARLIER_REGISTRATION = "重新注册适用于此前已注册、注册已失效或被注销的人员"
OTHER_OPEN_CASE = "您有同一资格的其他办件正在办理中"


def test_reregistration_needs_an_earlier_registration_that_lapsed(client, db, items, applicant):
    assert NO_EARLIER_REGISTRATION in text(client.get(apply_url(items["reregister"])))
    _register(db, applicant, clock.today() - datetime.timedelta(days=10))  # expired ten days ago
    page = text(client.get(apply_url(items["reregister"])))
    assert NO_EARLIER_REGISTRATION not in page and OTHER_OPEN_CASE not in page


def test_reregistration_is_refused_while_an_initial_registration_is_open(client, db, items, applicant, request_sms):
    _register(db, applicant, clock.today() - datetime.timedelta(days=10))
    item = items["initial"]
    response = client.post(
        apply_url(item), data=form(item, _sms(client, request_sms, applicant)), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert OTHER_OPEN_CASE in text(client.get(apply_url(items["reregister"])))


def test_one_refused_file_keeps_the_others_and_says_which_and_why(client, db, items, applicant, request_sms):
    item = items["initial"]
    photo = photo_of(item)
    fake = {f"material_{photo.id}": (io.BytesIO(b"MZ\x90\x00 not an image"), "my-photo.jpg")}
    response = client.post(
        apply_url(item),
        data=form(item, _sms(client, request_sms, applicant), **fake),
        content_type="multipart/form-data",
    )
    page = text(response)
    assert "文件 my-photo.jpg 未通过检查：" in page and "按文件内容检查" in page
    assert "以下文件已保存，无需重新选择" in page
    others = [m for m in item.materials if m.required and m.id != photo.id]
    assert others
    for material in others:
        assert f"m{material.id}.jpg" in page  # shown as 已上传 beside its material
    draft = db.session.query(Application).one()
    assert draft.status == Status.DRAFT and draft.number is None
    assert sorted(a.material_id for a in draft.attachments) == sorted(m.id for m in others)
    assert draft.data["major"] == "建筑施工管理"

    # Choosing only the refused file again is enough to submit.
    retry = {
        "commitment": "yes",
        **{k: v for k, v in form(item, _sms(client, request_sms, applicant)).items() if not k.startswith("material_")},
        f"material_{photo.id}": (io.BytesIO(jpeg_bytes()), "my-photo.jpg"),
        "submit_token": "tok-2",
    }
    assert client.post(apply_url(item), data=retry, content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert db.session.query(Application).one().number is not None


def test_register_lookup_read_once_per_unit_of_work_and_never_stale(db, items, register_person):
    """A submission asks what the registers know about the applicant four times: it is read once, and a change
    to the registers (added, flushed or committed in this session) is seen by the next question."""
    from sqlalchemy import event

    from app.services.cases import eligibility

    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    item = items["initial"]
    statements = []

    def count(conn, cursor, statement, *args):
        if "qualification_certificate" in statement or "person_registration" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert eligibility.prefill(account, item).certificates == []
        assert eligibility.eligibility_problems(account, item)  # no certificate yet: refused
        eligibility.form_problems(account, item, {}, None)
        eligibility.prefill(account, item)
        assert len(statements) == 2  # the certificates and the registration, once
        db.session.add(  # not flushed yet: the next question must see it all the same
            QualificationCertificate(
                holder_name=person["name"],
                holder_document_type="resident_id",
                holder_document_number=person["document_number"],
                qualification="constructor_1",
                specialty="建筑工程",
                certificate_number="C-ONCE-1",
                issued_on=datetime.date(2015, 1, 1),
            )
        )
        assert [c.certificate_number for c in eligibility.prefill(account, item).certificates] == ["C-ONCE-1"]
        db.session.rollback()
        assert eligibility.prefill(account, item).certificates == []  # rolled back: forgotten
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
