"""The 热门服务 queries (services/registry_queries.py) and their demonstration register."""

import dataclasses
import datetime
import re

import factory
import pytest
from sqlalchemy import text

from app import clock
from app.models import EnterpriseQualification, PersonRegistration, RegisteredSpecialty
from app.seed.demo_registers import (
    DEMO_ENTERPRISES,
    build_enterprises,
    build_people,
    make_registration_number,
    seed_demo_registers,
)
from app.services.accounts.identity_documents import make_resident_id, make_uscc, validate_document, validate_uscc
from app.services.cases.workflow import TRANSITIONS
from app.services.registers import queries as rq
from tests.factories import (
    AccountFactory,
    ApplicationFactory,
    EnterpriseQualificationFactory,
    PersonRegistrationFactory,
)


def later():
    return clock.today() + datetime.timedelta(days=400)


def earlier():
    return clock.today() - datetime.timedelta(days=30)


USCC_A = make_uscc("91110105MA01AAAA1")  # 北京
USCC_B = make_uscc("91440106MA01BBBB2")  # 广东
USCC_C = make_uscc("91330106MA01CCCC3")  # 浙江


def qualification(name, uscc, kind, qual, grade, number, province, valid_to=None):
    return EnterpriseQualificationFactory.build(
        enterprise_name=name,
        uscc=uscc,
        kind=kind,
        qualification=qual,
        grade=grade,
        certificate_number=number,
        province=province,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=valid_to or later(),
    )


def registration(
    name,
    document,
    number,
    employer,
    uscc,
    specialties=("建筑工程",),
    qualification_code="constructor_1",
    status="valid",
    valid_to=None,
):
    return PersonRegistrationFactory.build(
        holder_name=name,
        holder_document_number=document,
        qualification=qualification_code,
        registration_number=number,
        employer_name=employer,
        employer_uscc=uscc,
        valid_from=datetime.date(2023, 1, 1),
        valid_to=valid_to or later(),
        status=status,
        specialty_names=specialties,
    )


ID_ZHANG = make_resident_id("110105", datetime.date(1980, 3, 4), 17)
ID_ZHANG2 = make_resident_id("440106", datetime.date(1985, 6, 7), 22)
ID_LI = make_resident_id("330106", datetime.date(1975, 1, 2), 31)
ID_OUYANG = make_resident_id("110105", datetime.date(1990, 9, 9), 44)
ID_CANCELLED = make_resident_id("440106", datetime.date(1970, 2, 2), 51)
ALL_IDS = (ID_ZHANG, ID_ZHANG2, ID_LI, ID_OUYANG, ID_CANCELLED)


@pytest.fixture
def register(db):
    db.session.add_all(
        [
            qualification(
                "青山建工集团有限公司", USCC_A, "建筑业企业", "建筑工程施工总承包", "特级", "D110000101", "北京市"
            ),
            qualification(
                "青山建工集团有限公司", USCC_A, "建筑业企业", "市政公用工程施工总承包", "一级", "D110000102", "北京市"
            ),
            qualification(
                "青山建工集团有限公司", USCC_A, "工程监理企业", "房屋建筑工程监理", "甲级", "E110000103", "北京市"
            ),
            qualification(
                "青石路桥有限公司", USCC_B, "建筑业企业", "公路工程施工总承包", "二级", "D440000201", "广东省"
            ),
            qualification(
                "华岳设计院有限公司",
                USCC_C,
                "工程勘察设计企业",
                "建筑行业（建筑工程）设计",
                "甲级",
                "A330000301",
                "浙江省",
                valid_to=earlier(),
            ),
        ]
    )
    db.session.add_all(
        [
            registration(
                "张建国", ID_ZHANG, "京111152300001", "青山建工集团有限公司", USCC_A, ("建筑工程", "机电工程")
            ),
            registration("张建华", ID_ZHANG2, "粤144102200002", "青石路桥有限公司", USCC_B, ("公路工程",)),
            registration("李明", ID_LI, "浙一注建2019000003", "华岳设计院有限公司", USCC_C, ("建筑",), "architect_1"),
            registration(
                "欧阳娜娜",
                ID_OUYANG,
                "京111182100004",
                "青山建工集团有限公司",
                USCC_A,
                ("市政公用工程",),
                valid_to=earlier(),
            ),
            registration("张三", ID_CANCELLED, "粤144102200005", "青石路桥有限公司", USCC_B, status="cancelled"),
        ]
    )
    db.session.commit()
    return db


