"""Every kind of page without a cache, against a bare Flask endpoint in the same run (issue 20, item 3).

    python bench/pages.py                                   # SQLite file in a temporary directory
    python bench/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_pages \\
        --persons 1000000 --companies 200000               # the issue's scale (the database is dropped first)
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13 python bench/pages.py --seconds 5   # a Redis database of your own

1. Loads the registers as bench/queries.py does (PERSONS registered persons, COMPANIES enterprises), the
   reference data (catalogue, 办事指南, settings), one citizen with CASES cases (我的办件), an acceptance
   officer (the staff queue holds the open ones) and an administrator.
2. Server side, through the Flask test client in this process: p50 / p95 of each page (wall clock, and
   process CPU time, which other jobs on a shared machine do not inflate), pages asked in turn so that a
   change in the machine's load falls on all of them alike.
3. Serves the portal with gunicorn (WORKERS sync workers; query page cache and query fast path off: every
   visitor asks something new) and measures each page's requests per second with wrk (Python threads
   without it), the bare endpoint before and after them; each page's figure is given as a share of the bare
   endpoint's (the mean of its two runs). Signed-in pages are asked with the cookie of a session signed in
   over HTTP beforehand.

The peer is what a low-code admin gets: Flask-AppBuilder's generated list view of the same register
(登记人员, PersonRegistrationAdminView) with the same search (the name's first characters), asked by an
administrator.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PASSWORD = "Bench@2026pass"
CITIZEN_PHONE = "18600000001"


def load(app, persons: int, companies: int, cases: int) -> dict:
    """The registers, the reference data, a citizen with ``cases`` cases, an officer and an administrator."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from app import clock
    from app.extensions import db
    from app.models import Account, AccountKind, Application, QualificationCertificate, ServiceItem
    from app.seed.demo_data import seed_reference_data
    from app.services.accounts.identity_documents import make_resident_id
    from app.services.platform.roles_sync import sync_roles
    from bench.queries import generate

    samples = generate(app, persons, companies)
    with app.app_context():
        sync_roles(app.appbuilder)
        seed_reference_data()
        db.session.commit()
        sm = app.appbuilder.sm
        for username, role in (("bench-acceptor", "AcceptanceOfficer"), ("bench-admin", "Admin")):
            sm.add_user(username, "测", username, f"{username}@bench.invalid", [sm.find_role(role)], password=PASSWORD)
        document = make_resident_id("110105", datetime.date(1980, 5, 1), 3)
        citizen = Account(
            kind=AccountKind.PERSONAL,
            status="active",
            active=True,
            real_name="基准明",
            first_name="基",
            last_name="准明",
            username="bench-citizen",
            email="bench-citizen@bench.invalid",
            document_type="resident_id",
            document_number=document,
            phone=CITIZEN_PHONE,
            password=generate_password_hash(PASSWORD),
        )
        db.session.add(citizen)
        db.session.add(
            QualificationCertificate(
                holder_name="基准明",
                holder_document_type="resident_id",
                holder_document_number=document,
                qualification="constructor_1",
                specialty="建筑工程",
                certificate_number="C-BENCH-PAGES",
                issued_on=datetime.date(2015, 6, 1),
            )
        )
        db.session.flush()
        items = [row[0] for row in db.session.query(ServiceItem.id).order_by(ServiceItem.position)]
        statuses = ("issued", "issued", "rejected", "withdrawn", "submitted", "accepted", "under_review", "issued")
        now = clock.now()
        rows = []
        for n in range(cases):
            submitted = now - datetime.timedelta(days=n % 700, minutes=n)
            status = statuses[n % len(statuses)]
            rows.append(
                {
                    "number": f"P{n + 1:011d}",
                    "account_id": citizen.id,
                    "item_id": items[n % len(items)],
                    "status": status,
                    "province": "北京市",
                    "data": {},
                    "correction": {},
                    "commitment": True,
                    "created_at": submitted,
                    "submitted_at": submitted,
                    "updated_at": submitted,
                    "due_on": (submitted + datetime.timedelta(days=20)).date()
                    if status in ("submitted", "accepted", "under_review")
                    else None,
                }
            )
        db.session.execute(insert(Application), rows)
        db.session.commit()
        guide = db.session.query(ServiceItem.code).order_by(ServiceItem.position).first()[0]
        form_item = db.session.query(ServiceItem.code).filter_by(online_kind="constructor_initial").scalar()
        db.session.remove()
    return {"samples": samples, "guide": guide, "form_item": form_item}


