"""The Alembic migrations build exactly the schema the models declare."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        engine = create_engine(empty_database_url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Model.metadata)
        engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_cases_submitted_before_the_data_scope_get_their_province(empty_database_url):
    from flask_migrate import downgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="b7c1d2e3f4a5")  # the revision before cases had a province
        engine = create_engine(empty_database_url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO service_item (id, code, category, "group", position, name, legal_basis, '
                    "conditions, process, time_limit_days, legal_time_limit_days, fee, phone, location) "
                    "VALUES (1, 'X1', 'personal', 'constructor', 0, '事项', '', '', '', 20, 20, '', '', '')"
                )
            )
            for user_id, number in ((1, "310104198001010011"), (2, "440106198001010012")):
                conn.execute(
                    text(
                        "INSERT INTO ab_user (id, first_name, last_name, username, email, active, kind, status, "
                        "document_type, document_number, session_version, needs_manual_check) VALUES "
                        f"({user_id}, 'a', 'b', 'u{user_id}', 'u{user_id}@x.cn', true, 'personal', 'active', "
                        f"'resident_id', '{number}', 0, false)"
                    )
                )
            for case_id, user_id, data in ((1, 1, '{"employer_uscc": "91110105MA01B2C3X6"}'), (2, 2, "{}")):
                conn.execute(
                    text(
                        "INSERT INTO application (id, number, account_id, item_id, status, data, correction, commitment, "
                        f"created_at, updated_at) VALUES ({case_id}, 'N{case_id}', {user_id}, 1, 'submitted', :data, '', "
                        "true, '2026-01-01', '2026-01-01')"
                    ),
                    {"data": data},
                )
        upgrade()
        with engine.connect() as conn:
            provinces = dict(conn.execute(text("SELECT id, province FROM application")).all())
        engine.dispose()
        downgrade(revision="b7c1d2e3f4a5")  # and the way back still works
    assert provinces == {1: "北京市", 2: "广东省"}


def test_json_kept_as_text_reads_back_as_json_after_the_upgrade(empty_database_url):
    from flask_migrate import downgrade

    from app.models import Application, ApplicationEvent, AuditRecord, LegalRepChange

    before_json = "d8a3b6c9e0f1"  # the revision whose columns still held JSON as Text
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=before_json)
        engine = create_engine(empty_database_url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO service_item (id, code, category, "group", position, name, legal_basis, '
                    "conditions, process, time_limit_days, legal_time_limit_days, fee, phone, location) "
                    "VALUES (1, 'X1', 'personal', 'constructor', 0, '事项', '', '', '', 20, 20, '', '', '')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO enterprise (id, name, uscc, entity_type, legal_rep_name, legal_rep_document_type, "
                    "legal_rep_document_number, created_at) VALUES (1, '某建设有限公司', '91110105MA01B2C3X6', "
                    "'company', '李明华', 'resident_id', '110101198001010011', '2026-01-01')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO ab_user (id, first_name, last_name, username, email, active, kind, status, "
                    "session_version, needs_manual_check, case_groups, case_province) VALUES "
                    "(1, 'a', 'b', 'u1', 'u1@x.cn', true, 'legal', 'active', 0, false, '', '')"
                )
            )
            for case_id, data, correction in (
                (1, '{"employer_uscc": "91110105MA01B2C3X6", "school": "同济大学"}', ""),
                (2, "{}", '{"reason": "请补正", "defects": [{"field": "school", "problem": "不全"}]}'),
            ):
                conn.execute(
                    text(
                        "INSERT INTO application (id, number, account_id, item_id, status, province, data, correction, "
                        f"commitment, created_at, updated_at) VALUES ({case_id}, 'N{case_id}', 1, 1, 'submitted', '', "
                        ":data, :correction, true, '2026-01-01', '2026-01-01')"
                    ),
                    {"data": data, "correction": correction},
                )
            for event_id, defects in ((1, ""), (2, '[{"material_id": 3, "label": "身份证", "problem": "模糊"}]')):
                conn.execute(
                    text(
                        "INSERT INTO application_event (id, application_id, created_at, action, from_status, "
                        f"to_status, office, remarks, defects) VALUES ({event_id}, {event_id}, '2026-01-01', "
                        "'submit', 'draft', 'submitted', '', '', :defects)"
                    ),
                    {"defects": defects},
                )
            conn.execute(
                text(
                    'INSERT INTO legal_rep_change (id, account_id, enterprise_id, "before", "after", created_at) '
                    "VALUES (1, 1, 1, :before, :after, '2026-01-01')"
                ),
                {"before": '{"legal_rep_name": "李明华"}', "after": '{"legal_rep_name": "王建国"}'},
            )
            for record_id, detail in ((1, ""), (2, '{"reason": "wrong_password"}')):
                conn.execute(
                    text(
                        "INSERT INTO audit_record (id, created_at, event, subject, ip_address, detail) VALUES "
                        f"({record_id}, '2026-01-01', 'login.failure', '', '', :detail)"
                    ),
                    {"detail": detail},
                )
        upgrade()
        with engine.connect() as conn:
            cases = conn.execute(
                Application.__table__.select()
                .with_only_columns(Application.__table__.c.data, Application.__table__.c.correction)
                .order_by(Application.__table__.c.id)
            ).all()
            defects = (
                conn.execute(
                    ApplicationEvent.__table__.select()
                    .with_only_columns(ApplicationEvent.__table__.c.defects)
                    .order_by(ApplicationEvent.__table__.c.id)
                )
                .scalars()
                .all()
            )
            change = conn.execute(
                LegalRepChange.__table__.select().with_only_columns(
                    LegalRepChange.__table__.c.before, LegalRepChange.__table__.c.after
                )
            ).one()
            details = (
                conn.execute(
                    AuditRecord.__table__.select()
                    .with_only_columns(AuditRecord.__table__.c.detail)
                    .order_by(AuditRecord.__table__.c.id)
                )
                .scalars()
                .all()
            )
        downgrade(revision=before_json)  # and back: the text again, "" where there was nothing
        with engine.connect() as conn:
            correction_text = conn.execute(text("SELECT correction FROM application WHERE id = 1")).scalar()
            defects_text = conn.execute(text("SELECT defects FROM application_event WHERE id = 2")).scalar()
            detail_text = conn.execute(text("SELECT detail FROM audit_record WHERE id = 1")).scalar()
        engine.dispose()
    assert [tuple(row) for row in cases] == [
        ({"employer_uscc": "91110105MA01B2C3X6", "school": "同济大学"}, {}),
        ({}, {"reason": "请补正", "defects": [{"field": "school", "problem": "不全"}]}),
    ]
    assert defects == [[], [{"material_id": 3, "label": "身份证", "problem": "模糊"}]]
    assert tuple(change) == ({"legal_rep_name": "李明华"}, {"legal_rep_name": "王建国"})
    assert details == [{}, {"reason": "wrong_password"}]
    assert correction_text == "" and detail_text == ""
    assert json.loads(defects_text) == [{"material_id": 3, "label": "身份证", "problem": "模糊"}]


def test_issued_certificate_files_come_and_go_with_their_revision(empty_database_url):
    from flask_migrate import downgrade
    from sqlalchemy import inspect

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="07248d0cc977")
        engine = create_engine(empty_database_url)
        assert "issued_certificate_file" not in inspect(engine).get_table_names()
        upgrade()
        columns = {c["name"] for c in inspect(engine).get_columns("issued_certificate_file")}
        assert columns == {"id", "endorsement_id", "format", "sha256", "created_at"}
        downgrade(revision="07248d0cc977")
        assert "issued_certificate_file" not in inspect(engine).get_table_names()
        engine.dispose()


def test_cases_returned_or_corrected_after_acceptance_move_to_the_review_stage_with_their_due_dates(
    empty_database_url,
):
    """Issue 15: a case returned during review comes back to review; open cases get the queue's due date."""
    from flask_migrate import downgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="e4b8c2a7d915")  # the revision before the strict workflow
        engine = create_engine(empty_database_url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO service_item (id, code, category, "group", position, name, legal_basis, '
                    "conditions, process, time_limit_days, legal_time_limit_days, fee, phone, location) "
                    "VALUES (1, 'X1', 'personal', 'constructor', 0, '事项', '', '', '', 20, 20, '', '', '')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO ab_user (id, first_name, last_name, username, email, active, kind, status, "
                    "session_version, needs_manual_check, case_groups, case_province) VALUES "
                    "(1, 'a', 'b', 'u1', 'u1@x.cn', true, 'personal', 'active', 0, false, '', '')"
                )
            )
            # 1: returned after acceptance; 2: corrected after acceptance; 3: returned before it; 4: waiting.
            timelines = {
                1: ("returned", ["submit", "accept", "start_review", "request_correction"]),
                2: ("resubmitted", ["submit", "accept", "request_correction", "resubmit"]),
                3: ("returned", ["submit", "request_correction"]),
                4: ("submitted", ["submit"]),
            }
            event_id = 0
            for case_id, (status, actions) in timelines.items():
                conn.execute(
                    text(
                        "INSERT INTO application (id, number, account_id, item_id, status, province, data, "
                        "correction, commitment, created_at, submitted_at, updated_at) VALUES "
                        f"({case_id}, 'N{case_id}', 1, 1, '{status}', '', '{{}}', '{{}}', true, "
                        "'2026-11-02 02:00:00', '2026-11-02 02:00:00', '2026-11-02 02:00:00')"
                    )
                )
                for day, action in enumerate(actions):
                    event_id += 1
                    conn.execute(
                        text(
                            "INSERT INTO application_event (id, application_id, created_at, action, from_status, "
                            f"to_status, office, remarks, defects) VALUES ({event_id}, {case_id}, "
                            f"'2026-11-0{2 + day} 02:00:00', '{action}', 'x', 'y', '', '', '[]')"
                        )
                    )
        upgrade()
        with engine.connect() as conn:
            rows = {
                row.id: (row.status, row.due_on)
                for row in conn.execute(text("SELECT id, status, due_on FROM application"))
            }
        engine.dispose()
        downgrade(revision="e4b8c2a7d915")
    assert rows[1][0] == "returned_in_review" and rows[2][0] == "under_review"
    assert rows[3] == ("returned", None)
    # five working days after Monday 2 November (SQLite reads the date back as text)
    assert rows[4][0] == "submitted" and str(rows[4][1]) == "2026-11-09"
    assert rows[2][1] is not None  # the review's promised limit


