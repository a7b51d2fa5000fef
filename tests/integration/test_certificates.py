"""我的证照, 证照加注, downloads and 证照核验 (manual chapter 六)."""

import datetime
import io
import json
import re
import zipfile

import pytest
from pypdf import PdfReader

from app import clock
from app.models import Account, CertificateEndorsement, ElectronicCertificate, PersonRegistration, RegisteredSpecialty
from app.services.accounts import face_verification as face
from app.services.certificates import lifecycle as certificates
from tests.face_checks import pass_face_check


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def holder(client, db, register_person):
    """A signed-in citizen holding a 一级建造师 registration with its electronic certificate."""
    person = register_person()
    account = db.session.query(Account).filter_by(phone=person["phone"]).one()
    today = clock.today()
    registration = PersonRegistration(
        holder_name=account.real_name,
        holder_document_type=account.document_type,
        holder_document_number=account.document_number,
        qualification="constructor_1",
        registration_number="京1112015202600001",
        employer_name="北京建工示范建设集团有限公司",
        employer_uscc="91110105MA01B2C3X6",
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today + datetime.timedelta(days=1000),
        status="valid",
    )
    registration.specialties.append(RegisteredSpecialty(specialty="建筑工程", valid_to=registration.valid_to))
    db.session.add(registration)
    db.session.flush()
    certificate = certificates.issue_for(registration, today)
    db.session.commit()
    client.post(
        "/account/login", data={"kind": "personal", "identifier": person["phone"], "password": person["password"]}
    )
    return {"person": person, "account": account, "certificate": certificate, "registration": registration}


def face_ok(client, account):
    pass_face_check(client, account.id, face.MY_CERTIFICATES, "/user/certificates")


def endorse(client, certificate, purpose="bidding", detail=""):
    return client.post(
        "/user/certificates", data={"certificate_id": certificate.id, "purpose": purpose, "purpose_detail": detail}
    )


def test_my_certificates_needs_face_verification_of_its_own_purpose(client, holder):
    response = client.get("/user/certificates")
    assert response.status_code == 302 and "/face/my_certificates" in response.headers["Location"]
    # Passing face recognition for online services does not open the certificates.
    pass_face_check(client, holder["account"].id, face.ONLINE_SERVICE)
    assert client.get("/user/certificates").status_code == 302
    face_ok(client, holder["account"])
    page = text(client.get("/user/certificates"))
    assert "电子证照管理" in page and "京1112015202600001" in page and "未加注" in page


def test_user_center_links_to_my_certificates(client, holder):
    assert "/user/certificates" in client.get("/user/").get_data(as_text=True)


def test_not_signed_in_is_sent_to_login(client, db):
    response = client.get("/user/certificates")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_no_download_before_endorsement(client, holder):
    face_ok(client, holder["account"])
    response = client.get(f"/user/certificates/{holder['certificate'].id}/download.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/user/certificates")
    assert "请先进行证照加注" in text(client.get("/user/certificates"))


def test_endorsing_gives_180_days_and_records_it(client, db, holder):
    face_ok(client, holder["account"])
    response = endorse(client, holder["certificate"], "bidding")
    assert response.status_code == 302
    page = text(client.get("/user/certificates"))
    assert "加注成功！" in page and "已加注" in page
    endorsement = db.session.query(CertificateEndorsement).one()
    assert (endorsement.valid_to - endorsement.valid_from).days == 179
    assert endorsement.purpose == "bidding" and endorsement.account_id == holder["account"].id
    from app.models import AuditRecord

    assert db.session.query(AuditRecord).filter_by(event="certificate.endorsed").count() == 1


