"""房地产开发企业一级资质核定: the 一级 rules (years of development, completed area, staff counts), the rows as
kept, and the person-register check."""

import datetime

import pytest

from app.models import PersonRegistration
from app.services.accounts import identity_documents as docs
from app.services.cases import real_estate as rules

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def zh(app):
    with app.test_request_context("/?_l_=zh"):
        yield


def project(area, year, floor=None):
    return {"completed_area": str(area), "floor_area": str(floor or area), "year": str(year)}


def person(i, title="工程师", specialty="建筑", name=None):
    number = docs.make_resident_id("110105", datetime.date(1985, 1, 1) + datetime.timedelta(days=i), 200 + i)
    return {"name": name or f"员工{i}", "id_number": number, "title": title, "specialty": specialty}


# --- 从事房地产开发经营5年以上 --------------------------------------------------------------------


def test_five_full_years_from_the_date_of_establishment(zh):
    assert rules.development_problem(datetime.date(2021, 12, 4), TODAY) is None
    message = str(rules.development_problem(datetime.date(2021, 12, 5), TODAY))
    assert "2021-12-05" in message and "4年" in message and "5年以上" in message


def test_without_a_date_of_establishment_the_years_cannot_be_counted(zh):
    assert "成立日期" in str(rules.development_problem(None, TODAY))


# --- 近3年累计竣工30万平方米以上 --------------------------------------------------------------


def test_the_last_three_years_are_the_calendar_years_before_the_filing_year():
    assert rules.recent_years(TODAY) == (2023, 2025)
    projects = [project(100000, 2023), project(150000, 2025), project(90000, 2026), project(80000, 2022)]
    assert rules.recent_completed_area(projects, TODAY) == 250000  # this year's and older ones do not count


def test_the_area_rule_names_the_years_the_area_and_the_threshold(zh):
    assert rules.performance_problem([project(200000, 2024), project(100000, 2025)], TODAY) is None
    message = str(rules.performance_problem([project(200000, 2024), project(99999.5, 2025)], TODAY))
    assert "2023—2025" in message and "299,999.5" in message and "300,000" in message


def test_project_rows_are_checked_and_kept_in_square_metres(zh):
    established = datetime.date(2008, 6, 18)
    rows = [
        {
            "name": "示范花园",
            "location": "北京",
            "type": "住宅",
            "floor_area": "120,000",
            "completed_area": "100000.50",
            "year": "2024",
        },
        {},  # an empty row is dropped
        {
            "name": "示范广场",
            "location": "北京",
            "type": "别墅",
            "floor_area": "1000",
            "completed_area": "2000",
            "year": "2007",
        },
        {
            "name": "示范中心",
            "location": "",
            "type": "商业",
            "floor_area": "-5",
            "completed_area": "10",
            "year": "2027",
        },
    ]
    kept, errors = rules.clean_projects(rows, established, TODAY)
    assert len(kept) == 3
    assert kept[0]["floor_area"] == "120000" and kept[0]["completed_area"] == "100000.5"
    assert set(errors) == {
        "projects-1-type",
        "projects-1-completed_area",
        "projects-1-year",
        "projects-2-location",
        "projects-2-floor_area",
        "projects-2-year",
    }
    assert "竣工面积不能大于建筑面积" in str(errors["projects-1-completed_area"])
    assert "2008" in str(errors["projects-1-year"]) and "2026" in str(errors["projects-1-year"])


# --- 专业管理人员 ------------------------------------------------------------------------------


def test_staff_counts_forty_twenty_middle_grade_four_accountants(zh):
    staff = [person(i, "会计师", "财务") for i in range(4)] + [person(i, "工程师") for i in range(4, 20)]
    staff += [person(i, "助理工程师") for i in range(20, 40)]
    assert rules.staff_counts(staff) == {"total": 40, "middle": 20, "accountants": 4}
    assert rules.staff_count_problem(staff) is None
    fewer_middle = staff[:19] + [person(99, "助理工程师")] + staff[20:]
    assert rules.staff_count_problem(fewer_middle) is not None
    three_accountants = [person(98, "工程师")] + staff[1:]
    message = str(rules.staff_count_problem(three_accountants))
    assert "专职会计人员3人" in message and "不少于4人" in message
    assert "39人" in str(rules.staff_count_problem(staff[:39]))


def test_staff_rows_need_a_valid_unique_number_a_title_and_a_specialty(zh):
    first = person(1)
    rows = [
        first,
        {**person(2), "id_number": "110105198501010000"},
        {**first, "name": "重复"},
        {**person(3), "title": "教授"},
    ]
    kept, errors = rules.clean_staff(rows, [])
    assert len(kept) == 4
    assert set(errors) == {"staff-1-id_number", "staff-2-id_number", "staff-3-title"}
    assert "第1行" in str(errors["staff-2-id_number"])


def test_a_saved_number_shown_masked_and_posted_back_unchanged_is_kept():
    saved = [person(1)]
    masked = rules.mask_document("resident_id", saved[0]["id_number"])
    kept, errors = rules.clean_staff([{**saved[0], "id_number": masked, "ref": "0"}], saved)
    assert errors == {} and kept[0]["id_number"] == saved[0]["id_number"]
    # a masked value without the saved row it came from is not a number
    _kept, errors = rules.clean_staff([{**saved[0], "id_number": masked}], saved)
    assert "staff-0-id_number" in errors


# --- the person register -----------------------------------------------------------------------


def test_each_row_is_checked_against_the_person_register(zh, db):
    uscc = docs.make_uscc("91110105MA01B2C3X")
    registered = person(1, name="张建国")
    elsewhere = person(2, name="李四")
    for row, employer, number in (
        (registered, uscc, "京一注建2024000001"),
        (elsewhere, "91310115MA1K4L5M6X", "沪一注建2024000002"),
    ):
        db.session.add(
            PersonRegistration(
                holder_name=row["name"],
                holder_document_type="resident_id",
                holder_document_number=row["id_number"],
                qualification="architect_1",
                registration_number=number,
                employer_name="示范公司",
                employer_uscc=employer,
                valid_from=TODAY - datetime.timedelta(days=100),
                valid_to=TODAY + datetime.timedelta(days=100),
            )
        )
    db.session.commit()
    unknown = person(3)
    renamed = {**registered, "name": "张建民"}
    checks = rules.register_checks(uscc, [registered, unknown, elsewhere, renamed], TODAY)
    assert [(c.found, c.ok) for c in checks] == [(True, True), (False, True), (True, False), (True, False)]
    assert "京一注建2024000001" in str(checks[0].message)
    assert "未在注册人员库中" in str(checks[1].message)
    assert "其他企业" in str(checks[2].message)
    assert "另一姓名" in str(checks[3].message)
    assert set(rules.register_problems(uscc, [registered, unknown, elsewhere, renamed], TODAY)) == {
        "staff-2-name",
        "staff-3-name",
    }
