"""The staff queue (services/cases/queue.py): whole-set deadline order, pages, search, scope, eager loading."""

import datetime
import re

import pytest
from sqlalchemy import event

from app import clock
from app.models import Account, Application, ApplicationEvent, ServiceItem
from app.services.cases import deadlines, queue
from app.services.cases.workflow import Status
from app.services.cases.working_days import WorkingCalendar

REVIEW = ["start_review", "review_correction", "submit_opinion"]  # the reviewer's queue: accepted and under review


@pytest.fixture
def make_case(db):
    counter = {"n": 0}
    items = {}

    def item(days, name=None, group="constructor"):
        key = (days, name, group)
        if key not in items:
            items[key] = ServiceItem(
                code=f"QUEUE-{len(items)}",
                category="personal",
                group=group,
                name=name or f"测试事项{days}日",
                time_limit_days=days,
                legal_time_limit_days=days,
            )
            db.session.add(items[key])
        return items[key]

    def make(*, days=20, accepted_days_ago=1, real_name=None, item_name=None, group="constructor", province="北京市"):
        counter["n"] += 1
        n = counter["n"]
        account = Account(
            kind="personal",
            status="active",
            username=f"queue-{n}",
            first_name="测",
            last_name=str(n),
            real_name=real_name or f"申请人{n:03d}",
            email=f"queue-{n}@accounts.portal.invalid",
            active=True,
        )
        accepted_at = clock.now() - datetime.timedelta(days=accepted_days_ago)
        case = Application(
            number=f"Q{n:08d}",
            account=account,
            item=item(days, item_name, group),
            status=Status.ACCEPTED,
            province=province,
            data={},
            submitted_at=accepted_at - datetime.timedelta(hours=1),
        )
        case.events.append(
            ApplicationEvent(
                action="accept", from_status=Status.SUBMITTED, to_status=Status.ACCEPTED, created_at=accepted_at
            )
        )
        db.session.add(case)
        case.due_on = deadlines.due_on(case, WorkingCalendar())  # what the workflow keeps at every move
        return case

    return make


@pytest.fixture
def reviewer(staff_factory):
    return staff_factory("ReviewOfficer", username="queue-reviewer")


def all_pages(staff, per_page=10):
    filters = queue.Filters()
    first = queue.page_of(staff, REVIEW, filters, 1, per_page)
    pages = [first] + [queue.page_of(staff, REVIEW, filters, n, per_page) for n in range(2, first.pages + 1)]
    return [row for page in pages for row in page.items], first


def test_the_most_urgent_case_leads_page_one_even_when_submitted_last(db, make_case, reviewer):
    for _ in range(24):
        make_case(days=60, accepted_days_ago=30)  # submitted long ago, plenty of time left
    urgent = make_case(days=1, accepted_days_ago=0)  # submitted last, due tomorrow
    db.session.commit()
    page = queue.page_of(reviewer, REVIEW, queue.Filters(), 1, per_page=10)
    assert page.total == 25 and page.pages == 3 and page.has_next and not page.has_prev
    assert page.items[0].case.number == urgent.number


def test_pages_follow_the_deadline_across_the_whole_set(db, make_case, reviewer):
    for index in range(23):
        # Submission order and deadline order disagree on purpose.
        make_case(days=5 + (index * 7) % 23, accepted_days_ago=index % 4)
    db.session.commit()
    rows, first = all_pages(reviewer)
    assert first.pages == 3 and len(rows) == 23
    assert len({row.case.id for row in rows}) == 23
    deadlines = [row.clock.deadline for row in rows]
    assert deadlines == sorted(deadlines)
    assert queue.page_of(reviewer, REVIEW, queue.Filters(), 99, 10).page == 3  # past the end: the last page


def test_the_page_shows_page_links_and_keeps_the_search(app, db, make_case, reviewer):
    for _ in range(queue.PER_PAGE + 1):
        make_case(days=20, item_name="一级建造师初始注册")
    db.session.commit()
    client = app.test_client()
    client.post("/admin/login/", data={"username": "queue-reviewer", "password": "Staff@2026pass"})
    page = client.get("/admin/workflow/?item=建造师").get_data(as_text=True)
    assert len(re.findall(r'href="/admin/workflow/case/\d+"', page)) == queue.PER_PAGE
    assert 'id="queue-pages"' in page and "page=2" in page and "item=%E5%BB%BA" in page
    second = client.get("/admin/workflow/?item=建造师&page=2").get_data(as_text=True)
    assert len(re.findall(r'href="/admin/workflow/case/\d+"', second)) == 1


