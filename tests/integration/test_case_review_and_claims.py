"""Issue 15, items 1-6: the strict back-office workflow through the pages.

A review-stage return comes back to review (and is recorded under 审查处室); the 审查员
records an opinion and a recommendation that only the back office sees; the 审批员
decides on it; officers claim cases and a section head assigns them; a finished case
says 已办结 and whether it was in time; the applicant gets an SMS on every return and
decision; the decision states the registration number granted and its validity.
"""

import re

import pytest

from app.models import Account, Application, PersonRegistration, SmsOutboxMessage
from app.services.cases.workflow import Status

ROLES = {
    "acceptor": "AcceptanceOfficer",
    "acceptor2": "AcceptanceOfficer",
    "reviewer": "ReviewOfficer",
    "approver": "DecisionOfficer",
    "issuer": "IssuingOfficer",
    "head": "SectionHead",
}


@pytest.fixture
def case(client, db, submit_constructor_case):
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


def status_of(db, case):
    db.session.expire_all()
    return db.session.get(Application, case.id).status


def flashed(client, response):
    return client.get(response.headers["Location"]).get_data(as_text=True)


def return_school(client, case, reason="毕业院校填写有误"):
    return client.post(
        f"/admin/cases/{case.id}/return",
        data={"reason": reason, "flag_field_school": "1", "defect_field_school": "请填写毕业证书上的院校全称"},
    )


