"""The file store (issue 17 item 1): one contract for the local folders and for S3 (a real SeaweedFS).

The contract tests run once per store; the portal tests run with STORAGE_BACKEND=s3 and look into the bucket.
SeaweedFS starts once per session (tests/seaweedfs.py); without `weed` the S3 cases are skipped.
"""

import io
import urllib.error
import urllib.request

import pytest

from app.models import Application, ArticleAttachment
from app.services.certificates.file_cache import cached_bytes
from app.services.platform.file_store import file_store, prepare, read
from tests import seaweedfs as private_s3
from tests.integration import test_applications as application_pages
from tests.integration import test_articles_pages as article_pages
from tests.integration import test_certificates as certificate_pages

seaweedfs = private_s3.seaweedfs
s3_bucket = private_s3.s3_bucket
editor = article_pages.editor
make = article_pages.make
holder = certificate_pages.holder
items = application_pages.items
applicant = application_pages.applicant
PDF = article_pages.PDF


@pytest.fixture
def portal_test_clock():
    """The real clock here: S3 signatures carry the time, and the server refuses a request a day off
    (the suite's PORTAL_TEST_CLOCK moves the portal's clock, not the S3 server's)."""
    return None


CHINESE_NAME = "执业检查名单.pdf"


@pytest.fixture(params=["local", "s3"])
def store(request, app, db, tmp_path, monkeypatch):
    """The store under test, in the application's context: local folders of this test's own, or a fresh bucket."""
    if request.param == "local":
        monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
        for name in ("UPLOAD_DIR", "CERTIFICATE_CACHE_DIR", "NOTICE_CACHE_DIR", "AUDIT_ARCHIVE_DIR"):
            monkeypatch.setitem(app.config, name, str(tmp_path / name.lower()))
    else:
        request.getfixturevalue("s3_bucket")
    return file_store()


# --- the contract, for both stores ------------------------------------------------------------


def test_a_saved_file_reads_back_whole_and_a_second_save_replaces_it(store):
    store.save("uploads", "ab12.pdf", PDF, "application/pdf")
    assert store.exists("uploads", "ab12.pdf")
    assert read(store, "uploads", "ab12.pdf") == PDF
    store.save("uploads", "ab12.pdf", b"%PDF-2", "application/pdf")
    with store.open("uploads", "ab12.pdf") as handle:
        assert handle.read() == b"%PDF-2"


def test_names_lists_every_file_of_an_area_and_nothing_else(store):
    assert store.names("uploads") == []
    for name in ("ff01.pdf", "0a02.png", "ff03.pdf"):  # the local store files uploads in sub-folders
        store.save("uploads", name, b"x")
    store.save("audit", "audit-2026-05.jsonl.gz", b"y")
    assert store.names("uploads") == ["0a02.png", "ff01.pdf", "ff03.pdf"]
    assert store.names("audit") == ["audit-2026-05.jsonl.gz"]
    assert store.names("notices") == []
    store.remove("uploads", "ff01.pdf")
    assert store.names("uploads") == ["0a02.png", "ff03.pdf"]


def test_areas_keep_their_files_apart(store):
    store.save("certificates", "1-ABC-v1.pdf", b"certificate")
    store.save("notices", "1-ABC-v1.pdf", b"notice")
    assert read(store, "certificates", "1-ABC-v1.pdf") == b"certificate"
    assert read(store, "notices", "1-ABC-v1.pdf") == b"notice"
    assert not store.exists("uploads", "1-ABC-v1.pdf")


def test_a_missing_file_is_file_not_found_and_removing_it_is_harmless(app, store):
    assert not store.exists("uploads", "missing.pdf")
    with pytest.raises(FileNotFoundError):
        store.open("uploads", "missing.pdf")
    store.remove("uploads", "missing.pdf")
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        store.send("uploads", "missing.pdf", mimetype="application/pdf", download_name="x.pdf")


