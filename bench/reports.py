"""Benchmark of 统计报表 (app/services/cases/statistics.py) at a million cases.

    python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_statistics
    python bench/reports.py --database-url ... --cases 100000 --runs 10      # a quicker run
    python bench/reports.py --database-url ... --reuse                       # measure again, no reseeding

1. Drops and creates the PostgreSQL database, builds the schema with the Alembic migrations
   (so the indexes are those of a real installation), seeds the catalogue and roles.
2. Generates CASES cases over the five years up to today, deterministically (setseed), with
   bulk ``INSERT ... SELECT`` from ``generate_series``: items and provinces spread over the
   catalogue and the country, statuses by age (recent cases still open, older ones decided,
   issued, refused or withdrawn, a few stuck and over their time limit, some returned for
   correction), and each case's timeline (submit, accept, start_review, request_correction,
   resubmit, approve/reject/refuse, issue, withdraw) as application_event rows. Then ANALYZE.
3. Prints the plans of the period queries (EXPLAIN ANALYZE of the statement that counts the
   decisions of the year), and the p50 / p95 / max of:
   - the service ``build_report`` for last year (whole country), for a province, for an item group;
   - the whole statistics page (routing, scope, queries, template, chart JSON) for last year and
     for this month, signed in as a statistician, through the Flask test client, and the Excel
     export of last year: each after a change to the cases (the kept report retired, the
     figures worked out) and kept (viewed again with no change in between).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

YEARS = 5


def prepare_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url.replace("postgresql+psycopg", "postgresql"))
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def make_app(url: str):
    from app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def build_schema(app) -> int:
    """Migrations, roles, catalogue and the statistician; returns the statistician's id."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.seed.demo_data import seed_reference_data
    from app.services.platform.roles_sync import sync_roles

    with app.app_context():
        upgrade()
        sync_roles(app.appbuilder)
        seed_reference_data()
        db.session.commit()
        sm = app.appbuilder.sm
        user = sm.add_user(
            "bench-statistician",
            "统计",
            "员",
            "statistician@bench.local",
            [sm.find_role("Statistician")],
            password="Bench@2026statistics",
        )
        return user.id


# Status by age, of cases older than RECENT days: (upper bound of the random draw, status).
SETTLED = (
    (0.70, "issued"),
    (0.78, "not_accepted"),
    (0.85, "rejected"),
    (0.90, "withdrawn"),
    (0.903, "approved"),  # approved, certificate not yet made
    (0.995, "issued"),
    (0.997, "under_review"),  # stuck: over its time limit
    (0.998, "returned"),
    (0.999, "accepted"),
    (1.01, "submitted"),  # never accepted: late acceptance
)
RECENT_DAYS = 60
RECENT = (
    (0.25, "submitted"),
    (0.35, "accepted"),
    (0.60, "under_review"),
    (0.68, "returned"),
    (0.72, "resubmitted"),
    (0.80, "approved"),
    (0.90, "issued"),
    (0.95, "not_accepted"),
    (0.98, "rejected"),
    (1.01, "withdrawn"),
)


def _case_status(draws) -> str:
    return " ".join(f"WHEN draw < {bound} THEN '{status}'" for bound, status in draws)


