"""证照核验 says "the file the portal issued" only of a file the portal issued byte for byte (issue 14, item 11):
a doctored page around authentic signed data is called what it is."""

import io
import re

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream

from app.models import IssuedCertificateFile
from app.services.certificates import verification
from tests.integration.test_certificates import endorse, face_ok, holder  # noqa: F401  (the fixture)

ISSUED = "该文件与门户签发的证照一致"
ALTERED = "该文件本身不是门户签发的原文件（已被改动）"


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def downloaded(client, holder, fmt):  # noqa: F811
    face_ok(client, holder["account"])
    endorse(client, holder["certificate"])
    return client.get(f"/user/certificates/{holder['certificate'].id}/download.{fmt}").data


def doctored(pdf: bytes) -> bytes:
    """The same PDF with a white box painted over part of its page; the signature attachment is kept."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[0]
    content = page.get_contents()
    assert isinstance(content, ContentStream)
    content.set_data(content.get_data() + b"\nq 1 1 1 rg 50 400 300 120 re f Q\n")
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check(client, data: bytes, name: str):
    return client.post(
        "/certificates/verify", data={"document": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_every_downloaded_file_has_its_digest_recorded(client, db, holder):  # noqa: F811
    pdf = downloaded(client, holder, "pdf")
    ofd = client.get(f"/user/certificates/{holder['certificate'].id}/download.ofd").data
    client.get(f"/user/certificates/{holder['certificate'].id}/download.pdf")  # the cached copy: no second row
    rows = db.session.query(IssuedCertificateFile).order_by(IssuedCertificateFile.id).all()
    assert [(row.format, row.sha256) for row in rows] == [
        ("pdf", verification.issued_files.sha256(pdf)),
        ("ofd", verification.issued_files.sha256(ofd)),
    ]


def test_a_doctored_pdf_with_the_signature_kept_is_not_called_the_issued_file(client, db, holder):  # noqa: F811
    pdf = downloaded(client, holder, "pdf")
    altered = doctored(pdf)
    assert altered != pdf and verification.embedded_signature(altered) == verification.embedded_signature(pdf)

    page = text(check(client, altered, "c.pdf"))
    assert "真实有效" in page and ALTERED in page and ISSUED not in page

    page = text(check(client, pdf, "c.pdf"))
    assert ISSUED in page and ALTERED not in page


def test_the_service_answers_file_matches_only_for_the_issued_bytes(client, db, holder):  # noqa: F811
    pdf = downloaded(client, holder, "pdf")
    assert verification.verify_file(pdf).file_matches is True
    checked = verification.verify_file(doctored(pdf))
    assert checked.result.valid and checked.file_matches is False
