"""统计报表: periods of Beijing dates, province and item-group filters, the statistician's scope,
CSV and Excel exports, and the messages beside the fields for bad input.

The cases below are written by hand with their timelines; the expected figures are counted by
hand from them (comments say why each case is in or out of a period).
"""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from app import clock
from app.extensions import db as _db
from app.models import ApplicationEvent, ServiceItem
from tests.factories import ApplicationFactory

PASSWORD = "Staff@2026pass"


def beijing(year, month, day, hour=10, minute=0) -> datetime.datetime:
    """The naive-UTC instant of a Beijing wall-clock time (how events are stored)."""
    return clock.utc_of(datetime.datetime(year, month, day, hour, minute))


def item(kind: str) -> ServiceItem:
    return _db.session.query(ServiceItem).filter_by(online_kind=kind).one()


def event(action, source, target, at) -> ApplicationEvent:
    return ApplicationEvent(action=action, from_status=source, to_status=target, created_at=at)


def case(kind, province, status, submitted_at, *steps):
    """A case of item ``kind`` with the timeline ``steps``: (action, from, to, at)."""
    events = [event("submit", "draft", "submitted", submitted_at)] if submitted_at else []
    events += [event(*step) for step in steps]
    return ApplicationFactory(
        item=item(kind), province=province, status=status, submitted_at=submitted_at, events=events
    )


@pytest.fixture
def cases(db):
    """Five submitted cases around 2025's edges, and a draft."""
    # A: 建造师, 北京; submitted 2025-01-15, accepted 01-16, approved 02-10, certificate 02-12.
    case(
        "constructor_initial",
        "北京市",
        "issued",
        beijing(2025, 1, 15),
        ("accept", "submitted", "accepted", beijing(2025, 1, 16)),
        ("start_review", "accepted", "under_review", beijing(2025, 1, 17)),
        ("approve", "under_review", "approved", beijing(2025, 2, 10)),
        ("issue", "approved", "issued", beijing(2025, 2, 12)),
    )
    # B: 建造师, 上海; submitted 2025-04-01 00:30 in Beijing (still 31 March in UTC): April, Q2;
    # not accepted on 04-02.
    case(
        "constructor_initial",
        "上海市",
        "not_accepted",
        beijing(2025, 4, 1, 0, 30),
        ("refuse", "submitted", "not_accepted", beijing(2025, 4, 2)),
    )
    # C: 注册建筑师, 北京; submitted 2025-06-30 22:00 (Q2), accepted 07-01, under review since (open).
    case(
        "architect_initial",
        "北京市",
        "under_review",
        beijing(2025, 6, 30, 22, 0),
        ("accept", "submitted", "accepted", beijing(2025, 7, 1)),
        ("start_review", "accepted", "under_review", beijing(2025, 7, 2)),
    )
    # D: 注册建筑师, 上海; submitted 2024-12-31 23:59 (2024's intake), accepted 2025-01-02, not approved 01-03.
    case(
        "architect_initial",
        "上海市",
        "rejected",
        beijing(2024, 12, 31, 23, 59),
        ("accept", "submitted", "accepted", beijing(2025, 1, 2)),
        ("start_review", "accepted", "under_review", beijing(2025, 1, 2, 11)),
        ("reject", "under_review", "rejected", beijing(2025, 1, 3)),
    )
    # E: 建造师, 北京; submitted 2025-12-31 23:00 (December, Q4), withdrawn 2026-01-02.
    case(
        "constructor_initial",
        "北京市",
        "withdrawn",
        beijing(2025, 12, 31, 23, 0),
        ("withdraw", "submitted", "withdrawn", beijing(2026, 1, 2)),
    )
    # F: a draft: never counted.
    case("constructor_initial", "北京市", "draft", None)
    _db.session.commit()


@pytest.fixture
def statistician(app, db, staff_factory):
    def sign_in(username="counter", groups="", province=""):
        user = staff_factory("Statistician", username=username)
        user.case_groups, user.case_province = groups, province
        _db.session.commit()
        client = app.test_client()
        client.post("/admin/login/", data={"username": username, "password": PASSWORD})
        return client

    return sign_in


def figures(page: str) -> dict:
    return dict(re.findall(r'id="figure-([\w-]+)"[^>]*>([^<]*)<', page))


def table(page: str) -> dict:
    """{item name: total} of the by-item table."""
    body = page.split('id="statistics-table"')[1].split("</tbody>")[0]
    return {
        name: int(total)
        for name, total in re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>.*?<strong>(\d+)</strong></td></tr>", body)
    }


