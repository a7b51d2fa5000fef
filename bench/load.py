"""Load test of the portal as a cluster (scripts/cluster.py) on PostgreSQL: a realistic mix through nginx.

    python bench/load.py                        # `make load-test`: 30 s per run, 16 visitors
    python bench/load.py --seconds 20 --users 16 --persons 5000 --companies 1000   # a quicker run

1. Starts the cluster (nginx, two gunicorn instances of WEB_WORKERS each, PostgreSQL, Redis, SeaweedFS) with the
   anti-scraping counts lifted (they count per client address; the generator is one address standing for many
   visitors) and loads the registers as bench/queries.py does (PERSONS registered persons, COMPANIES enterprises).
2. Prepares the citizens: accounts and their 资格证书 written directly (one password hash for all), then, over
   HTTP through nginx, each one signs in, passes 人脸识别 (the mini-program's side done by bench/citizens.py's
   Backstage) and opens the 在线申报 form (its csrf_token and submit_token); its SMS code is read from the outbox.
3. Runs locust (bench/locustfile.py): 80 % public queries and pages, 15 % signed-in pages, 5 % submissions of a
   一级建造师初始注册 with its scans — against nginx with one instance behind it, then with two; then
   submissions only, with two instances. After each run every acknowledged submission is looked up in the
   database: none may be missing (lost) and no citizen may have two cases (doubled).
4. Prints requests/s, p50/p95/p99 and errors of each run, and submissions/s.
"""

import argparse
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cluster import Cluster  # noqa: E402

from bench.citizens import EMPLOYER_NAME, PASSWORD, Backstage, hidden, scan_jpeg  # noqa: E402

LIMITS_LIFTED = {"QUERY_CAPTCHA_AFTER": 10**9, "QUERY_RATE_LIMIT_PER_MINUTE": 10**9}


