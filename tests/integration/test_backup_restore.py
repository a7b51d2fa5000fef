"""The backup-and-restore drill: fill, back up, wipe, restore into a new database, store and key path, and find
every case, file (by checksum), certificate signature (with the restored key) and sign-in again; a changed byte
anywhere in a backup is refused before anything is written.

Runs on PostgreSQL when TEST_DATABASE_URL is set (pg_dump / pg_restore into a database made for the test),
on SQLite otherwise (the backup API). bench/backup.py measures it at a larger scale.
"""

import hashlib
import json
import shutil
import uuid

import pytest
from sqlalchemy import inspect
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db as _db
from app.models import Application, Attachment, AuditRecord, CertificateEndorsement, ServiceMaterial
from app.services.certificates import lifecycle, signing
from app.services.platform import storage
from app.services.platform.file_store import file_store
from app.services.platform.file_store import read as read_file
from tests import seaweedfs as private_s3
from tests.factories import AccountFactory, ApplicationFactory, PersonRegistrationFactory

seaweedfs = private_s3.seaweedfs
s3_bucket = private_s3.s3_bucket

PASSWORD = "Restore@2026"
PDF = b"%PDF-1.4\n% drill\n"


@pytest.fixture
def portal_test_clock():
    """The real clock here: S3 signatures carry the time (as in test_file_store.py)."""
    return None


@pytest.fixture
def source_store(app, tmp_path):
    """The portal's files (uploads, certificate and notice caches, audit archive) in folders of this test."""
    folders = {
        key: tmp_path / "source" / key
        for key in ("UPLOAD_DIR", "AUDIT_ARCHIVE_DIR", "NOTICE_CACHE_DIR", "CERTIFICATE_CACHE_DIR")
    }
    before = {key: app.config.get(key) for key in folders}
    app.config.update({key: str(path) for key, path in folders.items()})
    yield tmp_path / "source"
    app.config.update(before)


def fill(db, cases=3):
    """Citizens with a password, their cases with an attachment each, and endorsed (signed) certificates."""
    material = db.session.query(ServiceMaterial).first()
    expected = {"cases": {}, "files": {}, "signatures": {}, "accounts": []}
    for n in range(cases):
        account = AccountFactory(password=generate_password_hash(PASSWORD))
        case = ApplicationFactory(account=account, status="issued", data={"note": f"第{n}件"})
        data = PDF + f"case {n}\n".encode() * (n + 1)
        stored = storage.store_checked(data, "application/pdf", "pdf")
        db.session.add(
            Attachment(
                application=case,
                material_id=material.id,
                original_name=f"材料{n}.pdf",
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
        )
        registration = PersonRegistrationFactory(
            holder_name=account.real_name, holder_document_number=account.document_number
        )
        db.session.flush()
        certificate = lifecycle.issue_for(registration)
        endorsement = lifecycle.endorse(account, certificate, "bidding")
        db.session.flush()
        expected["cases"][case.number] = (case.status, case.data, len(case.events))
        expected["files"][stored.stored_name] = hashlib.sha256(data).hexdigest()
        expected["signatures"][endorsement.public_code] = (endorsement.payload, endorsement.signature)
        expected["accounts"].append(account.phone)
    file_store().save("audit", "audit-2026-01.jsonl.gz", b"archived month", "application/gzip")
    expected["files"]["audit-2026-01.jsonl.gz"] = hashlib.sha256(b"archived month").hexdigest()
    db.session.commit()
    return expected


def restored_app(url, tmp_path, **overrides):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "CERTIFICATE_SIGNING_KEY_PATH": str(tmp_path / "restored" / "keys" / "certificate-sm2.json"),
            "UPLOAD_DIR": str(tmp_path / "restored" / "uploads"),
            "CERTIFICATE_CACHE_DIR": str(tmp_path / "restored" / "certificates"),
            "NOTICE_CACHE_DIR": str(tmp_path / "restored" / "notices"),
            "AUDIT_ARCHIVE_DIR": str(tmp_path / "restored" / "audit"),
            **overrides,
        }
    )