def page_paths(loaded: dict) -> dict:
    """Page name -> (who asks it: None, "citizen", "officer" or "admin"; the paths asked in turn)."""
    samples = loaded["samples"]
    q = urllib.parse.urlencode
    names = [n[:2] for n in samples["names"][:200]]
    return {
        "bare endpoint": (None, ["/bench/bare"]),
        "home": (None, ["/"]),
        "catalogue": (None, ["/services/"]),
        "办事指南": (None, [f"/services/guide/{loaded['guide']}"]),
        "login page": (None, ["/account/login"]),
        "query: people by name": (None, ["/query/people?" + q({"name": n}) for n in names]),
        "query: enterprises by kind + name": (
            None,
            ["/query/enterprises?" + q({"kind": "建筑业企业", "name": e[:3]}) for e in samples["employers"][:200]],
        ),
        "user centre": ("citizen", ["/user/"]),
        f"我的办件 ({loaded['cases']} cases)": ("citizen", ["/user/cases"]),
        "application form": ("citizen", [f"/services/item/{loaded['form_item']}/apply"]),
        "staff queue": ("officer", ["/admin/workflow/"]),
        "FAB list view, same search (peer)": (
            "admin",
            ["/personregistrationadminview/list/?" + q({"_flt_0_holder_name": n}) for n in names],
        ),
    }