def names(page):
    return [hit.name for hit in page.items]


# --- registration numbers and demonstration data ---------------------------------------------


def test_registration_number_scheme():
    assert make_registration_number("11", 1, 2020, 2020, 123) == "京111202000123"
    assert make_registration_number("44", 1, 2012, 2015, 60001) == "粤144121560001"


def test_demo_registers_are_realistic_valid_and_idempotent(db):
    created = seed_demo_registers()
    db.session.commit()
    assert created > 80
    assert seed_demo_registers() == 0
    enterprises = db.session.query(EnterpriseQualification).all()
    usccs = {row.uscc for row in enterprises}
    assert len(usccs) == len(DEMO_ENTERPRISES) == 30
    assert {row.kind for row in enterprises} == set(rq.ENTERPRISE_KINDS)
    assert len({row.province for row in enterprises}) >= 5
    assert {row.grade for row in enterprises} >= {"特级", "一级", "二级", "甲级", "乙级"}
    for row in enterprises:
        assert validate_uscc(row.uscc) == row.uscc
        assert row.qualification in rq.QUALIFICATIONS_BY_KIND[row.kind]
        assert row.grade in rq.GRADES_BY_KIND[row.kind]
    people = db.session.query(PersonRegistration).all()
    assert 55 <= len(people) <= 65
    assert {p.qualification for p in people} == {"constructor_1", "architect_1"}
    specialties = {s.specialty for p in people for s in p.specialties}
    assert specialties == {"建筑工程", "市政公用工程", "机电工程", "公路工程", "水利水电工程", "建筑"}
    for person in people:
        parsed = validate_document("resident_id", person.holder_document_number)
        assert parsed.number == person.holder_document_number
        assert person.employer_uscc in usccs
        assert person.province  # filled in from the employer
        if person.qualification == "constructor_1":
            assert re.fullmatch(r"[\u4e00-\u9fff]1\d{2}\d{2}\d{2}\d{5}", person.registration_number)
            assert person.registration_number[2:4] == person.employer_uscc[2:4]
    assert len({p.holder_document_number for p in people}) == len(people)
    assert any(p.status == "cancelled" for p in people) and any(p.valid_to < clock.today() for p in people)


def test_demo_registers_are_deterministic():
    first = build_people(build_enterprises(clock.today()), clock.today())
    second = build_people(build_enterprises(clock.today()), clock.today())
    assert [(p["holder_name"], p["holder_document_number"], p["registration_number"]) for p in first] == [
        (p["holder_name"], p["holder_document_number"], p["registration_number"]) for p in second
    ]
    names_ = [p["holder_name"] for p in first]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) for name in names_)
    assert len(set(names_)) > 50


# --- enterprises ---------------------------------------------------------------------------


def test_enterprise_filters_one_by_one(register):
    assert names(rq.search_enterprises(kind="建筑业企业")) == ["青山建工集团有限公司", "青石路桥有限公司"]
    assert names(rq.search_enterprises(kind="工程监理企业")) == ["青山建工集团有限公司"]
    assert names(rq.search_enterprises(name="青石")) == ["青石路桥有限公司"]
    assert names(rq.search_enterprises(uscc=USCC_B.lower())) == ["青石路桥有限公司"]
    assert names(rq.search_enterprises(certificate_number="a330000301")) == ["华岳设计院有限公司"]
    assert names(rq.search_enterprises(qualification="公路工程施工总承包")) == ["青石路桥有限公司"]
    assert names(rq.search_enterprises(grade="甲级")) == ["华岳设计院有限公司", "青山建工集团有限公司"]
    assert names(rq.search_enterprises(province="广东省")) == ["青石路桥有限公司"]