def months(page: str) -> dict:
    body = page.split('id="statistics-months"')[1].split("</tbody>")[0]
    return {
        month: (int(a), int(b), int(c))
        for month, a, b, c in re.findall(
            r'<tr><td>([\d-]+)</td><td class="text-right">(\d+)</td><td class="text-right">(\d+)</td>'
            r'<td class="text-right">(\d+)</td></tr>',
            body,
        )
    }


CONSTRUCTOR = "一级建造师执业资格认定（初始注册）"
ARCHITECT = "一级注册建筑师执业资格认定（初始注册）"


def test_a_year_counts_the_cases_submitted_and_decided_in_its_beijing_dates(cases, statistician):
    page = statistician().get("/admin/statistics/?period=year&year=2025").get_data(as_text=True)
    shown = figures(page)
    # Submitted in 2025: A, B, C, E (D was submitted on 2024-12-31 in Beijing; F is a draft).
    assert shown["submitted"] == "4"
    # Decided in 2025: A approved, B not accepted, D not approved.
    assert shown["decided"] == "3"
    assert shown["issued"] == "1"
    # A: working days in (2025-01-16, 2025-02-10] = 13 (Spring Festival 01-28 to 02-04 off,
    # Sundays 01-26 and Saturday 02-08 worked); D: (01-02, 01-03] = 1; average 7.0.
    assert shown["average"] == "7.0"
    assert table(page) == {CONSTRUCTOR: 3, ARCHITECT: 1}
    by_month = months(page)
    assert len(by_month) == 12
    assert by_month["2025-01"] == (1, 1, 0)  # A submitted; D decided
    assert by_month["2025-02"] == (0, 1, 1)  # A approved and issued
    assert by_month["2025-03"] == (0, 0, 0)  # B belongs to April in Beijing
    assert by_month["2025-04"] == (1, 1, 0)
    assert by_month["2025-06"] == (1, 0, 0)
    assert by_month["2025-12"] == (1, 0, 0)
    assert "统计期间：2025-01-01 至 2025-12-31" in page


@pytest.mark.parametrize(
    ("query", "submitted", "decided"),
    [
        ("period=month&year=2025&month=3", "0", "0"),  # B was submitted at 00:30 on 1 April, Beijing time
        ("period=month&year=2025&month=4", "1", "1"),
        ("period=month&year=2025&month=1", "1", "1"),
        ("period=quarter&year=2025&quarter=1", "1", "2"),  # A; A approved, D rejected
        ("period=quarter&year=2025&quarter=2", "2", "1"),  # B, C (22:00 on 30 June); B refused
        ("period=quarter&year=2025&quarter=4", "1", "0"),  # E (23:00 on 31 December)
        ("period=year&year=2024", "1", "0"),  # D (23:59 on 31 December 2024)
        ("period=range&start=2025-01-15&end=2025-01-15", "1", "0"),
        ("period=range&start=2024-12-31&end=2025-01-03", "1", "1"),
        ("period=year&year=2026", "0", "0"),
    ],
)
def test_each_kind_of_period_counts_by_beijing_dates(cases, statistician, query, submitted, decided):
    shown = figures(statistician().get(f"/admin/statistics/?{query}").get_data(as_text=True))
    assert (shown["submitted"], shown["decided"]) == (submitted, decided)


def test_the_province_and_item_group_filters(cases, statistician):
    client = statistician()
    beijing_page = client.get("/admin/statistics/?period=year&year=2025&province=北京市").get_data(as_text=True)
    assert figures(beijing_page)["submitted"] == "3"  # A, C, E
    assert figures(beijing_page)["decided"] == "1"  # A
    assert table(beijing_page) == {CONSTRUCTOR: 2, ARCHITECT: 1}
    architects = client.get("/admin/statistics/?period=year&year=2025&group=architect").get_data(as_text=True)
    assert figures(architects)["submitted"] == "1"  # C
    assert figures(architects)["decided"] == "1"  # D
    assert figures(architects)["average"] == "1.0"
    assert table(architects) == {ARCHITECT: 1}
    both = client.get("/admin/statistics/?period=year&year=2025&province=上海市&group=constructor")
    assert figures(both.get_data(as_text=True))["submitted"] == "1"  # B
    # Certificates have no case: counted only for the whole country and all groups.
    assert figures(architects)["certificates"] == "—"


def test_a_statistician_sees_only_the_cases_of_the_scope(cases, statistician):
    client = statistician(username="shanghai", province="上海市")
    page = client.get("/admin/statistics/?period=year&year=2025").get_data(as_text=True)
    assert figures(page)["submitted"] == "1"  # B
    assert figures(page)["decided"] == "2"  # B refused, D rejected
    assert (
        '<option selected value="上海市">' in page
        and "北京市" not in page.split('id="province"')[1].split("</select>")[0]
    )
    # Another province is not a choice; asking for it shows the message and no figures.
    refused = client.get("/admin/statistics/?period=year&year=2025&province=北京市").get_data(as_text=True)
    assert "请从列表中选择省份。" in refused and "figure-submitted" not in refused
    grouped = statistician(username="architects", groups="注册建筑师")
    page = grouped.get("/admin/statistics/?period=year&year=2025").get_data(as_text=True)
    assert figures(page)["submitted"] == "1" and table(page) == {ARCHITECT: 1}
    refused = grouped.get("/admin/statistics/?period=year&year=2025&group=constructor").get_data(as_text=True)
    assert "请从列表中选择事项分组。" in refused


