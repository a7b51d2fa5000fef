"""Benchmark of the 热门服务 queries (企业资质查询, 人员资格查询) at the scale of the national registers.

    python bench/queries.py                                  # SQLite file in a temporary directory
    python bench/queries.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench
    python bench/queries.py --persons 100000 --companies 20000 --seconds 5   # a quicker run

1. Generates PERSONS registered persons (一级建造师 / 一级注册建筑师, with specialties,
   employers, provinces, checksum-valid identity numbers) and COMPANIES enterprises
   with their qualifications, deterministically (fixed seed), with bulk inserts.
2. Prints the query plan of each typical query (it must use an index, never scan the table).
3. Measures the server-side latency of each typical query page through the Flask
   application (routing, query, template; p50 / p95 / p99 over varied parameters).
4. Serves the portal with gunicorn and measures the throughput of the query pages and of
   a bare Flask endpoint served by the same gunicorn in the same run, and their ratio:
   with the shared page cache off (every request searches and renders) and on (a mix of
   800 queries that recur, after one pass over them), on without and with the query fast
   path (QUERY_FAST_PATH, app/platform/query_fast_path.py).

The PostgreSQL database named in the URL is dropped and created again. Picture codes and
rate limits are lifted for the run (they count per client; the bench is one client).
"""

import argparse
import datetime
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SEED = 1_000_003
BATCH = 20_000
BENCH_CONFIG = {
    "QUERY_CAPTCHA_AFTER": 10**9,
    "QUERY_RATE_LIMIT_PER_MINUTE": 10**9,
    "RATELIMIT_ENABLED": False,
    "WTF_CSRF_ENABLED": False,
}


def prepare_database(url: str) -> None:
    if url.startswith("postgresql"):
        import psycopg

        parsed = urllib.parse.urlparse(url.replace("postgresql+psycopg", "postgresql"))
        name = parsed.path.lstrip("/")
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')