def test_the_enterprise_change_item_opens_online_and_the_enterprise_guides_are_corrected(empty_database_url):
    from flask_migrate import downgrade

    old_apply = "企业通过法人账号登录住房和城乡建设部政务服务门户，在线填写资质申请表并上传申请材料后提交。"
    old_deliver = "结果通过门户站内消息通知企业，电子资质证书可在门户下载；需要纸质证书的，按通知领取。"
    process = f"1. 申请：{old_apply}\n6. 送达：{old_deliver}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="e4b8c2a7d915")  # the catalogue as seeded before enterprise items were online
        engine = create_engine(empty_database_url)
        with engine.begin() as conn:
            for item_id, code, group in (
                (1, "11100000000013338W1000117060003", "construction_enterprise"),
                (2, "11100000000013338W1000117061001", "real_estate"),
            ):
                conn.execute(
                    text(
                        'INSERT INTO service_item (id, code, category, "group", position, name, legal_basis, '
                        "conditions, process, time_limit_days, legal_time_limit_days, fee, phone, location) "
                        f"VALUES ({item_id}, '{code}', 'enterprise', '{group}', 0, '事项', '', '', :process, "
                        "5, 10, '', '', '')"
                    ),
                    {"process": process},
                )
        upgrade(revision="a9e4c1d7b2f3")
        with engine.connect() as conn:
            items = {row[0]: row[1:] for row in conn.execute(text("SELECT id, online_kind, process FROM service_item"))}
            materials = [row[0] for row in conn.execute(text("SELECT name FROM service_material WHERE item_id = 1"))]
        downgrade(revision="e4b8c2a7d915")  # and the way back restores the texts
        with engine.connect() as conn:
            restored = [row[0] for row in conn.execute(text("SELECT process FROM service_item ORDER BY id"))]
        engine.dispose()
    assert items[1][0] == "construction_enterprise_change" and items[2][0] is None
    assert "人脸识别" in items[1][1] and "【我的证照】" in items[1][1]
    assert "暂未开通网上办理" in items[2][1] and "门户下载" not in items[2][1]
    assert materials == ["法定代表人身份证明"]
    assert restored == [process, process]