def test_open_and_overdue_cases_today(db, statistician, today):
    def at(days_ago, hour=10):
        return clock.china_midnight(today - datetime.timedelta(days=days_ago)) + datetime.timedelta(hours=hour - 8)

    # G: accepted 60 days ago, 20 working days allowed: over the limit.
    case("constructor_initial", "北京市", "accepted", at(61), ("accept", "submitted", "accepted", at(60)))
    # H: accepted two days ago: within the limit.
    case("architect_initial", "北京市", "accepted", at(3), ("accept", "submitted", "accepted", at(2)))
    # I: accepted 60 days ago, returned for correction two days later and not back yet: the clock stopped.
    case(
        "constructor_initial",
        "北京市",
        "returned",
        at(61),
        ("accept", "submitted", "accepted", at(60)),
        ("request_correction", "accepted", "returned", at(58)),
    )
    # J: submitted 30 days ago, neither accepted nor refused: late acceptance.
    case("architect_initial", "上海市", "submitted", at(30))
    # K: approved and issued long ago: not open.
    case(
        "architect_initial",
        "北京市",
        "issued",
        at(90),
        ("accept", "submitted", "accepted", at(89)),
        ("start_review", "accepted", "under_review", at(89)),
        ("approve", "under_review", "approved", at(88)),
        ("issue", "approved", "issued", at(87)),
    )
    _db.session.commit()
    client = statistician()
    shown = figures(client.get("/admin/statistics/").get_data(as_text=True))
    assert (shown["open"], shown["overdue"], shown["late-acceptance"]) == ("4", "1", "1")
    shanghai = figures(client.get("/admin/statistics/?province=上海市").get_data(as_text=True))
    assert (shanghai["open"], shanghai["overdue"], shanghai["late-acceptance"]) == ("1", "0", "1")
    page = client.get("/admin/statistics/").get_data(as_text=True)
    data = page.split('id="statistics-data">')[1].split("</script>")[0]
    import json

    chart = json.loads(data)
    assert chart["overdue"] == {"groups": ["建造师"], "counts": [1]}


def test_the_csv_export_has_the_table_the_months_and_the_summary(cases, statistician):
    response = statistician().get("/admin/statistics/export.csv?period=quarter&year=2025&quarter=2")
    assert response.status_code == 200
    assert "statistics-20250401-20250630.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:2] == ["事项分组", "事项"] and header[-1] == "合计" and "不予受理" in header
    body = {row[1]: row for row in rows[1:3]}
    assert body[CONSTRUCTOR][header.index("不予受理")] == "1" and body[CONSTRUCTOR][-1] == "1"
    assert body[ARCHITECT][header.index("审查中")] == "1" and body[ARCHITECT][-1] == "1"
    assert ["2025-04", "1", "1", "0"] in rows and ["2025-06", "1", "0", "0"] in rows
    assert ["统计期间", "2025-04-01 – 2025-06-30"] in rows and ["申报", "2"] in rows


