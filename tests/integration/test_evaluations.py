"""好差评 and 差评整改: the rules the applicant and the handling unit rely on."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from app import clock
from app.models import AuditRecord, CaseEvaluation, InboxMessage, Rectification
from app.services.cases import evaluations
from app.services.cases.working_days import WorkingCalendar
from tests.factories import AccountFactory, ApplicationFactory

PASSWORD = "Citizen@2026pass"
STAFF_PASSWORD = "Staff@2026pass"
GOOD = {"level": "5", "efficiency": "5", "attitude": "4", "openness": "5", "convenience": "4", "comment": "很快"}
BAD = {
    "level": "1",
    "efficiency": "1",
    "attitude": "2",
    "openness": "2",
    "convenience": "1",
    "comment": "材料反复要求提交",
    "tags": ["repeated_materials", "late"],
}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def citizen(app, db):
    """An applicant with a password, signed in on a client of his own; make(status=...) gives him a case."""

    def make(status="issued", province="北京市", **account_fields):
        account = AccountFactory(**account_fields)
        application = ApplicationFactory(account=account, status=status, province=province)
        db.session.commit()
        app.appbuilder.sm.reset_password(account.id, PASSWORD)
        client = app.test_client()
        response = client.post(
            "/account/login", data={"kind": "personal", "identifier": account.phone, "password": PASSWORD}
        )
        assert response.status_code == 302
        return client, account, application

    return make


@pytest.fixture
def section_head(app, db, staff_factory):
    def make(username="kezhang", province="", groups=""):
        user = staff_factory("SectionHead", username=username)
        user.case_province, user.case_groups = province, groups
        db.session.commit()
        client = app.test_client()
        client.post("/admin/login/", data={"username": username, "password": STAFF_PASSWORD})
        return client

    return make


def rate(client, application, data):
    return client.post(f"/user/cases/{application.number}/evaluation", data=data)


def test_an_issued_case_is_rated_once_and_shown_on_its_progress_page(db, citizen):
    client, account, application = citizen()
    page = client.get("/user/cases")
    assert f"/user/cases/{application.number}/evaluation" in page.get_data(as_text=True)
    response = rate(client, application, GOOD)
    assert response.status_code == 302
    evaluation = db.session.query(CaseEvaluation).one()
    assert (evaluation.level, evaluation.attitude, evaluation.comment) == (5, 4, "很快")
    assert evaluation.rectification is None
    detail = text(client.get(f"/user/cases/{application.number}"))
    assert "您的评价： 非常满意" in detail
    # A second rating is a change of the same one: still one row.
    rate(client, application, {**GOOD, "level": "4"})
    assert db.session.query(CaseEvaluation).count() == 1
    db.session.expire_all()
    assert db.session.query(CaseEvaluation).one().level == 4
    events = [row.event for row in db.session.query(AuditRecord).order_by(AuditRecord.id)]
    assert events[-2:] == ["evaluation.given", "evaluation.changed"]


def test_a_case_still_being_handled_cannot_be_rated(db, citizen):
    client, _, application = citizen(status="under_review")
    response = rate(client, application, GOOD)
    assert "办理决定告知后或办结后才能评价" in text(response)
    assert db.session.query(CaseEvaluation).count() == 0


@pytest.mark.parametrize("status", ["approved", "rejected", "not_accepted", "withdrawn"])
def test_decided_refused_and_withdrawn_cases_can_be_rated(db, citizen, status):
    client, _, application = citizen(status=status)
    assert rate(client, application, GOOD).status_code == 302
    assert db.session.query(CaseEvaluation).count() == 1


def test_missing_dimension_is_said_beside_it_and_nothing_is_saved(db, citizen):
    client, _, application = citizen()
    response = rate(client, application, {**GOOD, "openness": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="row-openness".*?请对此项评分', page, re.S)
    assert "很快" in page  # the comment typed is kept
    assert db.session.query(CaseEvaluation).count() == 0


def test_the_rating_can_be_changed_within_the_set_days_only(app, db, citizen):
    client, _, application = citizen()
    rate(client, application, GOOD)
    days = app.config["EVALUATION_CHANGE_DAYS"]
    assert days == 7
    evaluation = db.session.query(CaseEvaluation).one()
    # Six days later it may still be changed; seven days and an hour after it was given, no more.
    evaluation.created_at = clock.now() - datetime.timedelta(days=days - 1)
    db.session.commit()
    assert rate(client, application, {**GOOD, "level": "4"}).status_code == 302
    db.session.expire_all()
    evaluation = db.session.query(CaseEvaluation).one()
    assert evaluation.level == 4
    evaluation.created_at = clock.now() - datetime.timedelta(days=days, hours=1)
    db.session.commit()
    response = rate(client, application, {**GOOD, "level": "3"})
    assert "评价在作出后7日内可以修改，已超过修改期限" in text(response)
    db.session.expire_all()
    assert db.session.query(CaseEvaluation).one().level == 4
    assert "修改评价" not in text(client.get(f"/user/cases/{application.number}"))


def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(db, citizen):
    client, _, application = citizen()
    response = rate(client, application, {**BAD, "comment": ""})
    assert "请说明不满意的原因" in text(response)  # a bad rating says why
    assert rate(client, application, BAD).status_code == 302
    task = db.session.query(Rectification).one()
    assert task.status == "open"
    assert task.due_on == WorkingCalendar.from_database().add(clock.today(), 15)
    assert WorkingCalendar().between(clock.today(), task.due_on) == 15
    assert db.session.query(AuditRecord).filter_by(event="rectification.opened").count() == 1
    assert not task.overdue
    with time_machine.travel(datetime.datetime.combine(task.due_on, datetime.time(4)), tick=False):
        assert not task.overdue  # the last day is still in time
    with time_machine.travel(datetime.datetime.combine(task.due_on + datetime.timedelta(days=1), datetime.time(4))):
        assert task.overdue
    # Changing the bad rating does not open a second task.
    rate(client, application, {**BAD, "level": "2"})
    assert db.session.query(Rectification).count() == 1


def test_the_deadline_skips_the_national_holidays(db, citizen):
    with time_machine.travel(datetime.datetime(2026, 9, 28, 2, 0, tzinfo=datetime.UTC), tick=False):
        client, _, application = citizen()
        rate(client, application, BAD)
    task = db.session.query(Rectification).one()
    # 2026-09-28 (Mon): the National Day holiday (10-01 to 10-07 or so) is not counted.
    calendar = WorkingCalendar()
    assert task.due_on == calendar.add(datetime.date(2026, 9, 28), 15)
    assert (task.due_on - datetime.date(2026, 9, 28)).days > 21


def test_reply_and_confirmation(db, citizen, section_head):
    client, account, application = citizen()
    rate(client, application, BAD)
    task = db.session.query(Rectification).one()
    staff = section_head()
    listing = staff.get("/rectificationadminview/list/")
    assert listing.status_code == 200 and application.number in listing.get_data(as_text=True)
    empty = staff.post(f"/rectificationadminview/reply/{task.id}", data={"reply": "  "})
    assert "请填写给申请人的答复" in text(empty)
    response = staff.post(f"/rectificationadminview/reply/{task.id}", data={"reply": "已约谈经办人，材料一次告知。"})
    assert response.status_code == 302
    db.session.expire_all()
    task = db.session.query(Rectification).one()
    assert task.status == "replied" and task.replied_by_id is not None
    assert (
        db.session.query(InboxMessage)
        .filter_by(account_id=account.id)
        .filter(InboxMessage.title.contains("评价"))
        .count()
        == 1
    )
    # A second reply is refused while the applicant has not answered.
    again = staff.post(f"/rectificationadminview/reply/{task.id}", data={"reply": "再次答复"})
    assert "再次答复" not in (db.session.query(Rectification).one().reply)
    assert again.status_code == 200
    detail = text(client.get(f"/user/cases/{application.number}"))
    assert "已约谈经办人，材料一次告知。" in detail
    assert (
        client.post(f"/user/cases/{application.number}/evaluation/confirm", data={"answer": "unsatisfied"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.query(Rectification).one().status == "reopened"
    staff.post(f"/rectificationadminview/reply/{task.id}", data={"reply": "已退还多收材料并致歉。"})
    client.post(f"/user/cases/{application.number}/evaluation/confirm", data={"answer": "satisfied"})
    db.session.expire_all()
    task = db.session.query(Rectification).one()
    assert (task.status, task.confirmation, task.reply) == ("closed", "satisfied", "已退还多收材料并致歉。")
    rows = db.session.query(AuditRecord).filter(AuditRecord.event.like("rectification.%")).order_by(AuditRecord.id)
    events = [row.event for row in rows]
    assert events == [
        "rectification.opened",
        "rectification.replied",
        "rectification.confirmed",
        "rectification.replied",
        "rectification.confirmed",
    ]
    # Nothing left to confirm.
    client.post(f"/user/cases/{application.number}/evaluation/confirm", data={"answer": "unsatisfied"})
    db.session.expire_all()
    assert db.session.query(Rectification).one().status == "closed"


def test_an_applicant_sees_and_rates_only_his_own_cases(db, citizen):
    client, _, own = citizen()
    _, _, other = citizen(phone="13900001111")
    assert client.get(f"/user/cases/{other.number}/evaluation").status_code == 404
    assert rate(client, other, GOOD).status_code == 404
    assert (
        client.post(f"/user/cases/{other.number}/evaluation/confirm", data={"answer": "satisfied"}).status_code == 404
    )
    assert db.session.query(CaseEvaluation).count() == 0


def test_staff_see_ratings_by_role_and_scope(app, db, citizen, section_head, staff_factory):
    client, _, beijing = citizen(province="北京市")
    rate(client, beijing, BAD)
    other_client, _, shanghai = citizen(province="上海市", phone="13900002222")
    rate(other_client, shanghai, {**BAD, "comment": "上海的差评"})
    shanghai_head = section_head(username="shanghai", province="上海市")
    page = shanghai_head.get("/caseevaluationadminview/list/").get_data(as_text=True)
    assert shanghai.number in page and beijing.number not in page
    tasks = shanghai_head.get("/rectificationadminview/list/").get_data(as_text=True)
    assert shanghai.number in tasks and beijing.number not in tasks
    beijing_task = (
        db.session.query(Rectification).join(CaseEvaluation).filter(CaseEvaluation.application_id == beijing.id).one()
    )
    assert shanghai_head.get(f"/rectificationadminview/reply/{beijing_task.id}").status_code == 404
    # An acceptance officer handles cases, not ratings.
    staff_factory("AcceptanceOfficer", username="shouli")
    officer = app.test_client()
    officer.post("/admin/login/", data={"username": "shouli", "password": STAFF_PASSWORD})
    assert officer.get("/rectificationadminview/list/").status_code == 403
    assert officer.get("/caseevaluationadminview/list/").status_code == 403
    assert officer.get(f"/rectificationadminview/reply/{beijing_task.id}").status_code == 403
    # A statistician reads the ratings but does not reply.
    staff_factory("Statistician", username="tongji")
    counter = app.test_client()
    counter.post("/admin/login/", data={"username": "tongji", "password": STAFF_PASSWORD})
    assert counter.get("/caseevaluationadminview/list/").status_code == 200
    assert counter.post(f"/rectificationadminview/reply/{beijing_task.id}", data={"reply": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Rectification, beijing_task.id).status == "open"


def test_statistics_and_the_public_guide_show_satisfaction(app, db, citizen, staff_factory):
    first, _, case_a = citizen(province="北京市")
    rate(first, case_a, GOOD)
    second, _, case_b = citizen(province="北京市", phone="13900003333")
    rate(second, case_b, {**GOOD, "level": "3"})
    third, _, case_c = citizen(province="上海市", phone="13900004444")
    rate(third, case_c, BAD)
    item = case_a.item
    figures = evaluations.item_satisfaction(item)
    assert (figures.count, figures.satisfied, figures.share) == (3, 2, 66.7)
    guide = text(app.test_client().get(f"/services/guide/{item.code}"))
    assert "3条评价，满意率66.7%" in guide
    staff_factory("Statistician", username="tongji2")
    counter = app.test_client()
    counter.post("/admin/login/", data={"username": "tongji2", "password": STAFF_PASSWORD})
    today = clock.today()
    page = counter.get(f"/admin/statistics/?period=year&year={today.year}").get_data(as_text=True)
    units = page.split('id="satisfaction-units"')[1].split("</table>")[0]
    assert re.search(r"<td>上海市</td><td[^>]*>1</td><td[^>]*>0</td><td[^>]*>0.0%</td>", units)
    assert re.search(r"<td>北京市</td><td[^>]*>2</td><td[^>]*>2</td><td[^>]*>100.0%</td>", units)
    items = page.split('id="satisfaction-items"')[1].split("</table>")[0]
    assert re.search(rf"<td>{re.escape(item.name)}</td><td[^>]*>3</td><td[^>]*>2</td><td[^>]*>66.7%</td>", items)
    # The files carry the same ratings as the page.
    query = f"period=year&year={today.year}"
    rows = list(csv.reader(io.StringIO(counter.get(f"/admin/statistics/export.csv?{query}").data.decode("utf-8-sig"))))
    by_unit = rows[rows.index(["好差评（按办理单位）"]) + 1 :]
    assert by_unit[0][:4] == ["办理单位（省份）", "评价数", "满意", "满意率"]
    assert {row[0]: row[1:4] for row in by_unit[1:3]} == {"北京市": ["2", "2", "100.0"], "上海市": ["1", "0", "0.0"]}
    book = load_workbook(io.BytesIO(counter.get(f"/admin/statistics/export.xlsx?{query}").data))
    by_item = {row[0]: row[1:4] for row in book["好差评（按事项）"].iter_rows(min_row=2, values_only=True)}
    assert by_item[item.name] == (3, 2, 66.7)


def test_a_kept_statistics_report_shows_satisfaction_and_a_new_rating_retires_it(app, db, citizen, staff_factory):
    first, _, case_a = citizen(province="北京市")
    rate(first, case_a, GOOD)
    staff_factory("Statistician", username="tongji3")
    counter = app.test_client()
    counter.post("/admin/login/", data={"username": "tongji3", "password": STAFF_PASSWORD})
    address = f"/admin/statistics/?period=year&year={clock.today().year}"

    def units() -> str:
        page = counter.get(address).get_data(as_text=True)
        return page.split('id="satisfaction-units"')[1].split("</table>")[0]

    beijing = r"<td>北京市</td><td[^>]*>{}</td><td[^>]*>{}</td><td[^>]*>{}</td>"
    assert re.search(beijing.format(1, 1, "100.0%"), units())
    assert re.search(beijing.format(1, 1, "100.0%"), units())  # the kept report reads back with its shares
    second, _, case_b = citizen(province="北京市", phone="13900005555")
    rate(second, case_b, BAD)
    assert re.search(beijing.format(2, 1, "50.0%"), units())  # the rating retired the kept report