def test_a_removed_file_is_gone(store):
    store.save("uploads", "cd34.png", b"\x89PNG")
    store.remove("uploads", "cd34.png")
    assert not store.exists("uploads", "cd34.png")
    with pytest.raises(FileNotFoundError):
        store.open("uploads", "cd34.png")


@pytest.mark.parametrize("name", ["../secret_key", "a/b.pdf", "a\\b.pdf", ".hidden", ""])
def test_names_with_folders_are_refused(store, name):
    with pytest.raises(ValueError):
        store.save("uploads", name, b"x")
    with pytest.raises(ValueError):
        store.open("uploads", name)


def test_an_unknown_area_is_refused(store):
    with pytest.raises(ValueError):
        store.save("keys", "certificate-sm2.json", b"x")


def test_send_is_a_download_under_the_given_chinese_name(app, store):
    store.save("uploads", "ef56.pdf", PDF, "application/pdf")
    with app.test_request_context():
        response = store.send("uploads", "ef56.pdf", mimetype="application/pdf", download_name=CHINESE_NAME)
        response.direct_passthrough = False
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.get_data() == PDF
        assert response.content_length == len(PDF)
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "UTF-8''%E6%89%A7%E4%B8%9A" in disposition


def test_a_cached_document_is_rendered_once(store):
    renders = []

    def render():
        renders.append(1)
        return b"rendered"

    assert cached_bytes("notices", "A-1-v1.pdf", render, "application/pdf") == b"rendered"
    assert cached_bytes("notices", "A-1-v1.pdf", render, "application/pdf") == b"rendered"
    assert len(renders) == 1 and store.exists("notices", "A-1-v1.pdf")


# --- S3 only: the bucket, the signed links ------------------------------------------------------


def test_s3_files_are_objects_of_the_bucket_under_their_area(app, db, s3_bucket):
    file_store().save("uploads", "0123abcd.pdf", PDF, "application/pdf")
    assert s3_bucket.keys() == {"uploads/0123abcd.pdf"}
    head = s3_bucket.client().head_object(Bucket=s3_bucket.bucket, Key=s3_bucket.prefix + "uploads/0123abcd.pdf")
    assert head["ContentType"] == "application/pdf" and head["ContentLength"] == len(PDF)


def test_the_bucket_is_not_public(app, db, s3_bucket):
    file_store().save("uploads", "0123abcd.pdf", PDF, "application/pdf")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(
            f"{s3_bucket.endpoint}/{s3_bucket.bucket}/{s3_bucket.prefix}uploads/0123abcd.pdf", timeout=10
        )
    assert refused.value.code == 403


def test_s3_redirect_mode_sends_a_signed_link_that_downloads_the_file(app, db, s3_bucket, monkeypatch):
    monkeypatch.setitem(app.config, "S3_SEND", "redirect")
    store = file_store()
    store.save("uploads", "9876fedc.pdf", PDF, "application/pdf")
    with app.test_request_context():
        response = store.send("uploads", "9876fedc.pdf", mimetype="application/pdf", download_name=CHINESE_NAME)
        with pytest.raises(FileNotFoundError):
            store.send("uploads", "gone.pdf", mimetype="application/pdf", download_name="gone.pdf")
    assert response.status_code == 302 and response.headers["Cache-Control"] == "no-store"
    link = response.headers["Location"]
    assert (
        link.startswith(f"{s3_bucket.endpoint}/{s3_bucket.bucket}/{s3_bucket.prefix}uploads/9876fedc.pdf?")
        and "X-Amz-Signature=" in link
    )
    with urllib.request.urlopen(link, timeout=10) as download:
        assert download.read() == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert "UTF-8''%E6%89%A7%E4%B8%9A" in download.headers["Content-Disposition"]
    with pytest.raises(urllib.error.HTTPError) as refused:  # the signature covers the object it names
        urllib.request.urlopen(link.replace("9876fedc.pdf", "0000.pdf"), timeout=10)
    assert refused.value.code == 403