def generate(app, persons: int, companies: int) -> dict:
    """Bulk-load the registers; returns samples of generated values to query for."""
    from flask_appbuilder import Model
    from sqlalchemy import insert, text

    from app import clock
    from app.extensions import db
    from app.models import EnterpriseQualification, PersonRegistration, RegisteredSpecialty
    from app.regions import PROVINCE_NAMES, PROVINCE_OF_CHARACTER
    from app.seed import demo_registers as demo
    from app.services.accounts.identity_documents import USCC_ALPHABET, make_resident_id, make_uscc
    from app.services.registers.queries import (
        ENTERPRISE_KINDS,
        GRADES_BY_KIND,
        QUALIFICATIONS_BY_KIND,
        SPECIALTIES_BY_QUALIFICATION,
    )

    rng = random.Random(SEED)
    today = clock.today()
    provinces = sorted(PROVINCE_NAMES)
    character_of = {code: character for character, code in PROVINCE_OF_CHARACTER.items()}
    words = "华建宏远中恒东方南岭江北青山西溪金城安泰博达鼎盛永安昌隆天成瑞丰兴业正和信诚海川广厦长城新世纪"
    suffixes = (
        "建设集团有限公司",
        "建筑工程有限公司",
        "工程建设有限公司",
        "建工集团有限公司",
        "设计研究院有限公司",
        "工程监理有限公司",
        "置业有限公司",
        "工程咨询有限公司",
    )
    kinds = list(ENTERPRISE_KINDS)
    letters = {
        "建筑业企业": "D",
        "房地产开发企业": "F",
        "工程监理企业": "E",
        "工程勘察设计企业": "A",
        "工程造价咨询企业": "G",
    }
    started = time.perf_counter()
    with app.app_context():
        Model.metadata.create_all(db.engine)
        engine = db.engine
        employers = []
        qualification_rows = []
        certificate_serial = 0
        for index in range(companies):
            code = rng.choice(provinces)
            region = f"{code}{rng.randint(1, 9):02d}{rng.randint(1, 20):02d}"
            uscc = make_uscc("91" + region + "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7)))
            name = (
                "".join(rng.choice(words) for _ in range(rng.randint(2, 4)))
                + PROVINCE_NAMES[code][:2]
                + f"{index:06d}"
                + rng.choice(suffixes)
            )
            kind = kinds[index % len(kinds)] if rng.random() < 0.4 else "建筑业企业"
            for qualification in rng.sample(
                QUALIFICATIONS_BY_KIND[kind], k=min(len(QUALIFICATIONS_BY_KIND[kind]), rng.randint(1, 2))
            ):
                certificate_serial += 1
                valid_to = today + datetime.timedelta(days=rng.randint(-200, 1800))
                qualification_rows.append(
                    {
                        "enterprise_name": name,
                        "uscc": uscc,
                        "kind": kind,
                        "qualification": qualification,
                        "grade": rng.choice(GRADES_BY_KIND[kind]),
                        "province": PROVINCE_NAMES[code],
                        "certificate_number": f"{letters[kind]}{code}{certificate_serial:08d}",
                        "valid_from": valid_to - datetime.timedelta(days=1826),
                        "valid_to": valid_to,
                    }
                )
            if kind == "建筑业企业" or kind == "工程勘察设计企业":
                employers.append((name, uscc, code, kind))
        with engine.begin() as connection:
            for first in range(0, len(qualification_rows), BATCH):
                connection.execute(insert(EnterpriseQualification), qualification_rows[first : first + BATCH])
        companies_seconds = time.perf_counter() - started

        constructor_specialties = SPECIALTIES_BY_QUALIFICATION["constructor_1"]
        samples = {
            "names": [],
            "documents": [],
            "registrations": [],
            "employers": [],
            "usccs": [],
            "kinds": [],
            "certificates": [
                (qualification_rows[i]["certificate_number"], qualification_rows[i]["kind"])
                for i in range(0, len(qualification_rows), max(1, len(qualification_rows) // 200))
            ],
        }
        person_rows, specialty_rows = [], []
        registration_id = 0
        with engine.begin() as connection:
            for index in range(persons):
                name, uscc, code, kind = employers[rng.randrange(len(employers))]
                male = rng.random() < 0.7
                birth = datetime.date(rng.randint(1962, 1996), rng.randint(1, 12), rng.randint(1, 28))
                document = make_resident_id(uscc[2:8], birth, (index % 499) * 2 + (1 if male else 2))
                holder = demo._person_name(rng, male)
                registration_id += 1
                qualification = "architect_1" if kind == "工程勘察设计企业" else "constructor_1"
                valid_from = today - datetime.timedelta(days=rng.randint(0, 1400))
                if qualification == "constructor_1":
                    number = f"{character_of[code]}1{code}{rng.randint(6, 22):02d}{rng.randint(8, 24):02d}{index:07d}"
                else:
                    number = f"{character_of[code]}一注建{2000 + rng.randint(5, 24)}{index:07d}"
                valid_to = valid_from + datetime.timedelta(days=1095)
                person_rows.append(
                    {
                        "id": registration_id,
                        "holder_name": holder,
                        "holder_document_type": "resident_id",
                        "holder_document_number": document,
                        "qualification": qualification,
                        "registration_number": number,
                        "employer_name": name,
                        "employer_uscc": uscc,
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                        "status": "cancelled" if rng.random() < 0.02 else "valid",
                        "province": PROVINCE_NAMES[code],
                    }
                )
                for specialty in (
                    [rng.choice(constructor_specialties)] if qualification == "constructor_1" else ["建筑"]
                ):
                    specialty_rows.append(
                        {
                            "registration_id": registration_id,
                            "specialty": specialty,
                            "valid_to": valid_to,
                            "holder_name": holder,
                            "province": PROVINCE_NAMES[code],
                        }
                    )
                if index % max(1, persons // 200) == 0:
                    samples["names"].append(holder)
                    samples["documents"].append(document)
                    samples["registrations"].append(number)
                    samples["employers"].append(name)
                    samples["usccs"].append(uscc)
                    samples["kinds"].append(kind)
                if len(person_rows) >= BATCH:
                    connection.execute(insert(PersonRegistration), person_rows)
                    connection.execute(insert(RegisteredSpecialty), specialty_rows)
                    person_rows, specialty_rows = [], []
            if person_rows:
                connection.execute(insert(PersonRegistration), person_rows)
                connection.execute(insert(RegisteredSpecialty), specialty_rows)
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT setval('person_registration_id_seq', :n)"), {"n": registration_id})
        # What autovacuum leaves a loaded register in: statistics, and (PostgreSQL)
        # the visibility map that lets the page-of-ids queries scan indexes only.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    seconds = time.perf_counter() - started
    print(
        f"generated {persons:,} registered persons and {companies:,} enterprises "
        f"({len(qualification_rows):,} qualification certificates) in {seconds:.1f} s "
        f"(enterprises {companies_seconds:.1f} s)"
    )
    return samples


def samples_from_database(app, persons: int) -> dict:
    """The values to query for, drawn from a database an earlier run generated."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import EnterpriseQualification as EQ
    from app.models import PersonRegistration as PR

    step = max(1, persons // 200)
    with app.app_context():
        rows = db.session.execute(
            select(
                PR.holder_name, PR.holder_document_number, PR.registration_number, PR.employer_name, PR.employer_uscc
            ).where(PR.id.in_(range(1, persons + 1, step)))
        ).all()
        kinds = dict(db.session.execute(select(EQ.uscc, EQ.kind).where(EQ.uscc.in_({r[4] for r in rows}))).all())
        certificates = db.session.execute(
            select(EQ.certificate_number, EQ.kind).where(EQ.id.in_(range(1, 300_000, 1400)))
        ).all()
    print(f"reusing the generated registers ({len(rows)} sample persons)")
    return {
        "names": [r[0] for r in rows],
        "documents": [r[1] for r in rows],
        "registrations": [r[2] for r in rows],
        "employers": [r[3] for r in rows],
        "usccs": [r[4] for r in rows],
        "kinds": [kinds[r[4]] for r in rows],
        "certificates": [tuple(c) for c in certificates],
    }


def typical_queries(samples: dict) -> dict:
    """Page name -> list of query-string paths (varied parameters)."""
    rng = random.Random(SEED + 7)
    surnames = ["王", "李", "张", "刘", "陈", "杨", "欧阳"]
    provinces = ["北京市", "广东省", "四川省", "浙江省", "江苏省"]

    def q(path, **params):
        return path + "?" + urllib.parse.urlencode(params)

    return {
        "people: name prefix (2 chars)": [q("/query/people", name=n[:2]) for n in samples["names"][:200]],
        "people: full name": [q("/query/people", name=n) for n in samples["names"][:200]],
        "people: surname + province": [
            q("/query/people", name=rng.choice(surnames), province=rng.choice(provinces)) for _ in range(200)
        ],
        "people: identity number": [q("/query/people", document_number=d) for d in samples["documents"][:200]],
        "people: registration number": [
            q("/query/people", registration_number=r) for r in samples["registrations"][:200]
        ],
        "people: surname+specialty+province": [
            q(
                "/query/people",
                name=rng.choice(surnames),
                qualification="constructor_1",
                specialty="市政公用工程",
                province=rng.choice(provinces),
                page=rng.randint(1, 3),
            )
            for _ in range(200)
        ],
        "people: employer prefix": [q("/query/people", employer=e[:6]) for e in samples["employers"][:200]],
        "enterprises: kind + name prefix (1 char)": [
            q("/query/enterprises", kind="建筑业企业", name=e[:1]) for e in samples["employers"][:200]
        ],
        "people: detail page": ["/query/people/" + urllib.parse.quote(r) for r in samples["registrations"][:200]],
        "enterprises: kind + name prefix": [
            q("/query/enterprises", kind="建筑业企业", name=e[:3]) for e in samples["employers"][:200]
        ],
        "enterprises: USCC": [
            q("/query/enterprises", kind=k, uscc=u) for u, k in zip(samples["usccs"][:200], samples["kinds"])
        ],
        "enterprises: certificate no.": [
            q("/query/enterprises", kind=k, certificate_number=c) for c, k in samples["certificates"][:200]
        ],
        "enterprises: name+grade+province": [
            q(
                "/query/enterprises",
                kind="建筑业企业",
                name=e[:1],
                qualification="建筑工程施工总承包",
                grade="一级",
                province=rng.choice(provinces),
            )
            for e in samples["employers"][:200]
        ],
        "enterprises: detail page": ["/query/enterprises/" + u for u in samples["usccs"][:200]],
    }


def show_plans(app, samples: dict) -> None:
    with app.app_context():
        _show_plans(samples)


def _show_plans(samples: dict) -> None:
    from sqlalchemy import text

    from app.extensions import db
    from app.services.registers import queries as rq

    statements = {
        "people: name prefix": rq.person_search_statement(name=samples["names"][0][:2]),
        "people: surname + province": rq.person_search_statement(name="王", province="广东省"),
        "people: identity number": rq.person_search_statement(document_number=samples["documents"][0]),
        "people: surname+specialty+province": rq.person_search_statement(
            name="王", qualification="constructor_1", specialty="市政公用工程", province="北京市"
        ),
        "people: employer prefix": rq.person_search_statement(employer=samples["employers"][0][:6]),
        "enterprises: kind + name prefix": rq.enterprise_search_statement(
            kind="建筑业企业", name=samples["employers"][0][:3]
        ).limit(21),
        "enterprises: name+grade+province": rq.enterprise_search_statement(
            kind="建筑业企业",
            name=samples["employers"][0][:1],
            qualification="建筑工程施工总承包",
            grade="一级",
            province="广东省",
        ).limit(21),
    }
    dialect = db.engine.dialect
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    print("\nquery plans (a page of 20 and one row more, as the pages ask)")
    for name, statement in statements.items():
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        plan = [str(row[-1]) for row in db.session.execute(text(prefix + sql)).all()]
        scans = [
            line
            for line in plan
            if "Seq Scan" in line or (line.strip().startswith("SCAN") and "INDEX" not in line.upper())
        ]
        print(f"  {name}: {'TABLE SCAN: ' + scans[0] if scans else 'indexes only'}")
        for line in plan:
            print("      " + line)
        db.session.rollback()


def _percentiles(samples: list) -> tuple:
    ordered = sorted(samples)
    pick = lambda p: ordered[min(len(ordered) - 1, int(len(ordered) * p))]  # noqa: E731
    return statistics.median(ordered), pick(0.95), pick(0.99)


def measure_latency(app, queries: dict) -> None:
    """Whole request (routing, queries, template) and, of it, the time spent in the database.

    Measured with the shared page cache off (every request searches and renders),
    then once more for each page with it on and the page already in it.
    """
    from sqlalchemy import event

    from app.extensions import db
    from app.platform import cache as portal_cache

    database_seconds = [0.0]

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        database_seconds[0] += time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    print("\nserver-side latency (ms): the whole request through Flask, and its database queries alone")
    print("  (page cache off: every request searches the registers and renders the page)")
    print(f"  {'query page':<38}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}   |{'db p50':>8}{'db p95':>8}{'db p99':>8}")
    client = app.test_client()
    cache_seconds = app.config.get("QUERY_CACHE_SECONDS", 300)
    app.config["QUERY_CACHE_SECONDS"] = 0
    overall, overall_db = [], []
    for name, paths in queries.items():
        for path in paths[:10]:  # warm-up
            client.get(path)
        timings, db_timings = [], []
        for path in paths:
            database_seconds[0] = 0.0
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            db_timings.append(database_seconds[0] * 1000)
            assert response.status_code in (200, 303), (path, response.status_code)  # 303: the one match
        overall += timings
        overall_db += db_timings
        print(
            f"  {name:<38}{len(timings):>5}"
            + "".join(f"{v:>8.2f}" for v in _percentiles(timings))
            + "   |"
            + "".join(f"{v:>8.2f}" for v in _percentiles(db_timings))
        )
    print(
        f"  {'all query pages':<38}{len(overall):>5}"
        + "".join(f"{v:>8.2f}" for v in _percentiles(overall))
        + "   |"
        + "".join(f"{v:>8.2f}" for v in _percentiles(overall_db))
    )
    app.config["QUERY_CACHE_SECONDS"] = cache_seconds
    from app.platform.query_fast_path import installed

    fast_path = installed(app)  # inside the request observer (metrics and the request log)
    outermost = app.wsgi_app
    hits, flask_hits, bare = [], [], []
    for samples, wsgi_app in ((flask_hits, fast_path.wsgi_app if fast_path else None), (hits, fast_path)):
        if wsgi_app is None:
            continue
        app.wsgi_app = wsgi_app
        portal_cache.clear()
        for paths in queries.values():
            for path in paths:
                client.get(path)  # fills the cache
                started = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
    app.wsgi_app = outermost
    for _ in range(500):
        started = time.perf_counter()
        client.get("/bench/bare")
        bare.append((time.perf_counter() - started) * 1000)
    if flask_hits:
        print(
            f"  {'again, through Flask (shared cache)':<38}{len(flask_hits):>5}"
            + "".join(f"{v:>8.2f}" for v in _percentiles(flask_hits))
        )
    if hits:
        print(f"  {'again, from the fast path':<38}{len(hits):>5}" + "".join(f"{v:>8.2f}" for v in _percentiles(hits)))
    print(f"  {'bare Flask endpoint':<38}{len(bare):>5}" + "".join(f"{v:>8.2f}" for v in _percentiles(bare)))
    event.remove(db.engine, "before_cursor_execute", before)
    event.remove(db.engine, "after_cursor_execute", after)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def _load_wrk(base: str, paths: list, seconds: float, concurrency: int) -> float:
    """wrk (C, one thread here) cycling through ``paths``: it needs far less CPU per request than Python."""
    with tempfile.TemporaryDirectory() as work:
        script, listing = os.path.join(work, "cycle.lua"), os.path.join(work, "paths.txt")
        with open(script, "w") as handle:
            handle.write(_WRK_SCRIPT)
        with open(listing, "w") as handle:
            handle.write("\n".join(paths) + "\n")
        output = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{max(int(seconds), 1)}s", "-s", script, base],
            env=dict(os.environ, BENCH_PATHS=listing),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    if "Non-2xx" in output:
        raise RuntimeError("wrk saw failed requests:\n" + output)
    return float(output.split("Requests/sec:")[1].split()[0])


def _load(base: str, paths: list, seconds: float, concurrency: int) -> float:
    """Requests per second that ``concurrency`` clients get through in ``seconds`` (wrk when installed)."""
    if shutil.which("wrk"):
        return _load_wrk(base, paths, seconds, concurrency)
    done = [0] * concurrency
    stop = time.perf_counter() + seconds

    def client(slot):
        index = slot
        while time.perf_counter() < stop:
            with urllib.request.urlopen(base + paths[index % len(paths)], timeout=30) as response:
                response.read()
            done[slot] += 1
            index += concurrency

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def _serve(url: str, workers: int, cache_seconds: int, fast_path: bool = True):
    port = _free_port()
    environment = dict(
        os.environ,
        BENCH_DATABASE_URL=url,
        PYTHONPATH=ROOT,
        QUERY_CACHE_SECONDS=str(cache_seconds),
        QUERY_FAST_PATH="1" if fast_path else "0",
    )
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:app"],
        env=environment,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/bench/bare", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def measure_throughput(url: str, queries: dict, workers: int, seconds: float) -> None:
    """Requests per second of the query pages against the bare endpoint of the same gunicorn.

    Three times: with the shared page cache off (every request searches and renders), then
    on, after one pass over the mix (the steady state of queries that recur), without and
    with the query fast path in front of Flask.
    """
    concurrency = workers * 2
    page_paths = [
        p
        for name in (
            "people: name prefix (2 chars)",
            "people: registration number",
            "enterprises: kind + name prefix",
            "people: surname + province",
        )
        for p in queries[name]
    ]
    figures = {}
    for label, cache_seconds, fast_path in (
        ("page cache off", 0, False),
        ("page cache on, fast path off", 300, False),
        ("page cache on, fast path on", 300, True),
    ):
        server, base = _serve(url, workers, cache_seconds, fast_path)
        try:
            _load(base, page_paths, 2, concurrency)  # warm-up
            if cache_seconds:
                for path in page_paths:
                    urllib.request.urlopen(base + path, timeout=30).read()
            bare = _load(base, ["/bench/bare"], seconds, concurrency)
            pages = _load(base, page_paths, seconds, concurrency)
        finally:
            server.terminate()
            server.wait(timeout=10)
        figures[label] = (bare, pages)
    generator = "wrk" if shutil.which("wrk") else "Python threads (install wrk for a lighter load generator)"
    print(
        f"\nthroughput under gunicorn ({workers} sync workers, {concurrency} concurrent clients, {seconds:.0f} s each;"
        f" {len(page_paths)} different query pages in turn; load from {generator})"
    )
    for label, (bare, pages) in figures.items():
        print(
            f"  {label}: bare Flask endpoint {bare:8.1f} requests/s, query pages {pages:8.1f} requests/s,"
            f" ratio {pages / bare * 100:5.1f} %"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run with the same sizes (skips generating)",
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-queries-')}/bench.db"
    os.environ.setdefault("PORTAL_ENV", "production")
    if not args.reuse:
        prepare_database(url)
    from bench.wsgi import make_app

    app = make_app(url)
    print(f"database: {url.split('@')[-1]}  ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")
    samples = samples_from_database(app, args.persons) if args.reuse else generate(app, args.persons, args.companies)
    queries = typical_queries(samples)
    show_plans(app, samples)
    with app.app_context():
        measure_latency(app, queries)
    measure_throughput(url, queries, args.workers, args.seconds)


if __name__ == "__main__":
    main()