def generate(app, count: int, account_id: int) -> None:
    from sqlalchemy import text

    from app import clock
    from app.extensions import db
    from app.regions import PROVINCE_NAMES

    now = clock.now()
    begin = now - datetime.timedelta(days=365 * YEARS)
    span = (now - begin).total_seconds() - 3 * 86400
    started = time.perf_counter()
    with app.app_context():
        with db.engine.begin() as connection:
            run = lambda sql, **params: connection.execute(text(sql), params)  # noqa: E731
            run("SELECT setseed(0.20261203)")
            run(
                "CREATE TEMPORARY TABLE bench_case AS SELECT *, CASE "
                f"WHEN submitted_at > :recent THEN CASE {_case_status(RECENT)} END "
                f"ELSE CASE {_case_status(SETTLED)} END END::varchar(24) AS status FROM ("
                "  SELECT n AS id, "
                "    :begin + make_interval(secs => (n - 1) * :step + random() * :step) AS submitted_at, "
                "    random() AS draw, random() AS item_draw, random() AS province_draw, "
                "    1 + floor(random() * 40)::int AS decision_days, random() < 0.12 AS corrected "
                "  FROM generate_series(1, :count) AS n) AS drawn",
                begin=begin,
                step=span / count,
                count=count,
                recent=now - datetime.timedelta(days=RECENT_DAYS),
            )
            items = [row[0] for row in run("SELECT id FROM service_item ORDER BY id")]
            provinces = list(PROVINCE_NAMES.values())
            run(
                "INSERT INTO application (id, number, account_id, item_id, status, province, data, correction, "
                "commitment, created_at, submitted_at, updated_at) "
                "SELECT id, 'B' || lpad(id::text, 12, '0'), :account, "
                "  (CAST(:items AS integer[]))[1 + floor(item_draw * :item_count)::int], status, "
                "  (CAST(:provinces AS text[]))[1 + floor(province_draw * :province_count)::int], '{}'::json, '{}'::json, true, "
                "  submitted_at, submitted_at, submitted_at FROM bench_case",
                account=account_id,
                items=items,
                item_count=len(items),
                provinces=provinces,
                province_count=len(provinces),
            )
            run("SELECT setval(pg_get_serial_sequence('application', 'id'), :count)", count=count)

            def events(action, source, target, at, where):
                run(
                    "INSERT INTO application_event (application_id, created_at, action, from_status, to_status, "
                    "office, remarks, defects) "
                    f"SELECT id, LEAST({at}, :latest), '{action}', '{source}', '{target}', '', '', '[]'::json "
                    f"FROM bench_case WHERE {where}",
                    latest=now - datetime.timedelta(hours=1),  # nothing in the future
                )

            day = "interval '1 day'"
            accepted = "status NOT IN ('submitted', 'not_accepted', 'withdrawn')"
            reviewed = "status IN ('under_review', 'approved', 'rejected', 'issued')"
            events("submit", "draft", "submitted", "submitted_at", "true")
            events("refuse", "submitted", "not_accepted", f"submitted_at + 2 * {day}", "status = 'not_accepted'")
            events("withdraw", "submitted", "withdrawn", f"submitted_at + 3 * {day}", "status = 'withdrawn'")
            events("accept", "submitted", "accepted", f"submitted_at + {day}", accepted)
            # Returned for correction two days after acceptance; back a week later (or not yet).
            corrected = f"({accepted} AND corrected) OR status IN ('returned', 'resubmitted')"
            events("request_correction", "accepted", "returned", f"submitted_at + 3 * {day}", corrected)
            events(
                "resubmit",
                "returned",
                "resubmitted",
                f"submitted_at + 10 * {day}",
                f"({corrected}) AND status <> 'returned'",
            )
            events("start_review", "accepted", "under_review", f"submitted_at + 11 * {day}", reviewed)
            decided = f"submitted_at + (11 + decision_days) * {day}"
            events("approve", "under_review", "approved", decided, "status IN ('approved', 'issued')")
            events("reject", "under_review", "rejected", decided, "status = 'rejected'")
            events("issue", "approved", "issued", f"submitted_at + (13 + decision_days) * {day}", "status = 'issued'")
            run("DROP TABLE bench_case")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))  # as autovacuum would, in time
        with db.engine.connect() as connection:
            cases = connection.execute(text("SELECT count(*) FROM application")).scalar()
            event_rows = connection.execute(text("SELECT count(*) FROM application_event")).scalar()
            by_status = connection.execute(
                text("SELECT status, count(*) FROM application GROUP BY status ORDER BY 2 DESC")
            ).all()
    print(f"generated {cases:,} cases and {event_rows:,} events in {time.perf_counter() - started:.0f} s")
    print("  " + ", ".join(f"{status} {n:,}" for status, n in by_status))


