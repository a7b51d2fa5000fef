"""The audit trail: exported by period by the auditor (审计员), append-only in the back office, kept at least
AUDIT_RETENTION_DAYS (never below 180) and archived month by month to the file store."""

import csv
import datetime
import gzip
import hashlib
import io
import json

import pytest
from openpyxl import load_workbook

from app import clock, create_app
from app.models import AuditRecord
from app.models.platform import AuditTrailIsAppendOnly
from app.services.platform import audit_archive, file_store, jobs
from app.services.platform.audit_archive import ArchiveRefused
from tests import seaweedfs as private_s3

NOW = datetime.datetime(2026, 12, 4, 4, 0)  # naive UTC, 12:00 in Beijing

seaweedfs = private_s3.seaweedfs
s3_bucket = private_s3.s3_bucket


@pytest.fixture
def portal_test_clock():
    """The real clock here: S3 signatures carry the time (as in test_file_store.py)."""
    return None


@pytest.fixture
def archive_dir(app, tmp_path):
    before = app.config.get("AUDIT_ARCHIVE_DIR")
    app.config["AUDIT_ARCHIVE_DIR"] = str(tmp_path / "audit-archive")
    yield tmp_path / "audit-archive"
    app.config["AUDIT_ARCHIVE_DIR"] = before


def add_record(db, when: datetime.datetime, event="login.success", subject="138****0000", **detail):
    record = AuditRecord(created_at=when, event=event, subject=subject, ip_address="10.0.0.1", detail=detail)
    db.session.add(record)
    db.session.commit()
    return record


def signed_in(app, staff_factory, role, username):
    staff_factory(role, username=username)
    client = app.test_client()
    assert client.post("/admin/login/", data={"username": username, "password": "Staff@2026pass"}).status_code == 302
    return client


# --- export by period ------------------------------------------------------------------------------------------


def test_the_auditor_exports_a_period_as_csv_and_excel_and_the_export_is_recorded(app, db, staff_factory):
    # 2026-11-30 23:30 in Beijing is 15:30 UTC: inside a period that ends on 11-30, whatever UTC says.
    inside = add_record(db, datetime.datetime(2026, 11, 30, 15, 30), subject="ins****ide", reason="张三")
    add_record(db, datetime.datetime(2026, 11, 30, 16, 30), subject="aft****ter")  # 12-01 00:30 Beijing
    add_record(db, datetime.datetime(2026, 10, 31, 15, 59), subject="bef****ore")  # 10-31 23:59 Beijing
    auditor = signed_in(app, staff_factory, "Auditor", "shenji")

    form = auditor.get("/auditrecordadminview/export/")
    assert form.status_code == 200 and "导出审计日志" in form.get_data(as_text=True)

    response = auditor.get("/auditrecordadminview/export/?start=2026-11-01&end=2026-11-30&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "audit-20261101-20261130.csv" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][:4] == ["记录编号", "时间（北京时间）", "事件代码", "事件"]
    assert [row[4] for row in table[1:]] == ["ins****ide"]
    assert table[1][0] == str(inside.id) and table[1][1] == "2026-11-30 23:30:00" and table[1][3] == "登录成功"
    assert json.loads(table[1][8]) == {"reason": "张三"}

    response = auditor.get("/auditrecordadminview/export/?start=2026-10-31&end=2026-11-30&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    subjects = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert subjects == ["bef****ore", "ins****ide"]

    exports = db.session.query(AuditRecord).filter_by(event="audit.exported").order_by(AuditRecord.id).all()
    assert [(e.detail["start"], e.detail["end"], e.detail["format"]) for e in exports] == [
        ("2026-11-01", "2026-11-30", "csv"),
        ("2026-10-31", "2026-11-30", "xlsx"),
    ]
    assert all(e.actor_id is not None for e in exports)


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2026-11-31&end=2026-12-01&format=csv", "请按 YYYY-MM-DD 填写日期"),
        ("start=2026-12-02&end=2026-12-01&format=csv", "结束日期早于开始日期"),
        ("start=2025-01-01&end=2026-12-01&format=csv", "每次最多 366 天"),
        ("start=2026-11-01&end=2026-12-01&format=pdf", "请选择 CSV 或 Excel"),
    ],
)
def test_a_wrong_period_is_refused_beside_its_field(app, db, staff_factory, query, message):
    auditor = signed_in(app, staff_factory, "Auditor", "shenji")
    response = auditor.get("/auditrecordadminview/export/?" + query)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.query(AuditRecord).filter_by(event="audit.exported").count() == 0


