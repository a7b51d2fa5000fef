"""Benchmark of the back office's queue (我的待办) and case page with a million cases, on PostgreSQL.

    python bench/workflow.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_workflow
    python bench/workflow.py --database-url ... --cases 100000         # a quicker run
    python bench/workflow.py --database-url ... --reuse                # measure again, keep the data

1. Generates CASES cases (fixed seed) with COPY: most of them finished (issued, refused, not
   accepted, withdrawn), about one in ten open in every stage, each with its timeline events,
   across 20 items, 50,000 applicants and every province; the open ones carry the due date the
   workflow keeps (Application.due_on), some claimed by officers.
2. Prints the query plans of the queue's page query, first page and a deep page reached by its
   key (each must be a range of ix_application_queue in deadline order, read from the index
   alone, stopping after a page; never a sort of the open cases, never a walk over the pages
   before), and of its total. The tables are vacuumed after the load, as autovacuum keeps a
   live database (index-only scans need the visibility map).
3. Measures, through the Flask application (login, routing, queries, template), the queue of an
   acceptance officer and of a reviewer (first page, a deep page reached by the 下一页 link's key
   and by a bare page number, the last page, a status filter, a search by applicant name, a
   province-scoped officer) and the case page of random open cases: p50 / p95.

The PostgreSQL database named in the URL is dropped and created again (unless --reuse).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SEED = 15_000_015
ITEMS = 20
APPLICANTS = 50_000
PASSWORD = "Bench@2026pass"
OPEN_SHARE = 0.10
OPEN = ("submitted", "resubmitted", "accepted", "under_review", "reviewed", "approved")
FINISHED = ("issued", "issued", "issued", "rejected", "not_accepted", "withdrawn")
EVENTS = {  # the timeline behind each status (actions in order)
    "submitted": ("submit",),
    "resubmitted": ("submit", "request_correction", "resubmit"),
    "accepted": ("submit", "accept"),
    "under_review": ("submit", "accept", "start_review"),
    "reviewed": ("submit", "accept", "start_review", "submit_opinion"),
    "approved": ("submit", "accept", "start_review", "submit_opinion", "approve"),
    "issued": ("submit", "accept", "start_review", "submit_opinion", "approve", "issue"),
    "rejected": ("submit", "accept", "start_review", "submit_opinion", "reject"),
    "not_accepted": ("submit", "refuse"),
    "withdrawn": ("submit", "withdraw"),
}


def _copy(connection, table: str, columns: tuple, rows) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(app, cases: int) -> None:
    """Bulk-load items, applicants, cases and events with COPY (minutes for a million cases)."""
    from flask_appbuilder import Model

    from app import clock
    from app.extensions import db
    from app.regions import PROVINCE_NAMES
    from app.services.platform.roles_sync import sync_roles

    rng = random.Random(SEED)
    now = clock.now()
    provinces = [PROVINCE_NAMES[code] for code in sorted(PROVINCE_NAMES)]
    started = time.perf_counter()
    with app.app_context():
        Model.metadata.create_all(db.engine)
        sync_roles(app.appbuilder)
        sm = app.appbuilder.sm
        for username, role, province in (
            ("bench-acceptor", "AcceptanceOfficer", ""),
            ("bench-reviewer", "ReviewOfficer", ""),
            ("bench-beijing", "AcceptanceOfficer", "北京市"),
            ("bench-head", "SectionHead", ""),
        ):
            user = sm.add_user(
                username, "测", username, f"{username}@bench.invalid", [sm.find_role(role)], password=PASSWORD
            )
            user.case_province = province
        db.session.commit()
        officers = [u.id for u in sm.get_all_users()]
        raw = db.engine.raw_connection()
        try:
            connection = raw.driver_connection
            _copy(
                connection,
                "service_item",
                (
                    "id",
                    "code",
                    "category",
                    '"group"',
                    "position",
                    "name",
                    "legal_basis",
                    "conditions",
                    "process",
                    "time_limit_days",
                    "legal_time_limit_days",
                    "fee",
                    "phone",
                    "location",
                ),
                (
                    (
                        i,
                        f"BENCH-{i:03d}",
                        "personal",
                        "constructor" if i % 2 else "architect",
                        i,
                        f"基准测试事项{i:02d}（{'一级建造师' if i % 2 else '注册建筑师'}）",
                        "",
                        "",
                        "",
                        20,
                        20,
                        "不收费",
                        "",
                        "",
                    )
                    for i in range(1, ITEMS + 1)
                ),
            )
            _copy(
                connection,
                "ab_user",
                (
                    "id",
                    "first_name",
                    "last_name",
                    "username",
                    "email",
                    "active",
                    "kind",
                    "status",
                    "real_name",
                    "needs_manual_check",
                    "session_version",
                    "case_groups",
                    "case_province",
                    "login_count",
                    "fail_login_count",
                ),
                (
                    (
                        100 + i,
                        "申",
                        f"请人{i}",
                        f"bench-applicant-{i}",
                        f"a{i}@bench.invalid",
                        True,
                        "personal",
                        "active",
                        f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('建国明华军平伟强磊洋')}{i % 97}",
                        False,
                        0,
                        "",
                        "",
                        0,
                        0,
                    )
                    for i in range(APPLICANTS)
                ),
            )
            case_rows, event_rows = [], []
            event_id = 0
            for case_id in range(1, cases + 1):
                status = rng.choice(OPEN) if rng.random() < OPEN_SHARE else rng.choice(FINISHED)
                # finished cases over two years; open ones from the last two months (a few overdue)
                age = rng.randint(0, 60) if status in OPEN else rng.randint(0, 700)
                submitted = now - datetime.timedelta(days=age, minutes=rng.randint(0, 1440))
                due = None
                if status in OPEN:
                    due = (submitted + datetime.timedelta(days=rng.randint(7, 40))).date()
                claimed = rng.choice(officers) if status in OPEN and rng.random() < 0.3 else None
                case_rows.append(
                    (
                        case_id,
                        f"B{case_id:011d}",
                        100 + rng.randrange(APPLICANTS),
                        rng.randint(1, ITEMS),
                        status,
                        rng.choice(provinces),
                        "{}",
                        "{}",
                        True,
                        submitted,
                        submitted,
                        now,
                        due,
                        claimed,
                        now if claimed else None,
                    )
                )
                moment = submitted
                previous = "draft"
                for action in EVENTS[status]:
                    event_id += 1
                    target = {
                        "submit": "submitted",
                        "request_correction": "returned",
                        "resubmit": "resubmitted",
                        "accept": "accepted",
                        "start_review": "under_review",
                        "submit_opinion": "reviewed",
                        "approve": "approved",
                        "issue": "issued",
                        "reject": "rejected",
                        "refuse": "not_accepted",
                        "withdraw": "withdrawn",
                    }[action]
                    event_rows.append((event_id, case_id, moment, action, previous, target, "", "", "[]", "", ""))
                    previous = target
                    moment += datetime.timedelta(hours=rng.randint(2, 60))
                if case_id % 100_000 == 0 or case_id == cases:
                    _copy(
                        connection,
                        "application",
                        (
                            "id",
                            "number",
                            "account_id",
                            "item_id",
                            "status",
                            "province",
                            "data",
                            "correction",
                            "commitment",
                            "created_at",
                            "submitted_at",
                            "updated_at",
                            "due_on",
                            "claimed_by_id",
                            "claimed_at",
                        ),
                        case_rows,
                    )
                    _copy(
                        connection,
                        "application_event",
                        (
                            "id",
                            "application_id",
                            "created_at",
                            "action",
                            "from_status",
                            "to_status",
                            "office",
                            "remarks",
                            "defects",
                            "recommendation",
                            "recommendation_reasons",
                        ),
                        event_rows,
                    )
                    case_rows, event_rows = [], []
                    print(f"  {case_id:>9,} cases  {time.perf_counter() - started:6.1f}s", flush=True)
            for table in ("service_item", "ab_user", "application", "application_event"):
                connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            connection.commit()
            # What autovacuum does to a live table: statistics, and the visibility map that lets the
            # queue's COUNT be answered from the status index alone.
            connection.autocommit = True
            for table in ("application", "application_event", "ab_user", "service_item"):
                connection.execute(f"VACUUM ANALYZE {table}")
        finally:
            raw.close()
    print(f"generated {cases:,} cases and {event_id:,} events in {time.perf_counter() - started:.0f}s")


def show_plan(app) -> None:
    from sqlalchemy import func, text, tuple_

    from app.extensions import db
    from app.models import Application
    from app.services.cases import queue
    from app.services.cases.queue import Filters

    with app.app_context():
        statuses = queue.statuses_for(["accept", "refuse", "request_correction"])
        scoped = queue._scoped(None, statuses, Filters())
        dated = scoped.filter(Application.due_on.is_not(None))  # what queue._ids_after reads first
        deep = queue.parse_key(queue.key_of(queue.ordered(scoped).offset(16_000).first()))
        key = tuple_(Application.due_on, Application.submitted_at, Application.id)
        statements = {
            "the acceptance officer's first queue page": dated,
            "a page 320 pages on, from its key": dated.filter(key > tuple_(*deep)),
        }
        for name, query in statements.items():
            query = queue.ordered(query).with_entities(Application.id).limit(queue.PER_PAGE + 1)
            sql = str(query.statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = db.session.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).scalars().all()
            print(f"\nplan of {name}:")
            for line in plan:
                print("  " + line)
        total = scoped.with_entities(func.count())
        sql = str(total.statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        print("\nplan of its total:")
        for line in db.session.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).scalars().all():
            print("  " + line)


def _percentiles(samples: list) -> tuple:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def measure(app, samples: int) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Application

    rng = random.Random(SEED + 1)
    with app.app_context():
        open_ids = db.session.scalars(
            select(Application.id)
            .where(Application.status.in_(("submitted", "accepted", "under_review")))
            .limit(20_000)
        ).all()
        total_pages = db.session.query(Application).filter(Application.status.in_(("submitted", "resubmitted"))).count()
    clients = {}
    for username in ("bench-acceptor", "bench-reviewer", "bench-beijing", "bench-head"):
        client = app.test_client()
        response = client.post("/admin/login/", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, (username, response.status_code)
        clients[username] = client
    deep = max(total_pages // 50 // 2, 1)
    with app.app_context():
        from app.services.cases import queue

        acceptor = app.appbuilder.sm.find_user(username="bench-acceptor")
        before_deep = queue.page_of(acceptor, ["accept", "refuse", "request_correction"], queue.Filters(), deep - 1)
        deep_key = before_deep.last_key  # what the 下一页 link of page deep - 1 carries
        db.session.rollback()
    pages = {
        "acceptor queue, page 1": ("bench-acceptor", lambda: "/admin/workflow/"),
        f"acceptor queue, page {deep:,} (next link)": (
            "bench-acceptor",
            lambda: f"/admin/workflow/?page={deep}&after={deep_key}",
        ),
        f"acceptor queue, page {deep:,} (bare page=)": ("bench-acceptor", lambda: f"/admin/workflow/?page={deep}"),
        "acceptor queue, last page": ("bench-acceptor", lambda: "/admin/workflow/?last=1"),
        "reviewer queue, status filter": ("bench-reviewer", lambda: "/admin/workflow/?status=under_review"),
        "reviewer queue, applicant name": (
            "bench-reviewer",
            lambda: f"/admin/workflow/?name={rng.choice('王李张刘陈')}",
        ),
        "province-scoped acceptor queue": ("bench-beijing", lambda: "/admin/workflow/"),
        "section head queue (all stages)": ("bench-head", lambda: "/admin/workflow/"),
        "case page (random open case)": ("bench-head", lambda: f"/admin/workflow/case/{rng.choice(open_ids)}"),
    }
    print(f"\nserver-side latency through Flask (ms), {samples} requests each after 5 warm-up requests")
    print(f"  {'page':<40}{'p50':>9}{'p95':>9}")
    with app.app_context():
        for name, (username, path) in pages.items():
            client = clients[username]
            for _ in range(5):
                client.get(path())
            timings = []
            for _ in range(samples):
                url = path()
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            p50, p95 = _percentiles(timings)
            print(f"  {name:<40}{p50:>9.1f}{p95:>9.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="postgresql+psycopg://... (dropped and created)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("the workflow bench loads its data with PostgreSQL's COPY")
    from bench.queries import prepare_database
    from bench.wsgi import make_app

    if not args.reuse:
        prepare_database(args.database_url)
    app = make_app(args.database_url)
    print(f"database: {args.database_url.split('@')[-1]}")
    if not args.reuse:
        generate(app, args.cases)
    show_plan(app)
    measure(app, args.samples)


if __name__ == "__main__":
    main()