def _sign_in_in_process(app, who: str):
    """A test client signed in as ``who`` (the face check of the citizen done as the mini-program would)."""
    client = app.test_client()
    if who == "citizen":
        answer = client.post(
            "/account/login", data={"kind": "personal", "identifier": CITIZEN_PHONE, "password": PASSWORD}
        )
        assert answer.status_code == 302, answer.status_code
    else:
        username = "bench-acceptor" if who == "officer" else "bench-admin"
        answer = client.post("/admin/login/", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 302, answer.status_code
    return client


def _pass_face_check(app, get_page) -> None:
    """The desktop page's QR token, completed in this process (bench/citizens.py does the same)."""
    from app.services.accounts import face_verification as face

    html = get_page("/face/online_service")
    token = re.search(r"/face/m/([A-Za-z0-9_\-]+)", html).group(1)
    with app.app_context():
        face.complete(token)


def measure_server_side(app, pages: dict, rounds: int) -> dict:
    """{page: (wall p50, wall p95, cpu p50, cpu p95)} in ms, pages asked in turn."""
    from app.extensions import db

    clients = {None: app.test_client()}
    for who in ("citizen", "officer", "admin"):
        clients[who] = _sign_in_in_process(app, who)
    _pass_face_check(app, lambda path: clients["citizen"].get(path).get_data(as_text=True))
    wall: dict = {name: [] for name in pages}
    cpu: dict = {name: [] for name in pages}
    for name, (who, paths) in pages.items():  # warm-up, and every page must answer 200
        for path in paths[:5]:
            response = clients[who].get(path)
            assert response.status_code == 200, (name, path, response.status_code)
    for i in range(rounds):
        for name, (who, paths) in pages.items():
            path = paths[i % len(paths)]
            started, started_cpu = time.perf_counter(), time.process_time()
            clients[who].get(path)
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
    with app.app_context():
        db.session.remove()

    def p(values, share):
        ordered = sorted(values)
        return ordered[min(int(len(ordered) * share), len(ordered) - 1)]

    return {
        name: (statistics.median(wall[name]), p(wall[name], 0.95), statistics.median(cpu[name]), p(cpu[name], 0.95))
        for name in pages
    }


def _serve(url: str, workers: int):
    from bench.queries import _free_port

    port = _free_port()
    environment = dict(
        os.environ, BENCH_DATABASE_URL=url, PYTHONPATH=ROOT, QUERY_CACHE_SECONDS="0", QUERY_FAST_PATH="0"
    )
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:app"],
        env=environment,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/bench/bare", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _sign_in_over_http(base: str, app, who: str) -> str:
    """The Cookie header of a session signed in against the server (CSRF is off for the bench)."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def post(path, fields):
        try:
            opener.open(base + path, data=urllib.parse.urlencode(fields).encode(), timeout=30)
        except urllib.error.HTTPError as answer:
            assert answer.code == 302, (path, answer.code)

    if who == "citizen":
        post("/account/login", {"kind": "personal", "identifier": CITIZEN_PHONE, "password": PASSWORD})
        _pass_face_check(app, lambda path: opener.open(base + path, timeout=30).read().decode())
    else:
        post(
            "/admin/login/", {"username": "bench-acceptor" if who == "officer" else "bench-admin", "password": PASSWORD}
        )
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _wrk(base: str, paths: list, seconds: float, concurrency: int, cookie: str | None) -> float:
    """Requests per second from wrk cycling through ``paths`` (non-2xx answers make the run fail)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        listed = ",\n".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
        script.write(f"paths = {{{listed}}}\ni = 0\nrequest = function()\n  i = i + 1\n")
        script.write('  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n')
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(int(seconds), 1)}s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    try:
        output = subprocess.run(command + [base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in output:
        raise RuntimeError("wrk saw answers other than 2xx:\n" + output)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _python_load(base: str, paths: list, seconds: float, concurrency: int, cookie: str | None) -> float:
    import threading

    done = [0]
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def visitor(offset):
        i = offset
        while time.monotonic() < deadline:
            request = urllib.request.Request(base + paths[i % len(paths)], headers=headers)
            with urllib.request.urlopen(request, timeout=30) as answer:
                answer.read()
            done[0] += 1
            i += 1

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / seconds


def measure_throughput(url: str, app, pages: dict, workers: int, seconds: float) -> dict:
    """{page: requests per second}; the bare endpoint measured first and last ("bare endpoint", "bare (end)")."""
    load = _wrk if shutil.which("wrk") else _python_load
    concurrency = workers * 2
    server, base = _serve(url, workers)
    try:
        cookies = {None: None}
        for who in ("citizen", "officer", "admin"):
            cookies[who] = _sign_in_over_http(base, app, who)
        figures = {}
        for name, (who, paths) in pages.items():
            load(base, paths, 1, concurrency, cookies[who])  # warm-up
            figures[name] = load(base, paths, seconds, concurrency, cookies[who])
        who, paths = pages["bare endpoint"]
        figures["bare (end)"] = load(base, paths, seconds, concurrency, cookies[who])
    finally:
        server.terminate()
        server.wait(timeout=20)
    return figures


def _load_average() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--companies", type=int, default=4_000)
    parser.add_argument("--cases", type=int, default=1_000, help="cases of the one citizen (我的办件)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=200, help="requests per page through the test client")
    parser.add_argument("--no-throughput", action="store_true", help="server-side figures only")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-pages-')}/bench.db"
    os.environ.setdefault("PORTAL_ENV", "production")
    from bench.queries import prepare_database
    from bench.wsgi import make_app

    prepare_database(url)
    app = make_app(url)
    app.config.update(QUERY_CACHE_SECONDS=0, QUERY_FAST_PATH=False)
    print(f"database: {url.split('@')[-1]}   {_load_average()}")
    loaded = load(app, args.persons, args.companies, args.cases)
    loaded["cases"] = args.cases
    pages = page_paths(loaded)

    server_side = measure_server_side(app, pages, args.rounds)
    bare_cpu = server_side["bare endpoint"][2]
    print(f"\nserver side, through the Flask test client ({args.rounds} requests a page, in turn; {_load_average()})")
    print(f"  {'page':<38}{'p50':>8}{'p95':>8}   |{'CPU p50':>9}{'CPU p95':>9}{'bare/page (CPU)':>17}")
    for name, (p50, p95, cpu50, cpu95) in server_side.items():
        print(f"  {name:<38}{p50:8.2f}{p95:8.2f}   |{cpu50:9.2f}{cpu95:9.2f}{bare_cpu / cpu50 * 100:16.1f}%")
    if args.no_throughput:
        return
    figures = measure_throughput(url, app, pages, args.workers, args.seconds)
    bare = (figures["bare endpoint"] + figures["bare (end)"]) / 2
    generator = "wrk" if shutil.which("wrk") else "Python threads (install wrk for a lighter load generator)"
    print(
        f"\nthroughput under gunicorn ({args.workers} sync workers, {args.workers * 2} connections, "
        f"{args.seconds:.0f} s a page; query page cache and fast path off; load from {generator}; {_load_average()})"
    )
    print(f"  {'page':<38}{'requests/s':>12}{'of bare':>10}")
    for name, rate in figures.items():
        print(f"  {name:<38}{rate:12.1f}{rate / bare * 100:9.1f}%")


if __name__ == "__main__":
    main()