def test_the_account_officer_reads_the_trail_but_does_not_export_it(app, db, staff_factory):
    officer = signed_in(app, staff_factory, "AccountOfficer", "zhanghao")
    assert officer.get("/auditrecordadminview/list/").status_code == 200
    assert officer.get("/auditrecordadminview/export/?start=2026-11-01&end=2026-11-30&format=csv").status_code == 403


def test_the_auditor_reaches_the_audit_trail_only(app, db, staff_factory):
    auditor = signed_in(app, staff_factory, "Auditor", "shenji")
    assert auditor.get("/auditrecordadminview/list/").status_code == 200
    for url in ("/portalaccountadminview/list/", "/smsoutboxadminview/list/", "/admin/statistics/", "/admin/workflow/"):
        assert auditor.get(url).status_code == 403, url


# --- append-only --------------------------------------------------------------------------------------------


def test_nobody_adds_edits_or_deletes_audit_records_in_the_back_office_not_even_admin(app, db, staff_factory):
    record = add_record(db, clock.now() - datetime.timedelta(hours=1), subject="kee****p")
    admin = signed_in(app, staff_factory, "Admin", "root")
    assert admin.get(f"/auditrecordadminview/show/{record.id}").status_code == 200
    routes = ["/auditrecordadminview/add", f"/auditrecordadminview/edit/{record.id}"]
    routes.append(f"/auditrecordadminview/delete/{record.id}")
    for url in routes:
        assert admin.get(url).status_code == 403, url
        assert admin.post(url, data={"event": "forged", "subject": "x"}).status_code == 403, url
    # No list action (a bulk delete) exists either.
    view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "AuditRecordAdminView")
    assert not view.actions
    assert {p for p in view.base_permissions} == {"can_list", "can_show", "can_export"}
    admin.post("/auditrecordadminview/action_post", data={"action": "muldelete", "rowid": [record.id]})
    db.session.expire_all()
    kept = db.session.get(AuditRecord, record.id)
    assert kept is not None and kept.subject == "kee****p" and kept.event == "login.success"
    assert db.session.query(AuditRecord).filter(AuditRecord.event == "forged").count() == 0


def test_the_models_refuse_to_change_or_delete_an_audit_record(db):
    record = add_record(db, clock.now(), subject="kee****p")
    record.subject = "changed"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditRecord, record.id))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditRecord, record.id).subject == "kee****p"


# --- retention and archive ------------------------------------------------------------------------------------