def test_endorsing_twice_while_live_is_refused(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    response = endorse(client, holder["certificate"], "own_record")
    assert response.status_code == 422 and "该证照已加注" in text(response)
    assert db.session.query(CertificateEndorsement).count() == 1


@pytest.mark.parametrize(
    "purpose, detail, message",
    [
        ("", "", "请选择证照用途"),
        ("other", "", "请填写证照用途"),
        ("other", "很" * 31, "不能超过30个字"),
    ],
)
def test_a_bad_endorsement_form_says_why_beside_the_field_and_keeps_the_input(
    client, db, holder, purpose, detail, message
):
    face_ok(client, holder["account"])
    response = endorse(client, holder["certificate"], purpose, detail)
    assert response.status_code == 422
    assert message in text(response)
    if detail:
        assert f'value="{detail}"' in response.get_data(as_text=True)
    assert db.session.query(CertificateEndorsement).count() == 0


def test_pdf_download_holds_the_name_and_registration_number_and_its_signature(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    response = client.get(f"/user/certificates/{holder['certificate'].id}/download.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    page_text = reader.pages[0].extract_text()
    assert holder["person"]["name"] in page_text and "京1112015202600001" in page_text
    assert "投标使用" in page_text  # the purpose watermark
    generated = re.search(r"生成时间：(\d{4}-\d\d-\d\d \d\d:\d\d)（北京时间）", page_text.replace("\n", ""))
    assert generated and generated.group(1)[:10] == clock.today().isoformat()
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 210
    signed = json.loads(reader.attachments["certificate-signature.json"][0])
    assert certificates.verify_signed(signed["payload"], signed["signature"], signed["key_id"])


def test_ofd_download_is_an_ofd_package(client, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"], "other", "资质申报")
    response = client.get(f"/user/certificates/{holder['certificate'].id}/download.ofd")
    assert response.status_code == 200 and response.mimetype == "application/ofd"
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        content = package.read("Doc_0/Pages/Page_0/Content.xml").decode("utf-8")
    assert "京1112015202600001" in content and "资质申报" in content


def test_downloads_are_cached_per_endorsement(client, app, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    url = f"/user/certificates/{holder['certificate'].id}/download.ofd"
    first = client.get(url).data
    from pathlib import Path

    cached = list(Path(app.config["CERTIFICATE_CACHE_DIR"]).glob("*.ofd"))
    assert any(p.read_bytes() == first for p in cached)
    assert client.get(url).data == first


def test_another_citizen_cannot_see_or_download_my_certificate(client, db, holder, register_person):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    certificate_id = holder["certificate"].id
    client.post("/account/logout")
    from app.services.accounts.identity_documents import make_resident_id

    stranger = register_person(
        document_number=make_resident_id("110105", datetime.date(1990, 5, 5), 33),
        phone="13655550001",
        email="stranger@example.cn",
    )
    client.post(
        "/account/login", data={"kind": "personal", "identifier": stranger["phone"], "password": stranger["password"]}
    )
    account = db.session.query(Account).filter_by(phone=stranger["phone"]).one()
    face_ok(client, account)
    assert client.get(f"/user/certificates/{certificate_id}/download.pdf").status_code == 404
    assert client.get(f"/user/certificates/{certificate_id}/preview.png").status_code == 404
    assert endorse(client, holder["certificate"]).status_code == 404
    assert "京1112015202600001" not in text(client.get("/user/certificates"))


def test_a_cancelled_registration_cannot_be_endorsed_or_downloaded(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    holder["registration"].status = "cancelled"
    db.session.commit()
    assert client.get(f"/user/certificates/{holder['certificate'].id}/download.pdf").status_code == 302
    page = text(client.get("/user/certificates"))
    assert "已注销" in page


def code_of(db):
    return db.session.query(CertificateEndorsement).one().public_code


def test_the_qr_page_shows_a_valid_certificate_to_anyone(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    code = code_of(db)
    client.post("/account/logout")
    page = text(client.get(f"/certificates/verify/{code}"))
    assert "真实有效" in page and "京1112015202600001" in page
    assert holder["person"]["name"] not in page  # the name is masked
    assert holder["person"]["document_number"] not in page


def test_a_changed_byte_in_the_signed_data_shows_as_not_authentic(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    endorsement = db.session.query(CertificateEndorsement).one()
    endorsement.payload = endorsement.payload.replace(endorsement.valid_to.isoformat(), "2099-12-31")
    db.session.commit()
    response = client.get(f"/certificates/verify/{endorsement.public_code}")
    assert "证书不真实" in text(response) and 'data-verdict="forged"' in response.get_data(as_text=True)


def test_a_revoked_registration_shows_as_not_valid(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    holder["registration"].status = "cancelled"
    db.session.commit()
    assert 'data-verdict="revoked"' in client.get(f"/certificates/verify/{code_of(db)}").get_data(as_text=True)


def test_an_expired_endorsement_shows_as_not_valid(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    verification = certificates.verify_code(code_of(db), clock.today() + datetime.timedelta(days=180))
    assert verification.authentic and verification.verdict == certificates.ENDORSEMENT_EXPIRED
    assert certificates.verify_code(code_of(db), clock.today() + datetime.timedelta(days=179)).valid


def test_an_expired_registration_shows_as_not_valid(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    holder["registration"].valid_to = clock.today() - datetime.timedelta(days=1)
    db.session.commit()
    assert 'data-verdict="expired"' in client.get(f"/certificates/verify/{code_of(db)}").get_data(as_text=True)


def test_a_change_in_the_register_makes_the_copy_outdated_and_asks_for_a_new_endorsement(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    holder["registration"].employer_name = "另一家示范建设有限公司"
    db.session.commit()
    assert 'data-verdict="data_changed"' in client.get(f"/certificates/verify/{code_of(db)}").get_data(as_text=True)
    assert "证照信息已变更" in text(client.get("/user/certificates"))
    assert endorse(client, holder["certificate"]).status_code == 302  # a new endorsement is allowed


def test_an_unknown_code_is_a_clear_404(client, db):
    response = client.get("/certificates/verify/nothing-like-this")
    assert response.status_code == 404 and "未查询到该证照" in text(response)
    assert client.get("/certificates/verify/" + "x" * 300).status_code == 404


def test_an_uploaded_pdf_or_ofd_is_checked(client, db, holder):
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    pdf = client.get(f"/user/certificates/{holder['certificate'].id}/download.pdf").data
    ofd = client.get(f"/user/certificates/{holder['certificate'].id}/download.ofd").data
    for name, data in (("c.pdf", pdf), ("c.ofd", ofd)):
        response = client.post(
            "/certificates/verify", data={"document": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        page = text(response)
        assert response.status_code == 200 and "真实有效" in page and "该文件与门户签发的证照一致" in page


def test_an_uploaded_file_that_is_not_a_certificate_gets_a_clear_message(client, db):
    response = client.post(
        "/certificates/verify",
        data={"document": (io.BytesIO(b"%PDF-1.4 junk"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "不是本门户签发的电子证照" in text(response)
    response = client.post("/certificates/verify", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择" in text(response)


def test_issuing_a_constructor_registration_creates_its_certificate(db, holder):
    assert db.session.query(ElectronicCertificate).filter_by(registration_id=holder["registration"].id).count() == 1
    assert holder["certificate"].number.startswith("JZS" + str(clock.today().year))


# --- the verification service, without the page ------------------------------------------------


def test_verify_file_refuses_what_is_not_a_certificate(db):
    from app.services.certificates import verification
    from app.services.errors import ServiceError

    for data in (b"", b"%PDF-1.4 junk", b"PK\x03\x04 not a zip", b"x" * (verification.UPLOAD_LIMIT_BYTES + 1)):
        with pytest.raises(ServiceError) as refused:
            verification.verify_file(data)
        assert set(refused.value.errors) == {"document"}


def test_verify_file_finds_a_forged_payload_and_a_foreign_copy(client, db, holder):
    from app.services.certificates import documents, verification

    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    ofd = client.get(f"/user/certificates/{holder['certificate'].id}/download.ofd").data
    checked = verification.verify_file(ofd)
    assert checked.result.valid and checked.file_matches is True

    name = f"Doc_0/Attachs/{documents.SIGNATURE_ATTACHMENT}"
    signed = verification.embedded_signature(ofd)

    def repacked(signature_file: dict) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(ofd)) as source, zipfile.ZipFile(out, "w") as target:
            for entry in source.namelist():
                data = json.dumps(signature_file).encode() if entry == name else source.read(entry)
                target.writestr(entry, data)
        return out.getvalue()

    forged = dict(signed, payload=signed["payload"].replace("bidding", "other"))
    assert forged["payload"] != signed["payload"]
    checked = verification.verify_file(repacked(forged))
    assert checked.result.verdict == certificates.FORGED and checked.file_matches is None