def test_enterprise_partial_name_is_a_prefix_and_each_enterprise_is_listed_once(register):
    page = rq.search_enterprises(name="青")
    assert names(page) == ["青山建工集团有限公司", "青石路桥有限公司"]
    qingshan = page.items[0]
    assert qingshan.uscc == USCC_A and qingshan.province == "北京市"
    assert [(q.qualification, q.grade) for q in qingshan.qualifications] == [
        ("建筑工程施工总承包", "特级"),
        ("市政公用工程施工总承包", "一级"),
        ("房屋建筑工程监理", "甲级"),
    ]
    assert names(rq.search_enterprises(name="建工")) == []  # not a substring search: the index needs a prefix
    assert names(rq.search_enterprises(name="%")) == [] and names(rq.search_enterprises(name="_")) == []


def test_enterprise_filters_combined(register):
    page = rq.search_enterprises(kind="建筑业企业", name="青山", grade="特级", province="北京市")
    assert names(page) == ["青山建工集团有限公司"]
    assert [q.certificate_number for q in page.items[0].qualifications] == ["D110000101"]  # the matching one only
    assert names(rq.search_enterprises(kind="建筑业企业", province="浙江省")) == []
    assert names(rq.search_enterprises(kind="工程监理企业", grade="特级")) == []


def test_enterprise_validity_is_shown(register):
    (hit,) = rq.search_enterprises(name="华岳").items
    assert hit.qualifications[0].is_valid is False and hit.qualifications[0].valid_to == earlier()
    assert hit.qualifications[0].kind_label == str(rq.ENTERPRISE_KINDS["工程勘察设计企业"])
    assert hit.qualifications[0].grade_label == str(rq.GRADE_LABELS["甲级"])


def test_enterprise_detail_lists_qualifications_and_masked_employees(register):
    detail = rq.enterprise_detail(USCC_A.lower())
    assert detail.name == "青山建工集团有限公司" and detail.province == "北京市"
    assert [q.certificate_number for q in detail.qualifications] == ["D110000101", "D110000102", "E110000103"]
    # expired registrations are no longer "registered persons employed"
    assert [(p.name, p.registration_number) for p in detail.people.items] == [("张**", "京111152300001")]
    assert rq.enterprise_detail(make_uscc("91110105MA01YYYY9")) is None
    assert rq.enterprise_detail("x" * 100) is None


# --- people --------------------------------------------------------------------------------


def test_people_filters_one_by_one(register):
    assert names(rq.search_people(name="张")) == ["张三", "张建华", "张建国"]
    assert names(rq.search_people(name="张建")) == ["张建华", "张建国"]
    assert names(rq.search_people(name="欧阳")) == ["欧阳娜娜"]
    assert names(rq.search_people(name="建国")) == []
    assert names(rq.search_people(document_number=ID_LI.lower())) == ["李明"]
    assert names(rq.search_people(registration_number="京111152300001")) == ["张建国"]
    assert names(rq.search_people(qualification="architect_1")) == ["李明"]
    assert names(rq.search_people(specialty="机电工程")) == ["张建国"]
    assert names(rq.search_people(employer="青石")) == ["张三", "张建华"]
    assert names(rq.search_people(employer=USCC_C)) == ["李明"]
    assert names(rq.search_people(province="北京市")) == ["张建国", "欧阳娜娜"]
    assert names(rq.search_people(name="%")) == [] and names(rq.search_people(name="张_")) == []


