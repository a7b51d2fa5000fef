"""The staff side: each role's queue and actions, reasons, the applicant told, issuing writes the register."""

import datetime
import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from PIL import Image

from app.models import Account, Application, InboxMessage, PersonRegistration, SmsOutboxMessage
from app.services.accounts.identity_documents import make_uscc
from app.services.cases.handling import make_registration_number
from app.services.cases.workflow import Status
from app.services.errors import ServiceError

EMPLOYER = make_uscc("91110105MA01B2C3X")
ROLES = {
    "acceptor": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
}


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def submitted_case(client, db, submit_constructor_case):
    submit_constructor_case(client)
    return db.session.query(Application).one()


@pytest.fixture
def staff(app, db, staff_factory):
    clients = {}
    for username, role in ROLES.items():
        staff_factory(role, username=username)
        clients[username] = app.test_client()
        clients[username].post("/admin/login/", data={"username": username, "password": "Staff@2026pass"})
    return clients


def act(client, case, action, reason="", **fields):
    return client.post(f"/admin/workflow/case/{case.id}", data={"action": action, "reason": reason, **fields})


def review(client, case, opinion="材料齐全，符合注册条件", recommendation="grant", reasons=""):
    """The reviewer's 审查意见: the opinion, the recommendation and its reasons."""
    return act(
        client,
        case,
        "submit_opinion",
        opinion,
        recommendation=recommendation,
        recommendation_reasons=reasons,
    )


def test_registration_number_scheme():
    assert make_registration_number("11", 1, 2015, 2026, 123) == "京111152600123"
    assert make_registration_number("44", 1, 2010, 2026, 1) == "粤144102600001"


def test_submission_to_issue_with_four_roles(db, submitted_case, staff):
    case = submitted_case
    assert case.number in staff["acceptor"].get("/admin/workflow/").get_data(as_text=True)
    assert case.number not in staff["approver"].get("/admin/workflow/").get_data(as_text=True)
    assert act(staff["acceptor"], case, "accept").status_code == 302
    assert act(staff["reviewer"], case, "start_review").status_code == 302
    assert review(staff["reviewer"], case).status_code == 302
    assert act(staff["approver"], case, "approve").status_code == 302
    assert act(staff["issuer"], case, "issue").status_code == 302
    db.session.expire_all()
    case = db.session.get(Application, case.id)
    assert case.status == Status.ISSUED
    registration = db.session.query(PersonRegistration).one()
    assert registration.registration_number.startswith("京11115")
    assert registration.employer_uscc == EMPLOYER
    start = registration.valid_from  # three years to the day (29 February: the 28th)
    assert registration.valid_to == start.replace(
        year=start.year + 3, day=28 if (start.month, start.day) == (2, 29) else start.day
    )
    assert [s.specialty for s in registration.specialties] == ["建筑工程"]
    messages = db.session.query(InboxMessage).filter_by(account_id=case.account_id).count()
    assert messages == 5  # submitted + accepted, review started, approved, issued (the opinion is internal)
    # An SMS on every decision: accepted, approved, issued (not on the start of the review or the opinion).
    assert db.session.query(SmsOutboxMessage).filter_by(purpose="case_notice").count() == 3


@pytest.mark.parametrize(
    "username, action",
    [
        ("reviewer", "accept"),
        ("approver", "accept"),
        ("issuer", "accept"),
        ("acceptor", "approve"),
        ("reviewer", "approve"),
        ("acceptor", "issue"),
        ("approver", "issue"),
    ],
)
def test_each_role_is_refused_other_steps(db, submitted_case, staff, username, action):
    response = act(staff[username], submitted_case, action, "理由")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Application, submitted_case.id).status == Status.SUBMITTED


def test_refusal_needs_reasons_and_states_the_right_of_redress(db, submitted_case, staff):
    response = act(staff["acceptor"], submitted_case, "refuse")
    assert "请填写理由" in response.get_data(as_text=True)
    assert act(staff["acceptor"], submitted_case, "refuse", "材料不属于本机关职权范围").status_code == 302
    db.session.expire_all()
    event = db.session.get(Application, submitted_case.id).events[-1]
    assert event.action == "refuse" and "行政复议" in event.remarks and "材料不属于" in event.remarks