def create_citizens(backstage: Backstage, count: int, start: int) -> list[dict]:
    """``count`` citizen accounts with a 资格证书 each, written in one transaction."""
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models import Account, AccountKind, QualificationCertificate
    from app.services.accounts.identity_documents import make_resident_id

    password_hash = generate_password_hash(PASSWORD)  # one hash for every bench account
    people = []
    with backstage.app.app_context():
        for number in range(start, start + count):
            birthday = datetime.date(1960, 1, 1) + datetime.timedelta(days=number % 12000)
            document = make_resident_id("110105", birthday, (number // 12000) * 2 + 1)
            phone = f"186{number:08d}"
            name = "负载" + "甲乙丙丁戊己庚辛壬癸"[number % 10] + "明"
            db.session.add(
                Account(
                    kind=AccountKind.PERSONAL,
                    status="active",
                    active=True,
                    real_name=name,
                    first_name=name[:1],
                    last_name=name[1:],
                    username=f"load-{number}",
                    email=f"load-{number}@bench.invalid",
                    document_type="resident_id",
                    document_number=document,
                    phone=phone,
                    password=password_hash,
                )
            )
            db.session.add(
                QualificationCertificate(
                    holder_name=name,
                    holder_document_type="resident_id",
                    holder_document_number=document,
                    qualification="constructor_1",
                    specialty="建筑工程",
                    certificate_number=f"C-LOAD-{number}",
                    issued_on=datetime.date(2015, 6, 1),
                )
            )
            people.append({"phone": phone, "name": name})
        db.session.commit()
        db.session.remove()
    return people


def sign_in(base: str, backstage: Backstage, person: dict, ready_to_file: bool) -> dict:
    browser = requests.Session()
    page = browser.get(base + "/account/login", timeout=60)
    done = browser.post(
        base + "/account/login",
        data={
            "csrf_token": hidden(page.text, "csrf_token"),
            "kind": "personal",
            "identifier": person["phone"],
            "password": PASSWORD,
        },
        allow_redirects=False,
        timeout=60,
    )
    assert done.status_code == 302, done.status_code
    prepared = {"phone": person["phone"]}
    if ready_to_file:
        face_page = browser.get(base + "/face/online_service", timeout=60)
        import re

        backstage.complete_face(re.search(r"/face/m/([A-Za-z0-9_\-]+)", face_page.text).group(1))
        form = browser.get(f"{base}/services/item/{backstage.item_code}/apply", allow_redirects=False, timeout=60)
        assert form.status_code == 200, form.status_code
        prepared.update(
            csrf_token=hidden(form.text, "csrf_token"),
            submit_token=hidden(form.text, "submit_token"),
            sms_code=backstage.sms_code(person["phone"], "application"),
        )
    prepared["cookie"] = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    return prepared


def prepare(base: str, backstage: Backstage, people: list[dict], ready_to_file: bool) -> tuple[list[dict], float]:
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        prepared = list(pool.map(lambda person: sign_in(base, backstage, person, ready_to_file), people))
    return prepared, time.monotonic() - started


def public_paths(samples: dict) -> list[str]:
    from bench.queries import typical_queries

    paths = []
    for name, queries in typical_queries(samples).items():
        if "detail" not in name:  # a detail page is opened from a result list (alone, it sends back to the search)
            paths += queries[:40]
    pages = ["/", "/services/", "/help/faq", "/help/contact", "/notices/", "/query/people", "/query/enterprises"]
    return paths + pages * (len(paths) // (4 * len(pages)))  # about four queries to one plain page


def run_locust(plan: dict, directory: Path, label: str, users: int, seconds: int, mix: str = "mixed") -> dict:
    plan_file = directory / f"plan-{label}.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    result_file = directory / f"result-{label}.json"
    prefix = directory / f"stats-{label}"
    env = dict(os.environ, LOAD_PLAN=str(plan_file), LOAD_RESULT=str(result_file), LOAD_MIX=mix)
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py")]
    command += ["--headless", "--only-summary", "-u", str(users), "-r", str(users), "-t", f"{seconds}s"]
    command += ["--host", plan["host"], "--csv", str(prefix), "--stop-timeout", "10", "--loglevel", "WARNING"]
    subprocess.run(command, env=env, check=False, capture_output=True, cwd=ROOT, timeout=seconds + 120)
    rows = {row["Name"]: row for row in csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8"))}  # noqa: SIM115
    outcome = json.loads(result_file.read_text())
    return {"rows": rows, **outcome}


def check_submissions(backstage: Backstage, outcome: dict, submitters: list[dict]) -> dict:
    """Every acknowledged submission has its case; nobody has two."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Account, Application

    tokens = {s["submit_token"] for s in submitters}
    phones = [s["phone"] for s in submitters]
    with backstage.app.app_context():
        filed = set(
            db.session.scalars(select(Application.submit_token).where(Application.submit_token.in_(tokens))).all()
        )
        doubled = db.session.execute(
            select(func.count()).select_from(
                select(Application.account_id)
                .join(Account, Account.id == Application.account_id)
                .where(Account.phone.in_(phones))
                .group_by(Application.account_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
        db.session.remove()
    acknowledged = set(outcome["acknowledged"])
    return {
        "acknowledged": len(acknowledged),
        "lost": len(acknowledged - filed),
        "filed_unacknowledged": len(filed - acknowledged),
        "doubled": doubled,
        "refused": len(outcome["refused"]),
    }


def report(label: str, outcome: dict, seconds: int, submissions: dict) -> str:
    total = outcome["rows"]["Aggregated"]
    line = (
        f"{label}: {float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, {total['Request Count']} requests, {total['Failure Count']} errors"
    )
    for name, row in outcome["rows"].items():
        if name != "Aggregated":
            line += (
                f"\n    {name:34} {int(row['Request Count']):6} requests {float(row['Requests/s']):7.1f}/s  "
                f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  p99 {row['99%']:>5} ms  errors {row['Failure Count']}"
            )
    line += (
        f"\n    submissions: {submissions['acknowledged']} acknowledged "
        f"({submissions['acknowledged'] / seconds:.1f}/s), lost {submissions['lost']}, doubled "
        f"{submissions['doubled']}, refused {submissions['refused']}, filed but not acknowledged "
        f"{submissions['filed_unacknowledged']}, citizens left unused {outcome['left']}"
    )
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--companies", type=int, default=4_000)
    parser.add_argument("--submitters", type=int, default=60, help="citizens ready to file, per mixed run")
    parser.add_argument("--burst", type=int, default=100, help="citizens ready to file for the submissions-only run")
    arguments = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="portal-load-"))
    cluster = Cluster(
        directory / "cluster",
        database="portal_load",
        web_workers=arguments.web_workers,
        settings=LIMITS_LIFTED,
        access_log=False,
    )
    started = time.monotonic()
    cluster.start()
    print(f"cluster ready in {time.monotonic() - started:.0f} s ({arguments.web_workers} workers per instance)")
    try:
        backstage = Backstage(cluster.app_config())
        from bench.queries import generate

        started = time.monotonic()
        samples = generate(backstage.app, arguments.persons, arguments.companies)
        print(
            f"registers: {arguments.persons} persons, {arguments.companies} enterprises ({time.monotonic() - started:.0f} s)"
        )
        base = cluster.url
        signed_in, took = prepare(base, backstage, create_citizens(backstage, 40, 1), ready_to_file=False)
        plan = {
            "host": base,
            "public_paths": public_paths(samples),
            "signed_in_cookies": [person["cookie"] for person in signed_in],
            "apply_path": f"/services/item/{backstage.item_code}/apply",
            "materials": backstage.materials,
            "scan_hex": scan_jpeg(5).hex(),
            "form": {
                "nation": "汉族",
                "school": "同济大学",
                "major": "土木",
                "education": "本科",
                "graduation_date": "2008-07-01",
                "employer_name": EMPLOYER_NAME,
                "employer_uscc": backstage.employer,
                "specialty": "建筑工程",
                "commitment": "yes",
            },
        }
        print(f"public paths: {len(plan['public_paths'])}; signed-in citizens: {len(signed_in)} ({took:.0f} s)")
        next_number = 1000
        lines = []
        runs = [
            ("one instance", ["a"], "mixed", arguments.submitters),
            ("two instances", ["a", "b"], "mixed", arguments.submitters),
        ]
        runs.append(("two instances, submissions only", ["a", "b"], "submit", arguments.burst))
        for label, instances, mix, count in runs:
            people = create_citizens(backstage, count, next_number)
            next_number += count
            submitters, took = prepare(base, backstage, people, ready_to_file=True)
            print(f"[{label}] {len(submitters)} citizens ready to file ({took:.0f} s)", flush=True)
            cluster.set_upstreams(instances)
            seconds = arguments.seconds if mix == "mixed" else min(arguments.seconds, 20)
            outcome = run_locust(
                dict(plan, submitters=submitters),
                directory,
                label.replace(" ", "-").replace(",", ""),
                arguments.users,
                seconds,
                mix,
            )
            submissions = check_submissions(backstage, outcome, submitters)
            lines.append(report(label, outcome, seconds, submissions))
            print(lines[-1], flush=True)
        print("\n=== load test (nginx, PostgreSQL, Redis, SeaweedFS; locust on the same machine) ===")
        print("\n".join(lines))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