def test_people_filters_combined(register):
    assert names(rq.search_people(name="张", province="广东省")) == ["张三", "张建华"]
    assert names(rq.search_people(name="张", province="广东省", specialty="公路工程")) == ["张建华"]
    assert names(rq.search_people(name="张", qualification="constructor_1", employer="青山")) == ["张建国"]
    assert names(rq.search_people(name="张", qualification="architect_1")) == []


def test_name_and_specialty_searches_follow_a_renamed_holder_and_a_move_to_another_province(register):
    assert names(rq.search_people(name="张建", specialty="机电工程", qualification="constructor_1")) == ["张建国"]
    assert names(rq.search_people(name="张", specialty="公路工程", province="广东省", employer="青石")) == ["张建华"]
    person = register.session.query(PersonRegistration).filter_by(holder_name="张建国").one()
    person.holder_name = "章建国"
    register.session.commit()
    assert names(rq.search_people(name="张建", specialty="机电工程")) == []
    assert names(rq.search_people(name="章", specialty="机电工程")) == ["章建国"]
    assert names(rq.search_people(name="章", specialty="建筑工程", province="北京市")) == ["章建国"]
    person.employer_name, person.employer_uscc = "青石路桥有限公司", USCC_B  # 转入 广东省
    register.session.commit()
    assert names(rq.search_people(name="章", specialty="建筑工程", province="北京市")) == []
    assert names(rq.search_people(name="章", specialty="建筑工程", province="广东省")) == ["章建国"]
    person.specialties.append(RegisteredSpecialty(specialty="公路工程", valid_to=later()))  # 增项
    register.session.commit()
    assert names(rq.search_people(name="章", specialty="公路工程", province="广东省")) == ["章建国"]


def test_people_results_mask_identity_numbers_and_carry_public_fields_only(register):
    page = rq.search_people(name="张")
    for hit in page.items:
        assert hit.document.count("*") == 10 and len(hit.document) == 18
    statuses = {hit.name: hit.status for hit in page.items}
    assert statuses == {"张三": "cancelled", "张建华": "valid", "张建国": "valid"}
    assert {f.name for f in dataclasses.fields(rq.PersonHit)} == {
        "name",
        "document",
        "qualification",
        "qualification_label",
        "registration_number",
        "employer_name",
        "employer_uscc",
        "province",
        "specialties",
        "valid_from",
        "valid_to",
        "status",
        "status_label",
    }
    assert [s.specialty for s in page.items[2].specialties] == ["建筑工程", "机电工程"]
    assert page.items[2].specialty_labels == "建筑工程、机电工程"
    assert all(str(hit.province_label) == hit.province for hit in page.items)  # 北京市: the label is the name
    texts = [repr(hit) for hit in page.items] + [repr(rq.person_detail(hit.registration_number)) for hit in page.items]
    texts.append(repr(rq.enterprise_detail(USCC_A)))
    texts.append(repr(rq.search_enterprises(name="青")))
    for number in ALL_IDS:
        assert not any(number in value for value in texts)


def test_no_orm_object_leaves_the_service(register):
    def walk(value):
        if dataclasses.is_dataclass(value):
            for item in dataclasses.fields(value):
                yield from walk(getattr(value, item.name))
        elif isinstance(value, tuple | list):
            for item in value:
                yield from walk(item)
        else:
            yield value

    results = [
        rq.search_people(name="张"),
        rq.search_enterprises(name="青"),
        rq.enterprise_detail(USCC_A),
        rq.person_detail("京111152300001"),
    ]
    for value in walk(results):
        assert not hasattr(value, "_sa_instance_state"), value


def test_person_detail_without_cases_shows_the_registers_own_dates(register):
    detail = rq.person_detail("京111152300001")
    assert detail.name == "张建国" and detail.document == ID_ZHANG[:4] + "*" * 10 + ID_ZHANG[-4:]
    (reg,) = detail.registrations
    assert reg.employer_name == "青山建工集团有限公司" and reg.province == "北京市"
    assert [s.specialty for s in reg.specialties] == ["建筑工程", "机电工程"]
    assert [entry.on for entry in detail.history] == [reg.valid_from, reg.valid_to]
    assert rq.person_detail("京999999999999") is None