def _percentiles(samples: list) -> str:
    ordered = sorted(s * 1000 for s in samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"n={len(ordered):<3} p50={statistics.median(ordered):8.1f} ms  p95={p95:8.1f} ms  max={ordered[-1]:8.1f} ms"


def show_plans(app, year: int) -> None:
    from sqlalchemy import text

    from app import clock
    from app.extensions import db

    since = clock.china_midnight(datetime.date(year, 1, 1))
    until = clock.china_midnight(datetime.date(year + 1, 1, 1))
    statements = {
        "intake of the year by item and status": (
            'SELECT service_item.name, service_item."group", application.status, count(application.id) '
            "FROM application JOIN service_item ON service_item.id = application.item_id "
            "WHERE application.submitted_at >= :since AND application.submitted_at < :until "
            'GROUP BY service_item.name, service_item."group", application.status'
        ),
        "decisions of the year by day": (
            "SELECT CAST((created_at) + INTERVAL '8 hours' AS DATE), action, count(id) FROM application_event "
            "WHERE action IN ('approve', 'reject', 'refuse', 'issue') AND created_at >= :since AND created_at < :until "
            "GROUP BY 1, 2"
        ),
    }
    with app.app_context(), db.engine.connect() as connection:
        for name, sql in statements.items():
            plan = connection.execute(text("EXPLAIN ANALYZE " + sql), {"since": since, "until": until}).scalars()
            print(f"plan: {name}")
            for line in plan:
                print("   ", line)


def measure(app, statistician_id: int, runs: int) -> None:
    from app import clock
    from app.extensions import db
    from app.services.cases import statistics as report_service

    year = clock.today().year - 1
    period = report_service.year_period(year)
    print(f"period: the year {year} (Beijing dates {period.start} to {period.end})")
    print("load average (1, 5, 15 min) before measuring: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    with app.app_context():
        staff = app.appbuilder.sm.get_user_by_id(statistician_id)
        for label, kwargs in (
            ("service, whole country", {}),
            ("service, one province (广东省)", {"province": "广东省"}),
            ("service, one item group (建造师)", {"group": "constructor"}),
        ):
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                report = report_service.build_report(staff, period, **kwargs)
                timings.append(time.perf_counter() - started)
                db.session.rollback()
            print(
                f"  {label:<36} {_percentiles(timings)}   "
                f"(submitted {report.submitted:,}, decided {report.decided:,}, open {report.open_cases:,}, "
                f"overdue {report.overdue_cases:,}, average {report.average_days_to_decision})"
            )
    client = app.test_client()
    response = client.post("/admin/login/", data={"username": "bench-statistician", "password": "Bench@2026statistics"})
    assert response.status_code in (200, 302), response.status_code
    from app.services.cases import report_cache

    # "after a change": a case moved since the last view (the cases generation moves on), so the
    # kept report is retired and the page works the figures out; "kept": viewed again, or exported,
    # with no change in between (services/cases/report_cache.py).
    for label, path, changed in (
        ("statistics page (year), after a change", f"/admin/statistics/?period=year&year={year}", True),
        ("statistics page (year), kept", f"/admin/statistics/?period=year&year={year}", False),
        ("statistics page (month), after a change", "/admin/statistics/", True),
        ("statistics page (month), kept", "/admin/statistics/", False),
        ("Excel export (year), after a change", f"/admin/statistics/export.xlsx?period=year&year={year}", True),
        ("Excel export (year), kept", f"/admin/statistics/export.xlsx?period=year&year={year}", False),
    ):
        client.get(path)
        timings = []
        for _ in range(runs):
            if changed:
                with app.app_context():
                    report_cache.bump()
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        print(f"  {label:<42} {_percentiles(timings)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL URL (the database is recreated)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's database again")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("the statistics bench runs on PostgreSQL")
    os.environ.setdefault("PORTAL_ENV", "test")
    if not args.reuse:
        prepare_database(args.database_url)
    app = make_app(args.database_url)
    print(f"database: {args.database_url.split('@')[-1]}")
    if args.reuse:
        with app.app_context():
            statistician_id = app.appbuilder.sm.find_user(username="bench-statistician").id
    else:
        statistician_id = build_schema(app)
        generate(app, args.cases, statistician_id)
    from app import clock

    show_plans(app, clock.today().year - 1)
    measure(app, statistician_id, args.runs)


if __name__ == "__main__":
    main()