def test_bootstrap_creates_a_missing_bucket(app, db, s3_bucket, monkeypatch):
    monkeypatch.setitem(app.config, "S3_BUCKET", "created-at-bootstrap")
    assert prepare() == "S3 bucket created-at-bootstrap ready"
    file_store().save("uploads", "0123abcd.pdf", PDF, "application/pdf")
    assert file_store().exists("uploads", "0123abcd.pdf")
    assert prepare() == "S3 bucket created-at-bootstrap ready"
    assert file_store().exists("uploads", "0123abcd.pdf"), "an existing bucket is kept as it is"


def test_the_local_store_needs_no_preparation(app, db):
    assert app.config["STORAGE_BACKEND"] == "local", "the default: make run needs nothing new"
    assert prepare() is None


# --- the portal on S3 ---------------------------------------------------------------------------------


def test_an_attachment_uploaded_through_the_back_office_lands_in_the_bucket_and_downloads_back(
    editor,
    db,
    make,
    client,
    s3_bucket,
    app,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "local-uploads"))
    article = make("附件在对象存储")
    response = editor.post(
        f"/admin/articles/{article.id}/attachments",
        data={"file": (io.BytesIO(PDF), CHINESE_NAME)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = db.session.query(ArticleAttachment).one()
    assert s3_bucket.keys() == {f"uploads/{attachment.stored_name}"}
    assert not (tmp_path / "local-uploads").exists(), "nothing on this machine's disk"
    public = client.get(f"/articles/attachments/{attachment.id}")
    assert public.status_code == 200 and public.data == PDF and public.mimetype == "application/pdf"
    assert editor.get(f"/admin/articles/attachments/{attachment.id}").data == PDF

    assert editor.post(f"/admin/articles/attachments/{attachment.id}/delete").status_code == 302
    assert s3_bucket.keys() == set()
    assert client.get(f"/articles/attachments/{attachment.id}").status_code == 404


def test_materials_submitted_through_the_portal_land_in_the_bucket_and_download_back(
    client, db, items, applicant, request_sms, s3_bucket, app, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "local-uploads"))
    item = items["initial"]
    code = request_sms(client, applicant["phone"], "application")
    response = client.post(
        application_pages.apply_url(item),
        data=application_pages.form(item, code),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    case = db.session.query(Application).one()
    assert case.attachments
    assert s3_bucket.keys() == {f"uploads/{attachment.stored_name}" for attachment in case.attachments}
    assert not (tmp_path / "local-uploads").exists(), "nothing on this machine's disk"
    for attachment in case.attachments:
        download = client.get(f"/user/attachments/{attachment.id}")
        assert download.status_code == 200 and download.mimetype == attachment.content_type
        assert download.data == s3_bucket.read(f"uploads/{attachment.stored_name}")
        assert len(download.data) == attachment.size


def test_an_attachment_whose_object_is_gone_is_not_found(editor, db, make, client, s3_bucket):
    article = make("对象已丢失")
    editor.post(
        f"/admin/articles/{article.id}/attachments",
        data={"file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.query(ArticleAttachment).one()
    s3_bucket.delete(f"uploads/{attachment.stored_name}")
    assert client.get(f"/articles/attachments/{attachment.id}").status_code == 404


def test_a_certificate_file_is_rendered_once_into_the_bucket_and_downloaded_from_it(
    client,
    holder,
    s3_bucket,
    monkeypatch,
):
    certificate_pages.face_ok(client, holder["account"])
    certificate_pages.endorse(client, holder["certificate"])
    url = f"/user/certificates/{holder['certificate'].id}/download.pdf"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/pdf" and first.data.startswith(b"%PDF-")
    keys = s3_bucket.keys()
    assert len(keys) == 1 and next(iter(keys)).startswith("certificates/") and next(iter(keys)).endswith(".pdf")
    assert s3_bucket.read(next(iter(keys))) == first.data
    from app.services.certificates import documents

    def not_again(*args):
        raise AssertionError("rendered a second time")

    monkeypatch.setattr(documents, "render", not_again)
    assert client.get(url).data == first.data, "served from the bucket the second time"