def test_paging_fetches_one_more_row_and_caps_per_page(db):
    PersonRegistrationFactory.create_batch(
        53,
        holder_name=factory.Iterator(f"王{index:02d}" for index in range(53)),
        employer_name="青山建工集团有限公司",
        employer_uscc=USCC_A,
    )
    EnterpriseQualificationFactory.create_batch(
        53,
        enterprise_name=factory.Iterator(f"王氏{index:02d}建设有限公司" for index in range(53)),
        grade="二级",
    )
    db.session.commit()
    first = rq.search_people(name="王", per_page=1000)
    assert first.per_page == rq.MAX_PER_PAGE == 50 and len(first.items) == 50 and first.has_next
    second = rq.search_people(name="王", page=2, per_page=1000)
    assert [hit.name for hit in second.items] == ["王50", "王51", "王52"] and not second.has_next
    assert second.has_prev and second.first_number == 51
    small = rq.search_people(name="王", page=3, per_page=5)
    assert names(small) == ["王10", "王11", "王12", "王13", "王14"]
    assert rq.search_people(name="王", per_page=0).per_page == 1
    assert rq.search_people(name="王", page=-3).page == 1
    companies = rq.search_enterprises(kind="建筑业企业", per_page=500)
    assert len(companies.items) == 50 and companies.has_next
    assert len(rq.search_enterprises(kind="建筑业企业", page=2, per_page=50).items) == 3


def test_registration_province_follows_the_employer(db):
    entry = registration("周一", ID_ZHANG, "京111152300009", "青山建工集团有限公司", USCC_A)
    db.session.add(entry)
    db.session.commit()
    assert entry.province == "北京市"
    entry.employer_uscc = USCC_B
    db.session.commit()
    assert entry.province == "广东省"


# --- progress lookup -----------------------------------------------------------------------


def make_case(db, *, name="刘德明", document=None, status="issued", number="2026030112345678"):
    document = document or make_resident_id("110105", datetime.date(1986, 4, 2), 13)
    account = AccountFactory(real_name=name, document_number=document, phone="13712345678")
    application = ApplicationFactory(number=number, account=account, status=status, event_remarks="内部备注")
    if status == "issued":
        db.session.add(registration(name, document, "京111152600077", "青山建工集团有限公司", USCC_A))
    db.session.commit()
    return application


def test_progress_lookup_with_the_right_name(db):
    make_case(db)
    result = rq.progress_lookup(" 2026030112345678 ", "刘德明")
    assert result.number == "2026030112345678" and result.applicant == "刘**"
    assert result.status == "issued" and "一级建造师" in result.item_name
    assert result.accepted_at == datetime.datetime(2026, 3, 2, 2, 0)
    assert result.decided_at == datetime.datetime(2026, 3, 4, 2, 0)
    assert result.decision is TRANSITIONS["approve"].label
    assert result.certificate_number == "京111152600077"
    assert len(result.steps) == 5 and result.steps[1].office == "受理处室"
    assert "内部备注" not in repr(result)
    assert {f.name for f in dataclasses.fields(rq.ProgressResult)} == {
        "number",
        "item_name",
        "applicant",
        "status",
        "status_label",
        "submitted_at",
        "accepted_at",
        "decision",
        "decided_at",
        "certificate_number",
        "steps",
    }


def test_progress_lookup_with_the_registration_number_once_issued(db):
    make_case(db)
    assert rq.progress_lookup("2026030112345678", "京111152600077").applicant == "刘**"