def test_the_excel_export_reads_back_with_the_same_figures(cases, statistician):
    response = statistician().get("/admin/statistics/export.xlsx?period=year&year=2025&province=北京市")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "概况",
        "按事项和状态",
        "按月",
        "超过承诺时限",
        "好差评（按事项）",
        "好差评（按办理单位）",
    ]
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(values_only=True)}
    assert summary["所在省份"] == "北京市" and summary["申报"] == 3 and summary["办结"] == 1
    rows = list(book["按事项和状态"].iter_rows(values_only=True))
    header = rows[0]
    by_item = {row[1]: row for row in rows[1:-1]}
    assert by_item[CONSTRUCTOR][header.index("已制证")] == 1
    assert by_item[CONSTRUCTOR][header.index("已撤回")] == 1
    assert by_item[CONSTRUCTOR][-1] == 2 and by_item[ARCHITECT][-1] == 1
    assert rows[-1][0] == "合计" and rows[-1][-1] == 3
    by_month = {row[0]: row[1:] for row in book["按月"].iter_rows(min_row=2, values_only=True)}
    assert by_month["2025-01"] == (1, 0, 0) and by_month["2025-02"] == (0, 1, 1) and len(by_month) == 12


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("period=range&start=2025-03-01&end=2025-02-01", "end", "结束日期早于开始日期。"),
        ("period=range&start=2025-02-30&end=2025-03-01", "start", "请按 YYYY-MM-DD 格式填写日期（如 2026-03-31）。"),
        ("period=range&start=2025-02-01&end=", "end", "请填写日期。"),
        ("period=range&start=2000-01-01&end=2025-01-01", "end", "统计期间最长为十年。"),
        ("period=year&year=abc", "year", "请填写 2000 至 2100 之间的年份。"),
        ("period=month&year=2025&month=13", "month", "请选择 1 至 12 月。"),
        ("period=quarter&year=2025&quarter=5", "quarter", "请选择第 1 至 4 季度。"),
        ("period=decade", "period", "请从列表中选择统计期间。"),
        ("period=year&year=2025&group=plumbers", "group", "请从列表中选择事项分组。"),
    ],
)
def test_bad_input_gets_a_chinese_message_beside_the_field(db, statistician, query, field, message):
    client = statistician()
    page = client.get(f"/admin/statistics/?{query}").get_data(as_text=True)
    assert f'<span class="help-block" id="error-{field}">{message}</span>' in page
    assert "figure-submitted" not in page
    for export in ("export.csv", "export.xlsx"):
        refused = client.get(f"/admin/statistics/{export}?{query}")
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)


def test_the_page_has_no_inline_script_and_loads_the_charting_library_from_the_portal(db, statistician):
    page = statistician().get("/admin/statistics/?period=year&year=2025").get_data(as_text=True)
    content = page.split('id="statistics-form"')[1]
    assert '<script type="application/json" id="statistics-data">' in content
    scripts = re.findall(r"<script([^>]*)>", content)
    assert all("application/json" in attributes or "src=" in attributes for attributes in scripts)
    assert 'src="/static/vendor/echarts/echarts.min.js"' in page and 'src="/static/js/statistics.js"' in page


# The kept reports (services/cases/report_cache.py): the same figures again without the database's
# work, and never a figure older than the last committed change it counts.


def _statements_on_cases(run) -> int:
    from sqlalchemy import event as sa_event

    seen = []

    def note(_conn, _cursor, statement, *_args):
        if "application" in statement:
            seen.append(statement)

    engine = _db.session.get_bind()
    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def test_a_kept_report_has_the_figures_of_a_fresh_one_and_reads_no_case(cases, staff_factory):
    from app.services.cases import report_cache, statistics

    staff = staff_factory("Statistician", username="kept")
    period, today = statistics.year_period(2025), datetime.date(2026, 1, 5)
    fresh = statistics.build_report(staff, period, today=today)
    first = report_cache.report(staff, period, today=today)
    assert _statements_on_cases(lambda: report_cache.report(staff, period, today=today)) == 0
    assert report_cache.report(staff, period, today=today) == first == fresh
    # Another choice is another report: the province filter is worked out, not served from the national one.
    beijing = report_cache.report(staff, period, province="北京市", today=today)
    assert beijing.submitted == 3 and first.submitted == 4


def test_a_committed_change_to_a_case_retires_the_kept_report_on_the_page(cases, statistician):
    client = statistician()
    url = "/admin/statistics/?period=year&year=2025"
    assert figures(client.get(url).get_data(as_text=True))["decided"] == "3"
    from app.models import Application

    open_case = _db.session.query(Application).filter_by(status="under_review").one()  # C
    open_case.status = "rejected"
    open_case.events.append(event("reject", "under_review", "rejected", beijing(2025, 8, 1)))
    _db.session.commit()
    assert figures(client.get(url).get_data(as_text=True))["decided"] == "4"


def test_a_rolled_back_change_or_a_draft_being_edited_retires_nothing(cases, staff_factory):
    from app.models import Application
    from app.services.cases import report_cache

    before = report_cache.generation()
    open_case = _db.session.query(Application).filter_by(status="under_review").one()
    open_case.status = "approved"
    _db.session.flush()
    _db.session.rollback()
    draft = _db.session.query(Application).filter_by(status="draft").one()
    draft.data = {"school": "清华大学"}  # the applicant saves the form: counted nowhere
    _db.session.commit()
    assert report_cache.generation() == before
    _db.session.add(event("accept", "submitted", "accepted", beijing(2025, 9, 1)))
    _db.session.rollback()
    assert report_cache.generation() == before


def test_a_calendar_override_retires_the_kept_reports(db, staff_factory):
    from app.models import CalendarOverride
    from app.services.cases import report_cache

    before = report_cache.generation()
    _db.session.add(CalendarOverride(day=datetime.date(2026, 10, 9), is_workday=False, note="调休"))
    _db.session.commit()
    assert report_cache.generation() == before + 1