@pytest.mark.parametrize("term", ["%", "_", "\\"])
def test_search_terms_are_taken_literally(db, make_case, reviewer, term):
    literal = make_case(real_name=f"王{term}一", item_name=f"事项{term}甲")
    # What the term would also match as a wildcard (% and _) or as an escape (a backslash makes % literal).
    for other in ["二", "%", "_", "\\"]:
        if other != term:
            make_case(real_name=f"王{other}一", item_name=f"事项{other}甲")
    db.session.commit()
    by_name = queue.page_of(reviewer, REVIEW, queue.Filters(name=f"王{term}"))
    assert [row.case.number for row in by_name.items] == [literal.number]
    by_item = queue.page_of(reviewer, REVIEW, queue.Filters(item=f"{term}甲"))
    assert [row.case.number for row in by_item.items] == [literal.number]


def test_filters_by_number_and_status(db, make_case, reviewer):
    cases = [make_case() for _ in range(3)]
    cases[1].status = Status.UNDER_REVIEW
    db.session.commit()
    assert [r.case.id for r in queue.page_of(reviewer, REVIEW, queue.Filters(number=cases[2].number)).items] == [
        cases[2].id
    ]
    under_review = queue.page_of(reviewer, REVIEW, queue.Filters(status=Status.UNDER_REVIEW)).items
    assert [r.case.id for r in under_review] == [cases[1].id]
    # A status outside the officer's steps is ignored, not obeyed.
    assert queue.page_of(reviewer, REVIEW, queue.Filters(status=Status.ISSUED)).total == 3


def test_the_queue_keeps_to_the_officers_scope_and_steps(db, make_case, reviewer, staff_factory):
    beijing = make_case(group="constructor", province="北京市")
    shanghai = make_case(group="constructor", province="上海市")
    architect = make_case(group="architect", province="北京市")
    submitted = make_case()
    submitted.status = Status.SUBMITTED  # not a reviewer's step
    db.session.commit()
    everything = {r.case.id for r in queue.page_of(reviewer, REVIEW, queue.Filters()).items}
    assert everything == {beijing.id, shanghai.id, architect.id}
    reviewer.case_groups, reviewer.case_province = "建造师", "北京市"
    db.session.commit()
    assert [r.case.id for r in queue.page_of(reviewer, REVIEW, queue.Filters()).items] == [beijing.id]
    acceptor = staff_factory("AcceptanceOfficer", username="queue-acceptor")
    assert [r.case.id for r in queue.page_of(acceptor, ["accept"], queue.Filters()).items] == [submitted.id]


def test_a_page_of_thirty_cases_takes_a_fixed_number_of_statements(app, db, make_case, reviewer):
    def statements_for(n_cases):
        db.session.query(ApplicationEvent).delete()
        db.session.query(Application).delete()
        db.session.commit()
        for _ in range(n_cases):
            make_case(days=20)
        db.session.commit()
        db.session.expire_all()
        count = {"n": 0}

        def counted(*args):
            count["n"] += 1

        engine = db.session.get_bind()
        event.listen(engine, "before_cursor_execute", counted)
        try:
            page = queue.page_of(reviewer, REVIEW, queue.Filters())
            for row in page.items:  # what the template reads
                row.case.item.name, row.case.applicant_name, row.case.events[0].action
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        assert len(page.items) == n_cases
        return count["n"]

    thirty = statements_for(30)
    assert thirty <= 8
    assert statements_for(3) == thirty  # no statement per case


def test_the_search_form_keeps_its_values_and_refuses_an_overlong_term(app, db, make_case, reviewer):
    make_case(real_name="张三", item_name="一级建造师初始注册")
    make_case(real_name="李四", item_name="一级建造师初始注册")
    db.session.commit()
    client = app.test_client()
    client.post("/admin/login/", data={"username": "queue-reviewer", "password": "Staff@2026pass"})
    page = client.get("/admin/workflow/?name=+张&status=accepted").get_data(as_text=True)
    assert 'value="张"' in page and "张三" in page and "李四" not in page
    assert '<option selected value="accepted">' in page
    page = client.get("/admin/workflow/?name=" + "张" * (queue.NAME_MAX + 1)).get_data(as_text=True)
    assert f"不能超过{queue.NAME_MAX}个字" in page and "has-error" in page


def test_a_case_not_yet_accepted_is_due_five_working_days_after_its_day_of_submission_in_beijing():
    # 17:30 UTC on 2 December is already 3 December (a Thursday) in Beijing, the calendar every deadline is in.
    submitted = datetime.datetime(2026, 12, 2, 17, 30)
    case = Application(status=Status.SUBMITTED, submitted_at=submitted)
    assert deadlines.acceptance_deadline(case, WorkingCalendar()) == datetime.date(2026, 12, 10)
    assert deadlines.due_on(case, WorkingCalendar()) == datetime.date(2026, 12, 10)