def test_progress_lookup_refuses_a_wrong_name_and_unknown_numbers_alike(db):
    make_case(db, status="under_review")
    assert rq.progress_lookup("2026030112345678", "刘德") is None
    assert rq.progress_lookup("2026030112345678", "") is None
    assert rq.progress_lookup("2026030112345679", "刘德明") is None
    assert rq.progress_lookup("2026030112345678", "京111152600077") is None  # nothing issued yet
    result = rq.progress_lookup("2026030112345678", "刘德明")
    assert result.status == "under_review" and result.certificate_number is None and result.decision is None


def test_progress_lookup_ignores_drafts(db):
    make_case(db, status="draft")
    assert rq.progress_lookup("2026030112345678", "刘德明") is None


# --- input cleaning ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["-1", "0", "abc", "1.5", "101", "9" * 10_000, "１"])
def test_clean_page_refuses_what_is_not_a_page(raw):
    with pytest.raises(rq.QueryInputError):
        rq.clean_page(raw)


def test_clean_page_accepts_pages():
    assert rq.clean_page("") == 1 and rq.clean_page(None) == 1 and rq.clean_page(" 7 ") == 7
    assert rq.clean_page(str(rq.MAX_PAGE)) == rq.MAX_PAGE


def test_clean_queries_give_a_message_per_field():
    values, errors = rq.clean_people_query(
        {
            "name": "张" * 10_000,
            "document_number": "12-34",
            "registration_number": "<script>",
            "page": "abc",
            "qualification": "architect_1",
            "specialty": "机电工程",
        }
    )
    assert set(errors) == {"name", "document_number", "registration_number", "page", "specialty"}
    values, errors = rq.clean_people_query({"name": "张\x00"})
    assert set(errors) == {"name"}
    values, errors = rq.clean_people_query({"province": "北京市"})
    assert set(errors) == {"name"}  # a name, a number or an employer is needed
    values, errors = rq.clean_people_query({"name": " 张 ", "document_number": "1101 0519 8003 0401 7x"})
    assert errors == {} and values["name"] == "张" and values["document_number"].endswith("7X")
    values, errors = rq.clean_enterprise_query(
        {
            "kind": "建筑业企业",
            "grade": "甲级",
            "uscc": "91110105MA01AAAA10",
            "qualification": "房地产开发",
            "province": "火星",
        }
    )
    assert set(errors) == {"grade", "uscc", "qualification", "province"}
    values, errors = rq.clean_enterprise_query({"kind": "银行"})
    assert set(errors) == {"kind"}
    values, errors = rq.clean_enterprise_query({"kind": "工程监理企业", "grade": "甲级", "uscc": USCC_A.lower()})
    assert errors == {} and values["uscc"] == USCC_A and values["page"] == 1
    values, errors = rq.clean_progress_query({"number": "2026 0301 1234 5678", "name": "刘德明"})
    assert errors == {} and values["number"] == "2026030112345678"
    values, errors = rq.clean_progress_query({"number": "<>", "name": ""})
    assert set(errors) == {"number", "name"}


# --- scale: the name search is an index range scan ------------------------------------------


def explain(db, statement) -> str:
    bind = db.session.get_bind()
    sql = str(statement.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "sqlite":
        return " ".join(str(row[-1]) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = " ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
    db.session.rollback()
    return plan


def test_name_prefix_searches_use_an_index(register):
    plan = explain(register, rq.person_search_statement(name="张建"))
    assert "ix_person_registration_name_qualification" in plan, plan
    plan = explain(register, rq.enterprise_search_statement(name="青山"))
    assert "ix_enterprise_qualification" in plan and "SCAN enterprise_qualification " not in plan + " ", plan
    plan = explain(register, rq.person_search_statement(employer="青山"))
    assert "ix_person_registration_employer_name_prefix" in plan, plan
    plan = explain(
        register,
        rq.person_search_statement(name="张", specialty="公路工程", province="广东省", qualification="constructor_1"),
    )
    assert "ix_registered_specialty_name" in plan, plan