def test_a_retention_below_six_months_is_refused_at_start():
    with pytest.raises(ValueError, match="AUDIT_RETENTION_DAYS=179"):
        create_app({"AUDIT_RETENTION_DAYS": 179, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_whole_months_past_the_retention_go_to_the_store_and_leave_the_table(app, db, archive_dir):
    # Retention 180 days before 2026-12-04 (Beijing) is 2026-06-07: May and before are archived, June stays.
    may = [add_record(db, datetime.datetime(2026, 5, d, 3, 0), subject=f"may{d}", n=d).id for d in (1, 15, 31)]
    add_record(db, datetime.datetime(2026, 3, 31, 16, 30), subject="april")  # 04-01 00:30 Beijing
    add_record(db, datetime.datetime(2026, 6, 1, 3, 0), subject="june")
    add_record(db, datetime.datetime(2026, 12, 1, 3, 0), subject="recent")

    with app.app_context():
        assert audit_archive.archive(NOW) == {"months": 2, "records": 4}

    remaining = {r.subject for r in db.session.query(AuditRecord).filter(AuditRecord.event != "audit.archived")}
    assert remaining == {"june", "recent"}
    assert db.session.query(AuditRecord).filter_by(event="audit.archived").one().detail["records"] == 4

    manifest = json.loads((archive_dir / "audit-manifest.json").read_text())
    assert sorted(manifest["files"]) == ["audit-2026-04.jsonl.gz", "audit-2026-05.jsonl.gz"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((archive_dir / name).read_bytes()).hexdigest() == entry["sha256"]
    lines = [json.loads(x) for x in gzip.decompress((archive_dir / "audit-2026-05.jsonl.gz").read_bytes()).splitlines()]
    assert [line["id"] for line in lines] == may
    assert lines[0]["subject"] == "may1" and lines[0]["detail"] == {"n": 1}
    assert lines[0]["created_at"] == "2026-05-01T03:00:00Z"
    assert [line["subject"] for line in audit_archive.read_month("audit-2026-04.jsonl.gz")] == ["april"]

    with app.app_context():  # a second run finds nothing more
        assert audit_archive.archive(NOW) == {"months": 0, "records": 0}


def test_a_longer_retention_keeps_more_and_a_late_row_of_an_archived_month_is_merged(app, db, archive_dir):
    add_record(db, datetime.datetime(2026, 5, 2, 3, 0), subject="first")
    app.config["AUDIT_RETENTION_DAYS"] = 365
    try:
        with app.app_context():
            assert audit_archive.archive(NOW) == {"months": 0, "records": 0}
    finally:
        app.config["AUDIT_RETENTION_DAYS"] = 180
    with app.app_context():
        audit_archive.archive(NOW)
    add_record(db, datetime.datetime(2026, 5, 3, 3, 0), subject="late")  # e.g. a run stopped before deleting it
    with app.app_context():
        assert audit_archive.archive(NOW)["records"] == 1
        subjects = [line["subject"] for line in audit_archive.read_month("audit-2026-05.jsonl.gz")]
    assert subjects == ["first", "late"]


def test_the_archive_goes_to_the_s3_bucket(app, db, s3_bucket):
    add_record(db, datetime.datetime(2026, 5, 2, 3, 0), subject="in-s3")
    with app.app_context():
        assert audit_archive.archive(NOW) == {"months": 1, "records": 1}
        store = file_store.file_store()
        assert store.names("audit") == ["audit-2026-05.jsonl.gz", "audit-manifest.json"]
        assert [line["subject"] for line in audit_archive.read_month("audit-2026-05.jsonl.gz")] == ["in-s3"]
        key = store.key("audit", "audit-2026-05.jsonl.gz")
    assert key == s3_bucket.prefix + "audit/audit-2026-05.jsonl.gz"
    assert db.session.query(AuditRecord).filter_by(subject="in-s3").count() == 0


def test_rows_stay_in_the_table_when_the_archive_does_not_read_back(app, db, archive_dir, monkeypatch):
    add_record(db, datetime.datetime(2026, 5, 2, 3, 0), subject="precious")
    real_save = file_store.LocalStore.save

    def lossy_save(self, area, name, data, content_type="application/octet-stream"):
        real_save(self, area, name, data[:-1] if name.endswith(".gz") else data, content_type)

    monkeypatch.setattr(file_store.LocalStore, "save", lossy_save)
    with app.app_context(), pytest.raises(ArchiveRefused):
        audit_archive.archive(NOW)
    db.session.rollback()
    assert db.session.query(AuditRecord).filter_by(subject="precious").count() == 1


def test_a_changed_archive_file_is_refused_and_its_month_stays_in_the_table(app, db, archive_dir):
    add_record(db, datetime.datetime(2026, 5, 2, 3, 0), subject="first")
    with app.app_context():
        audit_archive.archive(NOW)
    path = archive_dir / "audit-2026-05.jsonl.gz"
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))
    add_record(db, datetime.datetime(2026, 5, 3, 3, 0), subject="second")
    with app.app_context(), pytest.raises(ArchiveRefused):
        audit_archive.archive(NOW)
    db.session.rollback()
    assert db.session.query(AuditRecord).filter_by(subject="second").count() == 1


def test_the_command_and_the_daily_beat_job_archive(app, db, archive_dir):
    add_record(db, clock.now() - datetime.timedelta(days=400), subject="old")
    result = app.test_cli_runner().invoke(args=["portal", "archive-audit"])
    assert result.exit_code == 0, result.output
    assert "1 record(s)" in result.output
    assert db.session.query(AuditRecord).filter_by(subject="old").count() == 0
    schedule = jobs._settings(app.config)["beat_schedule"]["audit-archive"]
    assert schedule["task"] == "portal.housekeeping.audit_archive"
    assert schedule["task"] in jobs.celery.tasks