def correct_school(client, case, request_sms):
    response = client.post(
        f"/services/item/{case.item.code}/correction",
        data={
            "commitment": "yes",
            "sms_code": request_sms(client, case.account.phone, "application"),
            "field_school": "同济大学（四平路校区）",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def sms_texts(db, phone):
    return [m.content for m in db.session.query(SmsOutboxMessage).filter_by(phone=phone, purpose="case_notice")]


def buttons(page):
    return re.findall(r'<button type="submit" class="btn btn-primary">([^<]+)</button>', page)


def test_a_return_during_review_comes_back_to_review_and_the_door_stays_shut(client, db, case, staff, request_sms):
    """The reported path: 受理 → 开始审查 → 退回补正 → corrected → the 受理员 can no longer refuse."""
    assert act(staff["acceptor"], case, "accept").status_code == 302
    assert act(staff["reviewer"], case, "start_review").status_code == 302
    assert return_school(staff["reviewer"], case).status_code == 302
    assert status_of(db, case) == Status.RETURNED_IN_REVIEW
    event = db.session.get(Application, case.id).events[-1]
    assert event.action == "review_correction" and event.office == "审查处室"  # not 受理窗口
    correct_school(client, case, request_sms)
    assert status_of(db, case) == Status.UNDER_REVIEW
    # The acceptance office: no button, not in its queue, and a forged post is refused.
    page = staff["acceptor"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert buttons(page) == [] and "退回补正</a>" not in page
    assert case.number not in staff["acceptor"].get("/admin/workflow/").get_data(as_text=True)
    response = act(staff["acceptor"], case, "refuse", "不予受理")
    assert "该办件已无法进行此操作" in flashed(staff["acceptor"], response)
    assert staff["acceptor"].get(f"/admin/cases/{case.id}/return").status_code == 403
    assert status_of(db, case) == Status.UNDER_REVIEW
    # The reviewer who asked has it back in the queue, still holding it.
    assert case.number in staff["reviewer"].get("/admin/workflow/").get_data(as_text=True)
    assert db.session.get(Application, case.id).claimed_by.username == "reviewer"
    kinds = [e.action for e in db.session.get(Application, case.id).events]
    assert "refuse" not in kinds


def test_the_decision_waits_for_the_review_opinion_which_the_applicant_never_sees(client, db, case, staff):
    act(staff["acceptor"], case, "accept")
    act(staff["reviewer"], case, "start_review")
    # The decision office has nothing to decide while the review runs.
    page = staff["approver"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert buttons(page) == []
    assert act(staff["approver"], case, "approve", "同意").status_code == 302
    assert status_of(db, case) == Status.UNDER_REVIEW
    # The opinion needs its text, a recommendation, and reasons for recommending a refusal.
    page = act(staff["reviewer"], case, "submit_opinion", "").get_data(as_text=True)
    assert "请填写审查意见" in page and "请选择审查建议" in page
    page = act(staff["reviewer"], case, "submit_opinion", "业绩证明不足", recommendation="refuse").get_data(
        as_text=True
    )
    assert "建议不予许可的，请说明理由" in page and "业绩证明不足" in page
    assert status_of(db, case) == Status.UNDER_REVIEW
    response = act(
        staff["reviewer"],
        case,
        "submit_opinion",
        "申请人提交的工程业绩证明不足以证明其执业能力",
        recommendation="refuse",
        recommendation_reasons="缺少竣工验收文件",
    )
    assert response.status_code == 302
    assert status_of(db, case) == Status.REVIEWED
    # The 审批员 sees the opinion and decides.
    page = staff["approver"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    opinion = re.search(r'id="review-opinion".*?</div>\s*</div>', page, re.S).group(0)
    assert "建议不予许可" in opinion and "工程业绩证明不足" in opinion and "缺少竣工验收文件" in opinion
    assert buttons(page) == ["准予许可", "不予许可"]
    assert act(staff["approver"], case, "reject", "工程业绩不符合注册条件").status_code == 302
    assert status_of(db, case) == Status.REJECTED
    # Both are on the back office's record; the applicant sees the step, never the opinion.
    record = staff["approver"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert "工程业绩证明不足" in record and "工程业绩不符合注册条件" in record
    mine = client.get(f"/user/cases/{case.number}").get_data(as_text=True)
    assert "审查完毕" in mine and "工程业绩不符合注册条件" in mine
    assert "工程业绩证明不足" not in mine and "缺少竣工验收文件" not in mine and "建议不予" not in mine


def test_a_claimed_case_is_worked_by_its_holder_and_the_section_head_reassigns_it(db, case, staff):
    queue = staff["acceptor"].get("/admin/workflow/").get_data(as_text=True)
    row = re.search(rf'<tr[^>]*data-case="{case.number}".*?</tr>', queue, re.S).group(0)
    assert "未领取" in row and "领取" in row and "受理期限剩余" in row
    response = staff["acceptor"].post(f"/admin/workflow/case/{case.id}/claim")
    assert "已领取办件" in flashed(staff["acceptor"], response)
    queue = staff["acceptor2"].get("/admin/workflow/").get_data(as_text=True)
    row = re.search(rf'<tr[^>]*data-case="{case.number}".*?</tr>', queue, re.S).group(0)
    assert "测试员工1" in row and 'class="claim-form"' not in row  # who holds it; no claim button
    # Another officer of the same role: refused with the holder's name, by claim and by step.
    refused = flashed(staff["acceptor2"], staff["acceptor2"].post(f"/admin/workflow/case/{case.id}/claim"))
    assert "该办件已由测试员工1领取办理" in refused
    page = act(staff["acceptor2"], case, "accept").get_data(as_text=True)
    assert "该办件已由测试员工1领取办理" in page
    assert status_of(db, case) == Status.SUBMITTED
    # The section head sees it, may assign it only to an officer of the step, and reassigns it.
    head_page = staff["head"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    options = dict((name, value) for value, name in re.findall(r'<option value="(\d+)">([^<]+)</option>', head_page))
    assert set(options) == {"测试员工1", "测试员工2"}  # the two acceptance officers, not the others
    assert case.number in staff["head"].get("/admin/workflow/").get_data(as_text=True)
    assert act(staff["head"], case, "accept").status_code == 403  # assigns, does not decide
    reviewer_id = db.session.query(Account).filter_by(username="reviewer").one().id
    response = staff["head"].post(f"/admin/workflow/case/{case.id}/assign", data={"officer": reviewer_id})
    assert "请选择负责该办件下一环节" in flashed(staff["head"], response)
    response = staff["head"].post(f"/admin/workflow/case/{case.id}/assign", data={"officer": options["测试员工2"]})
    assert "已指派给测试员工2" in flashed(staff["head"], response)
    assert "该办件已由测试员工2领取办理" in act(staff["acceptor"], case, "accept").get_data(as_text=True)
    assert act(staff["acceptor2"], case, "accept").status_code == 302
    assert status_of(db, case) == Status.ACCEPTED
    # A new stage: nobody holds it until a reviewer claims it (or takes a step).
    assert db.session.get(Application, case.id).claimed_by_id is None


def test_the_queue_is_sorted_by_deadline_in_sql_and_shows_submission_and_countdown(db, case, staff):
    from app.services.cases import queue

    query = str(queue.ordered(db.session.query(Application)).statement.compile(db.session.get_bind()))
    assert re.search(r"ORDER BY application\.due_on( ASC)? NULLS LAST", query)
    page = staff["acceptor"].get("/admin/workflow/").get_data(as_text=True)
    row = re.search(rf'<tr[^>]*data-case="{case.number}".*?</tr>', page, re.S).group(0)
    due = db.session.get(Application, case.id).due_on
    submitted = re.search(r'class="submitted-on">(\d{4}-\d{2}-\d{2})<', row).group(1)
    assert due is not None and f"{due.isoformat()}前受理" in row and submitted <= due.isoformat()
    assert re.search(r"受理期限剩余[0-5]个工作日", row)


def test_the_applicant_gets_an_sms_on_every_return_and_decision(client, db, case, staff, request_sms):
    phone = case.account.phone
    return_school(staff["acceptor"], case)
    texts = sms_texts(db, phone)
    assert len(texts) == 1 and "退回补正" in texts[0] and "逾期不补正的，视为撤回申请" in texts[0]
    correct_school(client, case, request_sms)
    act(staff["acceptor"], case, "accept")
    act(staff["reviewer"], case, "start_review")
    act(staff["reviewer"], case, "submit_opinion", "符合条件", recommendation="grant")
    assert len(sms_texts(db, phone)) == 2  # the start of the review and the opinion are not decisions
    act(staff["approver"], case, "approve", "符合注册条件")
    act(staff["issuer"], case, "issue")
    texts = sms_texts(db, phone)
    assert len(texts) == 4 and "已受理" in texts[1] and "准予许可" in texts[2] and "已制证" in texts[3]
    inbox = client.get("/user/messages").get_data(as_text=True)
    assert "逾期不补正的，视为撤回申请" in inbox


def test_a_refusal_at_the_door_sends_an_sms_and_its_notice_promises_no_completion_date(client, db, case, staff):
    from tests.integration.test_case_workflow import notice_links, pdf_text

    act(staff["acceptor"], case, "refuse", "申请事项不属于本机关职权范围")
    texts = sms_texts(db, case.account.phone)
    assert len(texts) == 1 and "不予受理" in texts[0]
    text = pdf_text(client.get(notice_links(client, case)[0]).data)
    assert "不予受理通知书" in text and "预计办结日期" not in text


def test_a_finished_case_says_finished_with_its_date_and_whether_in_time(client, db, case, staff, today):
    act(staff["acceptor"], case, "refuse", "申请事项不属于本机关职权范围")
    mine = client.get(f"/user/cases/{case.number}").get_data(as_text=True)
    finished = re.search(r'<dd id="finished">(.*?)</dd>', mine, re.S).group(1)
    assert f"已办结（{today.isoformat()}）" in finished and "按期办结" in finished
    assert "剩余" not in mine and 'id="promised-date"' not in mine
    back = staff["acceptor"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert "已办结" in back and "按期办结" in back and "剩余" not in back and 'id="case-deadline"' not in back


def test_an_issued_case_is_finished_in_time_and_the_decision_states_the_number_granted(client, db, case, staff):
    from tests.integration.test_case_workflow import notice_links, pdf_text

    act(staff["acceptor"], case, "accept")
    act(staff["reviewer"], case, "start_review")
    act(staff["reviewer"], case, "submit_opinion", "符合条件", recommendation="grant")
    act(staff["approver"], case, "approve", "符合注册条件")
    db.session.expire_all()
    granted = db.session.get(Application, case.id)
    assert granted.granted_number and granted.granted_number.startswith("京11115")
    decision = pdf_text(client.get(notice_links(client, case)[-1]).data)
    assert "准予行政许可决定书" in decision and granted.granted_number in decision
    valid_from, valid_to = granted.granted_from, granted.granted_to
    assert f"注册有效期：{valid_from.year}年{valid_from.month}月{valid_from.day}日至{valid_to.year}年" in decision
    assert "预计办结日期" not in decision
    act(staff["issuer"], case, "issue")
    registration = db.session.query(PersonRegistration).one()
    assert registration.registration_number == granted.granted_number
    assert (registration.valid_from, registration.valid_to) == (valid_from, valid_to)
    mine = client.get(f"/user/cases/{case.number}").get_data(as_text=True)
    assert "按期办结" in mine and "剩余" not in mine


def test_the_review_return_form_is_the_reviewers_during_review_and_not_before(db, case, staff):
    assert staff["reviewer"].get(f"/admin/cases/{case.id}/return").status_code == 403  # not accepted yet
    act(staff["acceptor"], case, "accept")
    act(staff["reviewer"], case, "start_review")
    page = staff["reviewer"].get(f"/admin/workflow/case/{case.id}").get_data(as_text=True)
    assert ">退回补正</a>" in page and buttons(page) == ["提交审查意见"]
    assert staff["acceptor"].get(f"/admin/cases/{case.id}/return").status_code == 403
