"""The portal as a cluster (scripts/cluster.py): nginx, two gunicorn instances a and b, PostgreSQL, a private Redis,
a private SeaweedFS — what has to hold when a citizen's requests land on either instance (issue 17 item 5).

Each test talks to the instances directly (as nginx would: with X-Forwarded-For where the client's address
matters) and through nginx. ``make cluster-test`` runs this module once in .ci/run.
"""

import ipaddress
import itertools
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from bench.citizens import Citizen, refusals, scan_jpeg

PEOPLE_QUERY = {"name": "陈立新", "qualification": "constructor_1"}
_addresses = itertools.count(random.randrange(1 << 20) << 8)


def new_address() -> str:
    """A client address of its own (the per-client query counts of a cluster that is reused start afresh)."""
    return str(ipaddress.IPv4Address(0x0A000000 + next(_addresses) % (1 << 24)))  # 10.x.y.z


def test_the_cluster_is_ready_through_nginx_and_on_each_instance(cluster):
    for base in (cluster.url, cluster.instance_url("a"), cluster.instance_url("b")):
        ready = requests.get(base + "/readyz", timeout=10)
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"} | (
            {"broker": "ok"} if "CELERY_BROKER_URL" in cluster.app_config() else {}
        )
    static = requests.get(cluster.url + "/static/css/portal.css", timeout=10, headers={"Accept-Encoding": "gzip"})
    # From disk, by nginx, not the app's answer (the app's varies on the cookie and carries its CSP); compressed
    # by nginx, which therefore varies on Accept-Encoding alone.
    assert static.status_code == 200 and static.headers["Vary"] == "Accept-Encoding"
    assert static.headers["Content-Encoding"] == "gzip" and "Content-Security-Policy" not in static.headers
    page = requests.get(cluster.url + "/", timeout=10, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers  # HTML pages carry form tokens: never compressed (BREACH)


def test_a_session_started_on_a_is_valid_on_b_and_ends_on_both_at_sign_out(cluster, backstage):
    a, b = cluster.instance_url("a"), cluster.instance_url("b")
    citizen = Citizen.new(backstage)
    citizen.register(b)
    citizen.sign_in(a)
    for base in (a, b, cluster.url):
        page = citizen.get(base + "/user/")
        assert page.status_code == 200, base
        assert citizen.name in page.text

    assert citizen.sign_out(b).status_code == 302
    for base in (a, b, cluster.url):
        page = citizen.get(base + "/user/")
        assert page.status_code == 302 and "/account/login" in page.headers["Location"], base


def test_a_file_uploaded_through_a_downloads_through_b(cluster, backstage):
    a, b = cluster.instance_url("a"), cluster.instance_url("b")
    citizen = Citizen.new(backstage).prepare(a)
    scan = scan_jpeg(7)
    filed = citizen.submit(a, citizen.apply_form(a), scan)
    assert filed.status_code == 302 and "/submitted/" in filed.headers["Location"], refusals(filed.text)
    attachments = backstage.attachments_of(citizen.phone)
    assert attachments
    for base in (b, cluster.url):
        download = citizen.get(f"{base}/user/attachments/{attachments[0]}")
        assert download.status_code == 200, base
        assert download.content == scan


def test_per_client_limits_are_counted_across_both_instances(cluster, backstage):
    """QUERY_CAPTCHA_AFTER (5) queries of one client, split over a and b: the next one needs a picture code."""
    client = {"X-Forwarded-For": new_address()}
    other = {"X-Forwarded-For": new_address()}
    bases = [cluster.instance_url(name) for name in ("a", "b", "a", "b")]
    for number, base in enumerate(bases, start=1):
        page = requests.get(base + "/query/people", params=PEOPLE_QUERY, headers=client, timeout=30)
        assert page.status_code == 200 and 'name="captcha"' not in page.text, number
    fifth = requests.get(cluster.instance_url("b") + "/query/people", params=PEOPLE_QUERY, headers=client, timeout=30)
    assert 'name="captcha"' in fifth.text  # the next query will need one
    for name in ("a", "b"):
        sixth = requests.get(cluster.instance_url(name) + "/query/people", params=PEOPLE_QUERY, headers=client)
        assert "请输入图形验证码后查看查询结果" in sixth.text, name
    # Another client is not counted with it.
    fresh = requests.get(cluster.instance_url("a") + "/query/people", params=PEOPLE_QUERY, headers=other)
    assert 'name="captcha"' not in fresh.text


def test_a_register_change_retires_the_cached_pages_of_both_instances(cluster, backstage):
    from app.extensions import db
    from app.models import PersonRegistration
    from app.services.registers import generation

    def page(base):
        return requests.get(
            base + "/query/people", params=PEOPLE_QUERY, headers={"X-Forwarded-For": new_address()}, timeout=30
        ).text

    bases = {"a": cluster.instance_url("a"), "b": cluster.instance_url("b")}
    for name, base in bases.items():  # each instance renders the page once and keeps it (shared cache, fast path)
        for _visitor in range(2):
            assert "华岳示范建设工程有限公司" in page(base), name

    with backstage.app.app_context():
        registration = db.session.query(PersonRegistration).filter_by(holder_name="陈立新").first()
        registration.employer_name = "青松示范建设集团有限公司"
        db.session.commit()
        db.session.remove()

    # Every server process reads the registers' generation again at most REFRESH_SECONDS after its last look.
    time.sleep(2 * generation.REFRESH_SECONDS)
    for name, base in bases.items():
        for _visitor in range(4):  # whichever worker of the instance answers
            fresh = page(base)
            assert "青松示范建设集团有限公司" in fresh and "华岳示范建设工程有限公司" not in fresh, name
    through_nginx = requests.get(cluster.url + "/query/people", params=PEOPLE_QUERY, timeout=30)
    assert "青松示范建设集团有限公司" in through_nginx.text


def test_stopping_instance_a_mid_load_loses_no_submission_and_doubles_none(cluster, backstage):
    """Citizens file through nginx while others browse; instance a dies (SIGKILL) in the middle.

    A GET that fails on a is passed to b by nginx; a POST is never sent twice by nginx. A citizen whose post
    got an error page posts the same form again (the same submit_token, a new SMS code if the first one was
    used up), as anyone would: every citizen ends with exactly one case.
    """
    base = cluster.url
    citizens = list(ThreadPoolExecutor(4).map(lambda _: Citizen.new(backstage).prepare(base), range(16)))
    forms = [citizen.apply_form(base) for citizen in citizens]
    scan = scan_jpeg(3)
    outcome = {"posts": 0, "second_tries": 0, "errors": [], "browsing": [], "browsing_errors": []}
    lock = threading.Lock()
    started = threading.Event()
    stop_browsing = threading.Event()

    def file(pair):
        citizen, tokens = pair
        started.set()
        for attempt in range(6):
            try:
                response = citizen.submit(base, tokens, scan)
            except requests.RequestException as error:
                response, failure = None, repr(error)
            else:
                failure = f"{response.status_code}"
            with lock:
                outcome["posts"] += 1
                outcome["second_tries"] += attempt > 0
            if response is not None and response.status_code == 302 and "/submitted/" in response.headers["Location"]:
                return
            with lock:
                outcome["errors"].append(failure)
            time.sleep(0.3)
        raise AssertionError(f"{citizen.phone} could not file: {outcome['errors'][-3:]}")

    def browse():
        visitor = requests.Session()
        while not stop_browsing.is_set():
            for path in ("/", "/query/people?name=陈立&qualification=constructor_1", "/services/", "/help/faq"):
                status = visitor.get(base + path, timeout=30, headers={"X-Forwarded-For": new_address()}).status_code
                with lock:
                    outcome["browsing"].append(status)

    browsers = [threading.Thread(target=browse) for _ in range(2)]
    for thread in browsers:
        thread.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            filing = pool.map(file, zip(citizens, forms))
            started.wait(10)
            time.sleep(0.5)
            cluster.kill("web_a")
            list(filing)
    finally:
        stop_browsing.set()
        for thread in browsers:
            thread.join()
        cluster.restart_web("a")

    print(
        f"\nsubmissions: {len(citizens)} citizens, {outcome['posts']} posts, {outcome['second_tries']} second tries "
        f"(answers that made them try again: {outcome['errors']}); browsing: {len(outcome['browsing'])} pages, "
        f"statuses {sorted(set(outcome['browsing']))}"
    )
    for citizen, tokens in zip(citizens, forms):
        assert [token for _number, token in backstage.cases_of(citizen.phone)] == [tokens["submit_token"]]
    assert set(outcome["browsing"]) == {200}  # every page answered, by b once a was gone


def test_a_job_queued_by_a_runs_on_the_worker(cluster, backstage):
    """An SMS code asked for through instance a is sent by the Celery worker (the job goes through Redis)."""
    from app.services.platform import captcha, sms
    from app.services.platform.shared_store import get_store
    from bench.citizens import hidden

    assert cluster.process("worker") and cluster.process("beat")  # started because app/worker.py exists
    a = cluster.instance_url("a")
    citizen = Citizen.new(backstage)
    page = citizen.get(a + "/account/register/personal")
    challenge = citizen.get(a + "/verify/captcha").json()["id"]
    with backstage.app.app_context():  # the person reads the picture: its answer is now ABCD
        get_store().set(f"captcha:{challenge}", captcha._digest("ABCD"), 300)
    csrf = hidden(page.text, "csrf_token")
    asked = citizen.post(
        a + "/verify/sms",
        data={
            "phone": citizen.phone,
            "purpose": "register",
            "captcha": "ABCD",
            "captcha_id": challenge,
            "csrf_token": csrf,
        },
        headers={"X-CSRFToken": csrf},
    )
    assert asked.status_code == 200, asked.text
    deadline = time.monotonic() + 30  # the worker polls the broker; under load it may take a few seconds
    while True:
        with backstage.app.app_context():
            code = sms.latest_outbox_code(citizen.phone, "register")
        if code is not None:
            break
        assert time.monotonic() < deadline, "the worker did not send the SMS"
        time.sleep(0.5)
    worker_log = (cluster.directory / "worker.log").read_text(errors="replace")
    assert "succeeded" in worker_log  # the worker ran the job (instance a only queued it)


def _samples(text: str) -> dict:
    from prometheus_client.parser import text_string_to_metric_families

    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _health_answers(url: str) -> float:
    samples = _samples(requests.get(url + "/metrics", timeout=10).text)
    return samples.get(
        ("portal_http_requests_total", frozenset({"group": "health", "method": "HEAD", "status": "200"}.items())), 0
    )


def test_each_instance_adds_up_its_workers_metrics_and_nginx_never_shows_them(cluster):
    """Issue 21: /metrics of an instance counts the requests of all its gunicorn workers (multiprocess mode)."""
    from pathlib import Path

    a = cluster.instance_url("a")
    before = _health_answers(a)
    with ThreadPoolExecutor(8) as pool:  # concurrent: both workers of a answer some of them
        # HEAD: no other test (nor nginx) asks it, so nothing else moves this count meanwhile
        statuses = list(pool.map(lambda _: requests.head(a + "/healthz", timeout=10).status_code, range(40)))
    assert statuses == [200] * 40
    assert _health_answers(a) - before == 40  # whichever worker answered the scrape
    assert list(Path(cluster.metrics_dir("a")).glob("counter_*.db"))
    assert requests.get(cluster.url + "/metrics", timeout=10).status_code == 404  # nginx: never to the public
    forwarded = requests.get(a + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert forwarded.status_code == 404  # a public visitor as nginx would pass him on


def test_the_instances_write_one_json_line_per_request_with_its_id(cluster):
    import json

    page = requests.get(cluster.url + "/no-such-page", headers={"X-Request-Id": "made-up-by-the-client"}, timeout=10)
    request_id = page.headers["X-Request-Id"]  # nginx's own ($request_id): a client's is not believed
    assert request_id != "made-up-by-the-client" and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert page.status_code == 404 and request_id in page.text and "请将此编号告知技术支持" in page.text
    deadline = time.monotonic() + 10
    while True:
        lines = [
            json.loads(line)
            for name in ("web_a.log", "web_b.log")
            for line in (cluster.directory / name).read_text(errors="replace").splitlines()
            if line.startswith("{") and request_id in line
        ]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    (line,) = lines
    assert line["logger"] == "portal.requests" and line["status"] == 404 and line["method"] == "GET"
    assert line["request_id"] == request_id and "duration_ms" in line


def test_the_worker_logs_json_lines_with_the_request_id_and_counts_the_sms_it_sent(cluster, backstage):
    import json

    from app.services.platform import captcha, sms
    from app.services.platform.shared_store import get_store
    from bench.citizens import hidden

    a = cluster.instance_url("a")
    request_id = f"cluster-sms-{random.randrange(1 << 30)}"
    citizen = Citizen.new(backstage)
    page = citizen.get(a + "/account/register/personal")
    challenge = citizen.get(a + "/verify/captcha").json()["id"]
    with backstage.app.app_context():
        get_store().set(f"captcha:{challenge}", captcha._digest("ABCD"), 300)
    csrf = hidden(page.text, "csrf_token")
    asked = citizen.post(
        a + "/verify/sms",
        data={"phone": citizen.phone, "purpose": "register", "captcha": "ABCD", "captcha_id": challenge},
        headers={"X-CSRFToken": csrf, "X-Request-Id": request_id},
    )
    assert asked.status_code == 200, asked.text
    deadline = time.monotonic() + 30
    while True:
        with backstage.app.app_context():
            code = sms.latest_outbox_code(citizen.phone, "register")
        if code is not None:
            break
        assert time.monotonic() < deadline, "the worker did not send the SMS"
        time.sleep(0.5)
    time.sleep(1)  # the job's last lines
    worker_lines = [
        json.loads(line)
        for line in (cluster.directory / "worker.log").read_text(errors="replace").splitlines()
        if line.startswith("{")
    ]
    mine = [line for line in worker_lines if line.get("request_id") == request_id]
    assert any("sent" in line["message"] for line in mine), worker_lines[-5:]
    assert code not in (cluster.directory / "worker.log").read_text(errors="replace")  # the code is never logged
    sent = _samples(requests.get(cluster.worker_metrics_url, timeout=10).text)
    assert sent.get(("portal_sms_deliveries_total", frozenset({"outcome": "sent"}.items())), 0) >= 1
