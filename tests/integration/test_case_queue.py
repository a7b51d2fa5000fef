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


# Paging by key: the links carry the sort key of the last / first case shown (services/cases/queue.py).


@pytest.fixture
def tied_queue(db, make_case):
    """17 cases, most of them due the same day and submitted the same instant, two without a deadline."""
    moment = datetime.datetime(2026, 11, 20, 2, 0, 0)
    cases = []
    for index in range(17):
        case = make_case(days=20)
        case.due_on = datetime.date(2026, 12, 10) if index % 5 else datetime.date(2026, 12, 9)
        case.submitted_at = moment if index % 3 else moment + datetime.timedelta(hours=1)
        if index in (4, 11):
            case.due_on = None  # an item without a time limit: last
        cases.append(case)
    db.session.commit()
    return sorted(cases, key=lambda c: (c.due_on is None, c.due_on or datetime.date.min, c.submitted_at, c.id))


def walk_forward(staff, per_page):
    filters = queue.Filters()
    page = queue.page_of(staff, REVIEW, filters, 1, per_page)
    pages = [page]
    while page.has_next:
        page = queue.page_of(staff, REVIEW, filters, page.page + 1, per_page, after=page.last_key)
        pages.append(page)
    return pages


def test_next_pages_follow_the_deadline_order_through_ties_without_repeating_or_skipping(db, tied_queue, reviewer):
    pages = walk_forward(reviewer, per_page=4)
    assert [p.page for p in pages] == [1, 2, 3, 4, 5]
    assert [len(p.items) for p in pages] == [4, 4, 4, 4, 1]
    shown = [row.case.id for p in pages for row in p.items]
    assert shown == [case.id for case in tied_queue]  # every case once, in order, the undated two last
    assert pages[0].has_prev is False and all(p.has_prev for p in pages[1:])
    assert [p.first_number for p in pages] == [1, 5, 9, 13, 17]


def test_previous_pages_lead_back_to_the_first_through_the_same_pages(db, tied_queue, reviewer):
    forward = walk_forward(reviewer, per_page=4)
    page = queue.page_of(reviewer, REVIEW, queue.Filters(), 1, 4, last=True)
    assert page.page == 5 and [r.case.id for r in page.items] == [r.case.id for r in forward[-1].items]
    backward = [page]
    while page.has_prev:
        page = queue.page_of(reviewer, REVIEW, queue.Filters(), page.page - 1, 4, before=page.first_key)
        backward.append(page)
    assert [p.page for p in backward] == [5, 4, 3, 2, 1]
    assert [[r.case.id for r in p.items] for p in backward] == [[r.case.id for r in p.items] for p in forward][::-1]
    assert backward[-1].has_next and not backward[-1].has_prev


def test_a_case_leaving_the_queue_between_pages_makes_no_other_case_skip_a_page(db, tied_queue, reviewer):
    first = queue.page_of(reviewer, REVIEW, queue.Filters(), 1, 4)
    tied_queue[0].status = Status.ISSUED  # decided by a colleague while the officer reads page 1
    tied_queue[0].due_on = None
    db.session.commit()
    second = queue.page_of(reviewer, REVIEW, queue.Filters(), 2, 4, after=first.last_key)
    assert [r.case.id for r in second.items] == [c.id for c in tied_queue[4:8]]


def test_a_key_that_is_not_one_shows_the_first_page(db, tied_queue, reviewer):
    page = queue.page_of(reviewer, REVIEW, queue.Filters(), 3, 4, after="2026-12-10.not-a-time.1")
    assert page.page == 3  # the number is only a label here: the cases are those of the position asked
    assert queue.page_of(reviewer, REVIEW, queue.Filters(), 1, 4, after="garbage").items[0].case.id == tied_queue[0].id


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_page_links_walk_the_filtered_queue_both_ways(app, db, make_case, reviewer):
    moment = clock.now() - datetime.timedelta(days=2)
    wanted = []
    for index in range(2 * queue.PER_PAGE + 3):
        case = make_case(days=20, real_name=f"王{index:03d}" if index % 4 else f"李{index:03d}")
        case.submitted_at = moment  # all submitted at the same instant: only the id orders them
        if index % 4:
            wanted.append(case)
    db.session.commit()
    client = app.test_client()
    client.post("/admin/login/", data={"username": "queue-reviewer", "password": "Staff@2026pass"})
    url, seen, numbers = "/admin/workflow/?name=王", [], []
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r'data-case="([^"]+)"', html)
        numbers.append(re.search(r"第(\d+)页，共(\d+)页", html).groups())
        url = _link(html, "next")
        assert url is None or "name=%E7%8E%8B" in url  # the search goes with every link
    assert len(seen) == len(set(seen)) == len(wanted)
    assert set(seen) == {case.number for case in wanted}
    assert numbers == [("1", "2"), ("2", "2")]
    assert f"共{len(wanted)}件待办" in html
    back = client.get(_link(html, "prev")).get_data(as_text=True)
    assert re.findall(r'data-case="([^"]+)"', back) == seen[: queue.PER_PAGE]
    assert _link(back, "prev") is None and _link(back, "next") is not None
    last = client.get(_link(back, "last")).get_data(as_text=True)
    assert re.findall(r'data-case="([^"]+)"', last) == seen[queue.PER_PAGE :]
    assert "name=%E7%8E%8B" in _link(last, "first")
