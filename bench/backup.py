"""Benchmark of the backup-and-restore drill at a larger scale than the test (tests/integration/test_backup_restore.py).

    python bench/backup.py [--cases 2000] [--certificates 200] [--audit 20000] [--file-kb 64]
                           [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/SOME_EMPTY_DB]

Builds a throw-away installation (SQLite in a temporary folder, or the given PostgreSQL database, which must be
empty; a second database "<name>_restored" is created for the restore and dropped at the end) with CASES cases
of as many citizens, one attachment of FILE_KB each, CERTIFICATES endorsed (SM2-signed) certificates and AUDIT
audit rows; runs ``flask portal backup``'s service, restores into a new database, store and key path, checks
that every case, file checksum and signature came back, and prints records, files, bytes and seconds.
"""

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build(url: str, workdir: Path, name: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "CERTIFICATE_SIGNING_KEY_PATH": str(workdir / name / "keys" / "certificate-sm2.json"),
            "UPLOAD_DIR": str(workdir / name / "uploads"),
            "CERTIFICATE_CACHE_DIR": str(workdir / name / "certificates"),
            "NOTICE_CACHE_DIR": str(workdir / name / "notices"),
            "AUDIT_ARCHIVE_DIR": str(workdir / name / "audit"),
        }
    )


def fill(args) -> dict:
    import datetime

    from werkzeug.security import generate_password_hash

    from app import clock
    from app.extensions import db
    from app.models import Attachment, AuditRecord, ServiceMaterial
    from app.services.certificates import lifecycle
    from app.services.platform import storage
    from tests.factories import AccountFactory, ApplicationFactory, PersonRegistrationFactory

    material = db.session.query(ServiceMaterial).first()
    password = generate_password_hash("Bench@2026")  # one hash for all: hashing is not what is measured
    digests, signatures = {}, 0
    for n in range(args.cases):
        account = AccountFactory(password=password)
        case = ApplicationFactory(account=account, status="issued")
        data = b"%PDF-1.4\n" + os.urandom(args.file_kb * 1024)
        stored = storage.store_checked(data, "application/pdf", "pdf")
        db.session.add(
            Attachment(
                application=case,
                material_id=material.id,
                original_name="材料.pdf",
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
        )
        digests[stored.stored_name] = stored.sha256
        if n < args.certificates:
            registration = PersonRegistrationFactory(
                holder_name=account.real_name, holder_document_number=account.document_number
            )
            db.session.flush()
            lifecycle.endorse(account, lifecycle.issue_for(registration), "bidding")
            signatures += 1
        if n % 200 == 199:
            db.session.commit()
    start = clock.now() - datetime.timedelta(days=30)
    db.session.bulk_insert_mappings(
        AuditRecord,
        [
            {"created_at": start + datetime.timedelta(seconds=i), "event": "login.success", "subject": "", "detail": {}}
            for i in range(args.audit)
        ],
    )
    db.session.commit()
    return {"digests": digests, "signatures": signatures}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--audit", type=int, default=20000)
    parser.add_argument("--file-kb", type=int, default=64)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "test")
    from flask_appbuilder import Model
    from sqlalchemy import create_engine, func, select, text

    from app.extensions import db
    from app.models import Application, Attachment, AuditRecord, CertificateEndorsement
    from app.seed.demo_data import seed_reference_data
    from app.services.backup.drill import backup, restore
    from app.services.certificates import signing
    from app.services.platform.file_store import file_store
    from app.services.platform.file_store import read as read_file
    from app.services.platform.roles_sync import sync_roles

    workdir = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    source_url = args.database_url or f"sqlite:///{workdir}/source.db"
    restored_name = None
    if source_url.startswith("postgresql"):
        restored_name = source_url.rsplit("/", 1)[1] + "_restored_" + uuid.uuid4().hex[:6]
        restored_url = source_url.rsplit("/", 1)[0] + "/" + restored_name
    else:
        restored_url = f"sqlite:///{workdir}/restored.db"

    source = build(source_url, workdir, "source")
    with source.app_context():
        Model.metadata.create_all(db.engine)
        sync_roles(source.appbuilder)
        seed_reference_data()
        db.session.commit()
        started = time.monotonic()
        filled = fill(args)
        print(f"filled in {time.monotonic() - started:.1f} s")
        counts = {
            "cases": db.session.scalar(select(func.count()).select_from(Application)),
            "attachments": db.session.scalar(select(func.count()).select_from(Attachment)),
            "signed endorsements": db.session.scalar(select(func.count()).select_from(CertificateEndorsement)),
            "audit rows": db.session.scalar(select(func.count()).select_from(AuditRecord)),
        }
        done = backup(workdir / "backup")
        key = signing.installation_key()
        db.session.remove()
        db.engine.dispose()

    if restored_name:
        admin = create_engine(source_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{restored_name}"'))
    restored = build(restored_url, workdir, "restored")
    try:
        with restored.app_context():
            back = restore(workdir / "backup")
            assert db.session.scalar(select(func.count()).select_from(Application)) == counts["cases"]
            for name, digest in filled["digests"].items():
                assert hashlib.sha256(read_file(file_store(), "uploads", name)).hexdigest() == digest
            assert signing.installation_key() == key
            verified = sum(
                signing.verify(e.payload.encode(), e.signature, key.public_key)
                for e in db.session.query(CertificateEndorsement)
            )
            assert verified == counts["signed endorsements"]
            db.session.remove()
            db.engine.dispose()
    finally:
        if restored_name:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)'))
            admin.dispose()

    engine = "PostgreSQL (pg_dump/pg_restore)" if restored_name else "SQLite (backup API)"
    print(f"database: {engine}")
    print("records: " + ", ".join(f"{value} {name}" for name, value in counts.items()))
    print(f"files: {done.files} stored files + {done.keys} key(s), {done.bytes / 1e6:.1f} MB in the backup")
    print(f"backup:  {done.seconds:.2f} s")
    print(f"restore: {back.seconds:.2f} s (checksums verified first), then every file, case and signature checked")
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