def drill(app, db, tmp_path, empty_database_url, wipe, **restored_overrides):
    """Fill, back up through the command, ``wipe`` the files, restore into a new installation, check everything."""
    expected = fill(db)
    original_key = signing.installation_key()
    folder = tmp_path / "backup"

    result = app.test_cli_runner().invoke(args=["portal", "backup", str(folder)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["file"] in {"database.dump", "database.sqlite3"}
    stored = {name.rsplit("/", 1)[1] for name in manifest["files"] if name.startswith("store/")}
    assert stored == set(expected["files"])
    assert "keys/certificate-sm2.json" in manifest["files"]
    assert folder.stat().st_mode & 0o077 == 0  # the signing key and personal data: the service user's only

    wipe()
    assert not any(file_store().names(area) for area in ("uploads", "audit"))
    restored = restored_app(empty_database_url, tmp_path, **restored_overrides)
    try:
        with restored.app_context():  # the CLI runner uses the current application's context when there is one
            result = restored.test_cli_runner().invoke(args=["portal", "restore", str(folder)])
            assert result.exit_code == 0, result.output
            cases = {
                case.number: (case.status, case.data, len(case.events)) for case in _db.session.query(Application).all()
            }
            assert cases == expected["cases"]
            files = {a.stored_name: a.sha256 for a in _db.session.query(Attachment).all()}
            for name, digest in expected["files"].items():
                area = "audit" if name.startswith("audit-") else "uploads"
                assert hashlib.sha256(read_file(file_store(), area, name)).hexdigest() == digest
                assert files.get(name, digest) == digest
            key = signing.installation_key()
            assert key == original_key
            endorsements = _db.session.query(CertificateEndorsement).all()
            assert {e.public_code: (e.payload, e.signature) for e in endorsements} == expected["signatures"]
            for endorsement in endorsements:
                assert signing.verify(endorsement.payload.encode(), endorsement.signature, key.public_key)
                assert lifecycle.verify_code(endorsement.public_code).authentic
        client = restored.test_client()
        response = client.post(
            "/account/login", data={"kind": "personal", "identifier": expected["accounts"][0], "password": PASSWORD}
        )
        assert response.status_code == 302 and response.headers["Location"] == "/user/"
        with restored.app_context():
            assert _db.session.query(AuditRecord).filter_by(event="login.success").count() == 1
    finally:
        with restored.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_everything_backed_up_comes_back_in_a_new_database_store_and_key_path(
    app, db, source_store, empty_database_url, tmp_path
):
    drill(app, db, tmp_path, empty_database_url, lambda: shutil.rmtree(source_store))


def test_the_drill_with_the_files_in_s3(app, db, s3_bucket, empty_database_url, tmp_path):
    def wipe():
        store = file_store()
        for area in ("uploads", "audit"):
            for name in store.names(area):
                store.remove(area, name)

    new_prefix = f"restored-{uuid.uuid4().hex[:12]}/"
    drill(app, db, tmp_path, empty_database_url, wipe, **{**s3_settings(app), "S3_PREFIX": new_prefix})


def s3_settings(app) -> dict:
    names = ("STORAGE_BACKEND", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_SEND")
    return {name: app.config[name] for name in names}


@pytest.mark.parametrize("victim", ["store", "database", "keys"])
def test_a_backup_with_one_changed_byte_is_refused_before_anything_is_written(
    app, db, source_store, empty_database_url, tmp_path, victim
):
    fill(db, cases=1)
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["portal", "backup", str(folder)]).exit_code == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    changed = next(name for name in sorted(manifest["files"]) if name.startswith(victim))
    data = bytearray((folder / changed).read_bytes())
    data[len(data) // 2] ^= 0x01
    (folder / changed).write_bytes(bytes(data))

    restored = restored_app(empty_database_url, tmp_path)
    try:
        with restored.app_context():
            result = restored.test_cli_runner().invoke(args=["portal", "restore", str(folder)])
            assert result.exit_code != 0
            assert changed in result.output and "校验值不符" in result.output and "未恢复任何内容" in result.output
            assert inspect(_db.engine).get_table_names() == []
            assert not any(file_store().names(area) for area in ("uploads", "audit"))
        assert not (tmp_path / "restored" / "keys" / "certificate-sm2.json").exists()
    finally:
        with restored.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_restore_refuses_a_database_that_is_in_use_and_a_folder_that_is_no_backup(app, db, source_store, tmp_path):
    fill(db, cases=1)
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["portal", "backup", str(folder)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["portal", "restore", str(folder)])
    assert result.exit_code != 0 and "数据库中已有数据表" in result.output
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(folder)])
    assert result.exit_code != 0 and "不是空目录" in result.output
    (tmp_path / "empty").mkdir()
    result = app.test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "empty")])
    assert result.exit_code != 0 and "manifest.json" in result.output