def test_a_step_out_of_order_is_refused(db, submitted_case, staff):
    act(staff["acceptor"], submitted_case, "accept")
    response = act(staff["acceptor"], submitted_case, "accept")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/workflow/case/{submitted_case.id}"
    assert "该办件已无法进行此操作，当前状态为：已受理" in staff["acceptor"].get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert len(db.session.get(Application, submitted_case.id).events) == 2


def test_citizens_and_anonymous_cannot_reach_the_workflow(client, db, submitted_case, app):
    assert client.get("/admin/workflow/").status_code == 403  # signed in, but not staff
    assert app.test_client().get(f"/admin/workflow/case/{submitted_case.id}").status_code == 302


def test_applicant_sees_deadline_after_acceptance(client, db, submitted_case, staff):
    act(staff["acceptor"], submitted_case, "accept")
    page = client.get(f"/user/cases/{submitted_case.number}").get_data(as_text=True)
    assert "承诺办结日期" in page and "剩余" in page


def test_two_officers_pressing_at_once_cannot_both_succeed(app, db, submitted_case, staff_factory):
    """Run on PostgreSQL by .ci/run: both transactions start from 'submitted'; one wins."""
    import threading

    from app.services.cases import handling as case_handling
    from app.services.cases import workflow

    officer_ids = [staff_factory("AcceptanceOfficer", username=f"officer{i}").id for i in range(2)]
    case_id = submitted_case.id
    barrier = threading.Barrier(2)
    outcomes = []

    def press(officer_id, action):
        with app.app_context():
            from app.extensions import db as database

            application = database.session.get(Application, case_id)
            officer = database.session.get(Account, officer_id)
            assert application.status == Status.SUBMITTED
            barrier.wait()
            try:
                case_handling.handle(application, action, actor=officer, reason="并发测试")
                database.session.commit()
                outcomes.append(action)
            except workflow.TransitionRefused:
                database.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # SQLite may report the lock instead of the refusal
                database.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                database.session.remove()

    threads = [
        threading.Thread(target=press, args=(officer_ids[0], "accept")),
        threading.Thread(target=press, args=(officer_ids[1], "refuse")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len([o for o in outcomes if o in ("accept", "refuse")]) == 1, outcomes
    db.session.expire_all()
    case = db.session.get(Application, case_id)
    (winner,) = [o for o in outcomes if o in ("accept", "refuse")]
    assert case.status == {"accept": Status.ACCEPTED, "refuse": Status.NOT_ACCEPTED}[winner]
    assert len([e for e in case.events if e.action in ("accept", "refuse")]) == 1


def test_staff_correct_the_calendar_and_the_clock_follows(app, client, db, staff_factory, login_staff):
    from app.models import CalendarOverride
    from app.services.cases.working_days import WorkingCalendar

    staff_factory("Admin", username="boss")
    login_staff("boss")
    response = client.post(
        "/calendaroverrideadminview/add", data={"day": "2027-02-08", "is_workday": "", "note": "2027年春节"}
    )
    assert response.status_code == 302
    assert db.session.query(CalendarOverride).filter_by(note="2027年春节").one().is_workday is False
    assert not WorkingCalendar.from_database().is_workday(datetime.date(2027, 2, 8))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def notice_links(client, case):
    import re

    page = client.get(f"/user/cases/{case.number}").get_data(as_text=True)
    return re.findall(r'href="(/user/cases/[^"]+/notices/\d+\.pdf)"', page)


def test_each_decision_gives_the_applicant_its_formal_notice(client, db, submitted_case, staff):
    case = submitted_case
    act(staff["acceptor"], case, "accept")
    links = notice_links(client, case)
    assert len(links) == 1
    response = client.get(links[0])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "行政许可受理通知书" in text and case.number in text and "予以受理" in text
    assert f"{case.item.time_limit_days}个工作日" in text and "预计办结日期" in text
    act(staff["reviewer"], case, "start_review")
    review(staff["reviewer"], case)
    act(staff["approver"], case, "approve", "符合注册条件")
    links = notice_links(client, case)
    assert len(links) == 2  # 受理通知书 and 准予行政许可决定书 (start of review has none)
    text = pdf_text(client.get(links[1]).data)
    assert "准予行政许可决定书" in text and "第三十八条第一款" in text and case.number in text


def test_the_correction_notice_lists_every_defect_once(client, db, submitted_case, staff):
    from app.services.cases import handling as case_handling

    officer = db.session.query(Account).filter_by(username="acceptor").one()
    materials = [m for m in submitted_case.item.materials if m.required][:2]
    defects = [
        {"material_id": m.id, "label": m.name, "problem": f"问题{index}：请重新上传清晰的扫描件"}
        for index, m in enumerate(materials, 1)
    ]
    case_handling.handle(submitted_case, "request_correction", actor=officer, reason="请一次性补正", defects=defects)
    db.session.commit()
    data = client.get(notice_links(client, submitted_case)[0]).data
    text = pdf_text(data)
    assert "行政许可补正材料通知书" in text and "一次性告知" in text
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # an A4 sheet, seal and case facts included
    for defect in defects:
        assert defect["label"] in text and defect["problem"] in text


def test_refusals_carry_the_reasons_and_the_right_of_redress_once(client, db, submitted_case, staff):
    act(staff["acceptor"], submitted_case, "refuse", "申请事项不属于本机关职权范围")
    text = pdf_text(client.get(notice_links(client, submitted_case)[0]).data)
    assert "不予受理通知书" in text and "申请事项不属于本机关职权范围" in text
    assert text.count("行政复议") == 1


def test_staff_download_notices_from_the_case_and_strangers_cannot(
    app, client, db, submitted_case, staff, register_person
):
    act(staff["acceptor"], submitted_case, "accept")
    event = submitted_case.events[-1]
    response = staff["reviewer"].get(f"/admin/workflow/case/{submitted_case.id}/notice/{event.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert f"/notice/{event.id}" in staff["reviewer"].get(f"/admin/workflow/case/{submitted_case.id}").get_data(
        as_text=True
    )
    # An event that has no notice is not found; another citizen gets nothing.
    submit_event = submitted_case.events[0]
    assert client.get(f"/user/cases/{submitted_case.number}/notices/{submit_event.id}.pdf").status_code == 404
    from app.services.accounts.identity_documents import make_resident_id

    other = app.test_client()
    stranger = register_person(
        document_number=make_resident_id("110105", datetime.date(1990, 5, 5), 33),
        phone="13655550002",
        email="s2@example.cn",
    )
    other.post(
        "/account/login", data={"kind": "personal", "identifier": stranger["phone"], "password": stranger["password"]}
    )
    assert other.get(f"/user/cases/{submitted_case.number}/notices/{event.id}.pdf").status_code == 404
    assert app.test_client().get(f"/admin/workflow/case/{submitted_case.id}/notice/{event.id}").status_code == 302


def test_the_statistician_sees_the_figures_and_nothing_else(app, db, submitted_case, staff, staff_factory):
    act(staff["acceptor"], submitted_case, "accept")
    act(staff["reviewer"], submitted_case, "start_review")
    review(staff["reviewer"], submitted_case)
    act(staff["approver"], submitted_case, "approve", "符合条件")
    staff_factory("Statistician", username="counter")
    statistician = app.test_client()
    statistician.post("/admin/login/", data={"username": "counter", "password": "Staff@2026pass"})
    page = statistician.get("/admin/statistics/").get_data(as_text=True)
    assert submitted_case.item.name in page
    import re

    figures = dict(re.findall(r'id="figure-([\w-]+)"[^>]*>([^<]*)<', page))
    assert figures["submitted"] == "1" and figures["decided"] == "1" and figures["open"] == "1"
    assert figures["average"] == "0.0"  # accepted and decided on the same working day
    csv_text = statistician.get("/admin/statistics/export.csv").data.decode("utf-8-sig")
    assert submitted_case.item.name in csv_text and "准予许可" in csv_text.splitlines()[0]
    # Read-only and nothing but the figures: no queue, no case, no action.
    assert statistician.get("/admin/workflow/").status_code == 403
    assert statistician.get(f"/admin/workflow/case/{submitted_case.id}").status_code == 403
    assert act(statistician, submitted_case, "issue").status_code == 403
    db.session.expire_all()
    assert db.session.get(Application, submitted_case.id).status == Status.APPROVED
    # Case officers do not see the statistics.
    assert staff["acceptor"].get("/admin/statistics/").status_code == 403


def scoped_officer(app, db, staff_factory, username, groups="", province=""):
    officer = staff_factory("AcceptanceOfficer", username=username)
    officer.case_groups, officer.case_province = groups, province
    db.session.commit()
    client = app.test_client()
    client.post("/admin/login/", data={"username": username, "password": "Staff@2026pass"})
    return client


def test_the_case_gets_the_province_of_its_employer(db, submitted_case):
    assert submitted_case.province == "北京市"


@pytest.mark.parametrize(
    "groups, province, sees",
    [
        ("", "", True),
        ("建造师", "", True),
        ("注册建筑师", "", False),
        ("", "北京市", True),
        ("", "上海市", False),
        ("建造师,注册建筑师", "北京市", True),
        ("建造师", "上海市", False),
    ],
)
def test_officers_see_only_the_cases_of_their_scope(app, db, submitted_case, staff_factory, groups, province, sees):
    officer = scoped_officer(app, db, staff_factory, "scoped", groups, province)
    case = submitted_case
    assert (case.number in officer.get("/admin/workflow/").get_data(as_text=True)) is sees
    assert (case.number in officer.get("/applicationadminview/list/").get_data(as_text=True)) is sees
    expected = 200 if sees else 404
    assert officer.get(f"/admin/workflow/case/{case.id}").status_code == expected
    assert officer.get(f"/admin/cases/{case.id}/return").status_code == expected
    attachment = case.attachments[0]
    assert officer.get(f"/admin/workflow/attachment/{attachment.id}").status_code == expected
    response = act(officer, case, "accept")
    db.session.expire_all()
    assert (db.session.get(Application, case.id).status == Status.ACCEPTED) is sees
    if not sees:
        assert response.status_code == 404


def test_the_admin_sets_an_officers_scope_and_unknown_groups_are_refused(app, client, db, staff_factory, login_staff):
    staff_factory("Admin", username="boss")
    officer = staff_factory("AcceptanceOfficer", username="clerk")
    login_staff("boss")
    form = {
        "first_name": "受理",
        "last_name": "员",
        "username": "clerk",
        "email": officer.email,
        "active": "y",
        "roles": [str(role.id) for role in officer.roles],
        "case_groups": "建造师，不存在的分组",
        "case_province": "上海市",
    }
    response = client.post(f"/users/edit/{officer.id}", data=form)
    assert response.status_code == 200 and "未知的事项分组：不存在的分组" in response.get_data(as_text=True)
    form["case_groups"] = "建造师，注册建筑师"
    assert client.post(f"/users/edit/{officer.id}", data=form).status_code == 302
    db.session.expire_all()
    officer = db.session.get(Account, officer.id)
    assert officer.case_groups == "建造师，注册建筑师" and officer.case_province == "上海市"


def test_the_staff_user_list_holds_staff_only(app, client, db, staff_factory, login_staff, register_person):
    person = register_person()
    staff_factory("Admin", username="boss")
    login_staff("boss")
    page = client.get("/users/list/").get_data(as_text=True)
    assert "boss" in page and person["name"] not in page


def issue_all_steps(staff, case):
    for username, action in (
        ("acceptor", "accept"),
        ("reviewer", "start_review"),
        ("reviewer", "submit_opinion"),
        ("approver", "approve"),
        ("issuer", "issue"),
    ):
        assert act(staff[username], case, action, "同意", recommendation="grant").status_code == 302


def test_personal_information_is_corrected_without_a_returned_case(client, db, submitted_case, staff, request_sms):
    issue_all_steps(staff, submitted_case)
    account = submitted_case.account
    item = submitted_case.item
    url = f"/services/item/{item.code}/correction"
    page = client.get(url).get_data(as_text=True)
    assert 'id="information-change"' in page and 'id="submit-correction" disabled' not in page
    identity = next(m for m in item.materials if m.required)

    def post(**fields):
        data = {
            "name": "",
            "document_number": "",
            "explanation": "",
            "commitment": "yes",
            "sms_code": request_sms(client, account.phone, "application"),
        }
        data.update(fields)
        return client.post(url, data=data, content_type="multipart/form-data")

    response = post(explanation="已更名")
    assert response.status_code == 200 and "请填写更正后的姓名或证件号码" in response.get_data(as_text=True)
    response = post(name="刘德铭", document_number="110105198604021235")
    body = response.get_data(as_text=True)
    assert "请说明情况" in body and 'value="刘德铭"' in body
    assert db.session.query(Application).count() == 1  # nothing saved half-way
    response = post(
        name="刘德铭",
        explanation="经公安机关批准更名",
        **{f"material_{identity.id}": (io.BytesIO(jpeg()), "new-id.jpg")},
    )
    assert response.status_code == 302
    change = db.session.query(Application).order_by(Application.id.desc()).first()
    assert change.id != submitted_case.id and change.status == Status.SUBMITTED and change.number
    assert change.data["information_change"]["name"] == "刘德铭"
    # While it is handled, the page does not take another one.
    assert 'id="not-returned"' in client.get(url).get_data(as_text=True)
    assert "刘德铭" in staff["acceptor"].get(f"/admin/workflow/case/{change.id}").get_data(as_text=True)
    issue_all_steps(staff, change)
    db.session.expire_all()
    registration = db.session.query(PersonRegistration).one()
    assert registration.holder_name == "刘德铭"


def test_a_return_can_name_filled_in_fields_and_only_those_change(client, db, submitted_case, staff, request_sms):
    case = submitted_case
    form = staff["acceptor"].get(f"/admin/cases/{case.id}/return").get_data(as_text=True)
    assert 'name="flag_field_school"' in form and "同济大学" in form
    response = staff["acceptor"].post(
        f"/admin/cases/{case.id}/return",
        data={
            "reason": "毕业院校填写有误",
            "flag_field_school": "1",
            "defect_field_school": "请填写毕业证书上的院校全称",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.RETURNED
    url = f"/services/item/{case.item.code}/correction"
    page = client.get(url).get_data(as_text=True)
    assert 'name="field_school"' in page and 'name="field_major"' not in page
    assert "请填写毕业证书上的院校全称" in page

    def post(**fields):
        data = {"commitment": "yes", "sms_code": request_sms(client, case.account.phone, "application")}
        data.update(fields)
        return client.post(url, data=data, content_type="multipart/form-data")

    response = post(field_school="")
    assert response.status_code == 200 and "该信息已被退回，请填写更正后的内容" in response.get_data(as_text=True)
    assert post(field_school="同济大学（四平路校区）", field_major="不应被修改").status_code == 302
    db.session.expire_all()
    case = db.session.get(Application, case.id)
    data = case.data
    assert case.status == Status.RESUBMITTED
    assert data["school"] == "同济大学（四平路校区）" and data["major"] == "土木"


def test_the_service_refuses_changes_to_fields_that_were_not_returned(db, submitted_case, staff):

    from app.services.cases import corrections

    officer = db.session.query(Account).filter_by(username="acceptor").one()
    corrections.request_correction(
        submitted_case,
        actor=officer,
        reason="院校",
        office="受理",
        defects=[{"field": "school", "label": "毕业院校", "problem": "不全"}],
    )
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        corrections.resubmit(
            submitted_case.account,
            submitted_case,
            changes={},
            uploads={},
            commitment=True,
            sms_check=lambda phone: {},
            field_values={"school": "新", "major": "改"},
        )
    assert "__all__" in refused.value.errors


def test_the_officers_buttons_say_what_they_do(db, submitted_case, staff):
    import re

    page = staff["acceptor"].get(f"/admin/workflow/case/{submitted_case.id}").get_data(as_text=True)
    buttons = re.findall(r'<button type="submit" class="btn btn-primary">([^<]+)</button>', page)
    assert buttons == ["受理", "不予受理"]
    assert ">退回补正</a>" in page


def test_the_case_page_of_the_back_office_shows_the_form_data_as_readable_text(db, submitted_case, staff):
    page = unescape(staff["acceptor"].get(f"/applicationadminview/show/{submitted_case.id}").get_data(as_text=True))
    # under the application form's own labels, never the stored keys (nor JSON, nor a Python repr)
    assert re.search(r"<dt>聘用企业名称</dt>\s*<dd[^>]*>示范建设集团</dd>", page)
    assert re.search(r"<dt>所学专业</dt>\s*<dd[^>]*>土木</dd>", page)
    assert '"major": ' not in page and "'major'" not in page


def test_the_correction_form_shows_the_case_value_then_keeps_what_was_typed(client, db, submitted_case, staff):
    case = submitted_case
    staff["acceptor"].post(
        f"/admin/cases/{case.id}/return",
        data={"reason": "毕业院校填写有误", "flag_field_school": "1", "defect_field_school": "请填写全称"},
    )
    url = f"/services/item/{case.item.code}/correction"
    assert 'name="field_school" value="同济大学"' in client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={"field_school": "同济大学（嘉定校区）", "explanation": "更正院校", "commitment": "no"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "必须作出承诺" in page
    assert 'value="同济大学（嘉定校区）"' in page and 'value="更正院校"' in page
    assert 'id="commitment-no" checked' in page
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.RETURNED


def test_a_return_names_each_unexplained_line_and_keeps_what_was_typed(db, submitted_case, staff):
    case = submitted_case
    first, second = case.item.materials[:2]
    response = staff["acceptor"].post(
        f"/admin/cases/{case.id}/return",
        data={
            "reason": "材料不齐",
            f"flag_{first.id}": "1",
            f"defect_{first.id}": "",
            f"flag_{second.id}": "1",
            f"defect_{second.id}": "扫描件模糊",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "请说明该材料存在的问题" in page
    assert 'value="扫描件模糊"' in page and "材料不齐" in page
    db.session.expire_all()
    assert db.session.get(Application, case.id).status == Status.SUBMITTED
    response = staff["acceptor"].post(f"/admin/cases/{case.id}/return", data={"reason": ""})
    page = response.get_data(as_text=True)
    assert "请填写退回原因" in page and "请至少勾选一项材料或信息并说明问题" in page


def test_the_workflow_forms_carry_a_csrf_token_and_refuse_a_post_without_it(
    app, db, submitted_case, staff, monkeypatch
):
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    acceptor = staff["acceptor"]
    case_page = acceptor.get(f"/admin/workflow/case/{submitted_case.id}").get_data(as_text=True)
    forms = re.findall(r'<form method="post" class="workflow-action".*?</form>', case_page, re.S)
    assert len(forms) == 2 and all('name="csrf_token"' in form for form in forms)
    return_page = acceptor.get(f"/admin/cases/{submitted_case.id}/return").get_data(as_text=True)
    assert 'name="csrf_token"' in return_page
    response = act(acceptor, submitted_case, "accept")
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, submitted_case.id).status == Status.SUBMITTED


def test_a_refused_step_shows_the_message_in_its_own_form(db, submitted_case, staff):
    import re

    page = act(staff["acceptor"], submitted_case, "refuse", "   ").get_data(as_text=True)
    refuse = re.search(r'<form method="post" class="workflow-action" id="action-refuse">.*?</form>', page, re.S)
    accept = re.search(r'<form method="post" class="workflow-action" id="action-accept">.*?</form>', page, re.S)
    assert "请填写理由" in refuse.group(0) and "has-error" in refuse.group(0)
    assert "请填写理由" not in accept.group(0)


def test_json_columns_keep_chinese_legible_in_the_database(db, submitted_case):
    raw = db.session.execute(
        sa.text("SELECT CAST(data AS TEXT) FROM application WHERE id = :id"), {"id": submitted_case.id}
    ).scalar_one()
    assert "示范建设集团" in raw and "\\u" not in raw


# --- 信息修改或材料补充 (图3-2-9): title, numbered materials, 【重新上传】 and 【历史附件】 ---------------------


def _material_rows(page):
    return re.findall(r'<div class="form-row material-row[^"]*">.*?</details>', page, re.S)


def test_the_correction_page_is_titled_numbered_and_offers_both_buttons_for_every_material(client, db, submitted_case):
    item = submitted_case.item
    page = unescape(client.get(f"/services/item/{item.code}/correction").get_data(as_text=True))
    title = re.search(
        r'<h1 class="panel-title" id="correction-title">(.*?)</h1>\s*<p class="item-code-line">(.*?)</p>', page
    )
    assert title.group(1) == f"{item.name}（个人信息修改）"
    assert re.sub(r"<[^>]+>", "", title.group(2)) == f"事务编码：{item.code}"
    rows = _material_rows(page)
    assert len(rows) == len(item.materials) >= 2
    for number, (material, row) in enumerate(zip(item.materials, rows, strict=True), 1):
        label = re.sub(r"<[^>]+>", "", re.search(r"<label [^>]*>(.*?)</label>", row).group(1))
        assert label == f"{number}. {'*' if material.required else ''}{material.name}"
        # both buttons under every material, uploaded or not, returned or not
        assert re.search(
            rf'<button type="button"[^>]*data-file-input="material_{material.id}"[^>]*>【重新上传】</button>', row
        )
        assert re.search(r"<summary[^>]*>【历史附件】</summary>", row)


def test_the_history_lists_every_version_with_its_time_and_only_the_owner_sees_or_downloads_it(
    app, client, db, submitted_case, staff, request_sms, register_person
):
    from app.models import Attachment
    from app.services.accounts.identity_documents import make_resident_id

    case = submitted_case
    material = next(m for m in case.item.materials if m.required)
    staff["acceptor"].post(
        f"/admin/cases/{case.id}/return",
        data={"reason": "扫描件模糊", f"flag_{material.id}": "1", f"defect_{material.id}": "请重新扫描"},
    )
    url = f"/services/item/{case.item.code}/correction"
    scan = io.BytesIO()
    Image.new("RGB", (295, 413), "white").save(scan, "JPEG")
    response = client.post(
        url,
        data={
            "commitment": "yes",
            "sms_code": request_sms(client, case.account.phone, "application"),
            f"material_{material.id}": (io.BytesIO(scan.getvalue()), "rescanned.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    versions = (
        db.session.query(Attachment)
        .filter_by(application_id=case.id, material_id=material.id)
        .order_by(Attachment.version)
        .all()
    )
    assert [v.version for v in versions] == [1, 2]
    page = unescape(client.get(url).get_data(as_text=True))
    history = re.search(rf'<details class="history" id="history-{material.id}">(.*?)</details>', page, re.S).group(1)
    rows = re.findall(r"<tr><td>.*?</tr>", history, re.S)
    assert len(rows) == 2  # newest first, every version
    for row, version in zip(rows, reversed(versions), strict=True):
        assert f"第{version.version}版" in row and version.original_name in row
        assert f'href="/user/attachments/{version.id}"' in row
        beijing = (version.uploaded_at + datetime.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
        assert f"{beijing}（北京时间）" in row
        assert client.get(f"/user/attachments/{version.id}").status_code == 200
    # another citizen sees none of them and cannot download them
    other = app.test_client()
    stranger = register_person(
        document_number=make_resident_id("110105", datetime.date(1990, 5, 5), 33),
        phone="13655550002",
        email="s2@example.cn",
    )
    other.post(
        "/account/login", data={"kind": "personal", "identifier": stranger["phone"], "password": stranger["password"]}
    )
    for version in versions:
        assert other.get(f"/user/attachments/{version.id}").status_code == 404
    from app.services.accounts import face_verification as face
    from tests.face_checks import pass_face_check

    stranger_account = db.session.query(Account).filter_by(phone=stranger["phone"]).one()
    pass_face_check(other, stranger_account.id, face.ONLINE_SERVICE)
    stranger_page = other.get(url).get_data(as_text=True)
    assert other.get(url).status_code == 200 and "您还没有该事项的办件" in stranger_page
    assert "/user/attachments/" not in stranger_page and "rescanned.jpg" not in stranger_page