def test_the_real_estate_grade1_item_opens_in_its_system_and_its_guide_says_what_it_checks(empty_database_url):
    from flask_migrate import downgrade

    from app.seed.catalogue_data import REAL_ESTATE_APPLY, REAL_ESTATE_CONDITIONS

    offline_apply = "本事项暂未开通网上办理：企业向住房和城乡建设部政务服务大厅窗口提交申请表及申请材料。"
    offline_deliver = "结果书面通知企业，资质证书按通知领取。"
    process = f"1. 申请：{offline_apply}\n6. 送达：{offline_deliver}"
    old_conditions = "\n".join(
        f"{number}. {line}"
        for number, line in enumerate(
            (
                "从事房地产开发经营5年以上；",
                "近3年房屋建筑面积累计竣工及开发投资额等开发经营业绩达到一级资质标准；",
                "连续5年建筑工程质量合格，未发生重大工程质量安全事故；",
                "有职称的建筑、结构、财务、房地产及有关经济类专业管理人员数量满足标准，"
                "工程技术、财务、统计等业务负责人具有相应专业职称；",
                "具有完善的质量保证体系，商品住宅销售中实行了《住宅质量保证书》和《住宅使用说明书》制度；",
                "具体指标以《房地产开发企业资质管理规定》及其资质标准为准。",
            ),
            start=1,
        )
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="a9e4c1d7b2f3")  # the catalogue as seeded while the item was offline
        engine = create_engine(empty_database_url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO service_item (id, code, category, "group", position, name, legal_basis, '
                    "conditions, process, time_limit_days, legal_time_limit_days, fee, phone, location) "
                    "VALUES (1, '11100000000013338W1000117061001', 'enterprise', 'real_estate', 0, "
                    "'房地产开发企业一级资质核定', '', :conditions, :process, 20, 20, '', '', '')"
                ),
                {"process": process, "conditions": old_conditions},
            )
            for position, (name, required) in enumerate(
                (("房地产开发企业资质申报表", True), ("企业法人营业执照", True), ("企业资质证书", True)), start=1
            ):
                conn.execute(
                    text(
                        "INSERT INTO service_material (item_id, position, name, required, formats, max_size_mb, "
                        "description) VALUES (1, :position, :name, :required, 'pdf', 5, '')"
                    ),
                    {"position": position, "name": name, "required": required},
                )
        upgrade()
        with engine.connect() as conn:
            online_kind, opened, conditions = conn.execute(
                text("SELECT online_kind, process, conditions FROM service_item")
            ).one()
            materials = {
                name: required
                for name, required in conn.execute(
                    text("SELECT name, required FROM service_material ORDER BY position")
                )
            }
            columns = {c["name"] for c in inspect(conn).get_columns("enterprise_register_entry")}
        downgrade(revision="a9e4c1d7b2f3")
        with engine.connect() as conn:
            restored = conn.execute(text("SELECT online_kind, process, conditions FROM service_item")).one()
        engine.dispose()
    assert online_kind == "real_estate_grade1"
    assert REAL_ESTATE_APPLY in opened and "【我的证照】" in opened and "暂未开通网上办理" not in opened
    assert conditions == REAL_ESTATE_CONDITIONS
    assert list(materials) == ["企业法人营业执照", "企业资质证书"] and not materials["企业资质证书"]
    assert "established_on" in columns
    assert tuple(restored) == (None, process, old_conditions)