def test_the_instance_secret_key_travels_with_the_backup_and_replaces_a_new_installations_own(tmp_path, monkeypatch):
    import config as config_module

    def installation(name):
        monkeypatch.setattr(config_module, "INSTANCE_DIR", str(tmp_path / name))
        return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/{name}.db", "SECRET_KEY": ""})

    source = installation("source")
    assert app_secret(source) == (tmp_path / "source" / "secret_key").read_text()
    with source.app_context():
        assert source.test_cli_runner().invoke(args=["portal", "backup", str(tmp_path / "backup")]).exit_code == 0
        _db.engine.dispose()
    assert "keys/secret_key" in json.loads((tmp_path / "backup" / "manifest.json").read_text())["files"]

    target = installation("target")  # a new installation makes a key of its own when it first starts
    assert app_secret(target) != app_secret(source)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["portal", "restore", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        _db.engine.dispose()
    assert (tmp_path / "target" / "secret_key").read_text() == app_secret(source)


def app_secret(application) -> str:
    return application.config["SECRET_KEY"]


def test_restore_refuses_to_replace_a_different_signing_key(app, db, source_store, empty_database_url, tmp_path):
    fill(db, cases=1)
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(args=["portal", "backup", str(folder)]).exit_code == 0
    restored = restored_app(empty_database_url, tmp_path)
    try:
        with restored.app_context():
            other = signing.installation_key()  # this installation already signs with a key of its own
            result = restored.test_cli_runner().invoke(args=["portal", "restore", str(folder)])
            assert result.exit_code != 0 and "已存在不同的密钥" in result.output
            assert inspect(_db.engine).get_table_names() == []
            signing.forget_key()
            assert signing.installation_key() == other
    finally:
        with restored.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_a_rotated_installation_restores_with_its_retired_keys(app, db, source_store, empty_database_url, tmp_path):
    """Certificates signed before and after a key rotation both verify in the restored installation."""
    before = app.config["CERTIFICATE_SIGNING_KEY_PATH"]
    app.config["CERTIFICATE_SIGNING_KEY_PATH"] = str(tmp_path / "source-keys" / "certificate-sm2.json")
    restored = restored_app(empty_database_url, tmp_path)
    try:
        old = fill(db, cases=1)["signatures"]
        assert app.test_cli_runner().invoke(args=["portal", "rotate-signing-key"]).exit_code == 0
        new = fill(db, cases=1)["signatures"]
        folder = tmp_path / "backup"
        assert app.test_cli_runner().invoke(args=["portal", "backup", str(folder)]).exit_code == 0
        assert "keys/certificate-sm2-retired.json" in json.loads((folder / "manifest.json").read_text())["files"]

        with restored.app_context():
            result = restored.test_cli_runner().invoke(args=["portal", "restore", str(folder)])
            assert result.exit_code == 0, result.output
            assert (tmp_path / "restored" / "keys" / "certificate-sm2-retired.json").stat().st_mode & 0o077 == 0
            for code in {**old, **new}:
                assert lifecycle.verify_code(code).authentic
            key_ids = {e.key_id for e in _db.session.query(CertificateEndorsement).all()}
            assert len(key_ids) == 2 and signing.installation_key().key_id in key_ids
    finally:
        app.config["CERTIFICATE_SIGNING_KEY_PATH"] = before
        signing.forget_key()
        with restored.app_context():
            _db.session.remove()
            _db.engine.dispose()
