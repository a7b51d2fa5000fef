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
   submissions only (BURST citizens filing through 32 visitors until the last is answered), with one instance
   and with two. After each run every acknowledged submission is looked up in the database: none may be missing
   (lost), no citizen may have two cases (doubled), none may be filed without its answer.
4. Prints requests/s, p50/p95/p99 and errors of each run, submissions/s over the span they took, and the CPU
   seconds each part used meanwhile (web instances, PostgreSQL, SeaweedFS, nginx, Redis, Celery, the generator,
   the rest of the machine) with the load average before and after: on a shared machine the figures mean
   nothing without them.

    python bench/load.py --processes 2          # locust in two processes for the mixed runs
    python bench/load.py --only submit          # the submissions-only runs alone
    python bench/load.py --web-threads 1        # gunicorn sync workers instead of gthread, to compare
"""

import argparse
import csv
import datetime
import json
import os
import resource
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


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu() -> dict:
    """Every process now running, by pid: (parent pid, name, CPU seconds: user + system, its reaped children's)."""
    seen = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # utime, stime, and cutime + cstime: the children it has reaped (gunicorn replaces its workers after
        # max_requests, PostgreSQL's postmaster reaps its backends), whose CPU would otherwise vanish mid-run.
        seen[int(entry.name)] = (int(fields[1]), name, sum(int(value) for value in fields[11:15]) / CLOCK_TICKS)
    return seen


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


class CpuMeter:
    """What a run cost in CPU: the load generator (locust and its forked processes, counted when reaped), the
    cluster's own processes (by process group: gunicorn master and workers, nginx, Redis, SeaweedFS, Celery),
    PostgreSQL (every backend of the machine's server: other users of the server are counted too), the machine."""

    def __init__(self, cluster: Cluster):
        self.parts = {process.pid: process.name for process in cluster.processes}

    def _part(self, pid: int, processes: dict) -> str | None:
        """The cluster part a process belongs to (it or an ancestor was started as that part)."""
        for _ in range(8):
            if pid in self.parts:
                return self.parts[pid]
            if pid not in processes:
                return None
            pid = processes[pid][0]
        return None

    def _sample(self) -> dict:
        parts: dict[str, float] = {}
        processes = _process_cpu()
        for pid, (_parent, name, seconds) in processes.items():
            part = self._part(pid, processes)
            if part is None and (name == "postgres" or name.startswith("postgres:")):
                part = "postgresql"
            if part is not None:
                parts[part] = parts.get(part, 0.0) + seconds
        generator = resource.getrusage(resource.RUSAGE_CHILDREN)
        parts["generator"] = generator.ru_utime + generator.ru_stime
        parts["machine"], parts["machine_total"] = _machine_cpu()
        return parts

    def __enter__(self):
        self.before, self.started = self._sample(), time.monotonic()
        self.load_before = os.getloadavg()
        return self

    def __exit__(self, *exc):
        after = self._sample()
        self.seconds = time.monotonic() - self.started
        self.load_after = os.getloadavg()
        self.used = {part: after[part] - self.before.get(part, 0.0) for part in after}

    def line(self) -> str:
        used = self.used
        web = sum(v for k, v in used.items() if k.startswith("web_"))
        cores = used["machine_total"] / self.seconds
        return (
            f"CPU seconds over {self.seconds:.0f} s ({cores:.0f} cores): web instances {web:.1f}, PostgreSQL "
            f"{used.get('postgresql', 0):.1f}, SeaweedFS {used.get('seaweedfs', 0):.1f}, nginx {used.get('nginx', 0):.1f}, "
            f"Redis {used.get('redis', 0):.1f}, Celery {used.get('worker', 0) + used.get('beat', 0):.1f}, "
            f"load generator {used['generator']:.1f}; whole machine busy {used['machine']:.1f} of "
            f"{used['machine_total']:.1f} (so others used {used['machine'] - web - sum(used.get(k, 0) for k in ('postgresql', 'seaweedfs', 'nginx', 'redis', 'worker', 'beat', 'generator')):.1f}); "
            f"load average {self.load_before[0]:.1f} before, {self.load_after[0]:.1f} after"
        )


def run_locust(
    plan: dict, directory: Path, label: str, users: int, seconds: int, mix: str, processes: int, meter: CpuMeter
) -> dict:
    plan_file = directory / f"plan-{label}.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    result_file = directory / f"result-{label}.json"
    prefix = directory / f"stats-{label}"
    env = dict(
        os.environ, LOAD_PLAN=str(plan_file), LOAD_RESULT=str(result_file), LOAD_MIX=mix, LOAD_PROCESSES=str(processes)
    )
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py")]
    command += ["--headless", "--only-summary", "-u", str(users), "-r", str(users), "-t", f"{seconds}s"]
    command += ["--host", plan["host"], "--csv", str(prefix), "--stop-timeout", "10", "--loglevel", "WARNING"]
    if processes > 1 and mix == "mixed":  # a submissions-only run ends when every citizen has filed: one process
        command += ["--processes", str(processes)]
    with meter:
        subprocess.run(command, env=env, check=False, capture_output=True, cwd=ROOT, timeout=seconds + 120)
    rows = {row["Name"]: row for row in csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8"))}  # noqa: SIM115
    outcome: dict = {"acknowledged": [], "times": [], "refused": [], "left": 0}
    for part in directory.glob(f"result-{label}.json.*"):
        piece = json.loads(part.read_text())
        for key in ("acknowledged", "times", "refused"):
            outcome[key] += piece.get(key, [])
        outcome["left"] += piece["left"]
    return {"rows": rows, "mix": mix, **outcome}


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


def _percentile(ordered: list, share: float) -> float:
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def report(label: str, outcome: dict, seconds: int, submissions: dict, meter: CpuMeter) -> str:
    total = outcome["rows"]["Aggregated"]
    line = (
        f"{label}: {float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, {total['Request Count']} requests, {total['Failure Count']} errors"
    )
    if outcome["mix"] == "submit" and outcome["times"]:
        # Locust's own table can miss the last answers of a run that ends itself: the generator's record is whole.
        took = sorted((end - start) * 1000 for start, end in outcome["times"])
        line = (
            f"{label}: {len(took)} submissions acknowledged, p50 {_percentile(took, 0.5):.0f} ms, "
            f"p95 {_percentile(took, 0.95):.0f} ms, p99 {_percentile(took, 0.99):.0f} ms, "
            f"{len(outcome['refused'])} errors"
        )
    for name, row in outcome["rows"].items():
        if name != "Aggregated":
            line += (
                f"\n    {name:34} {int(row['Request Count']):6} requests {float(row['Requests/s']):7.1f}/s  "
                f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  p99 {row['99%']:>5} ms  errors {row['Failure Count']}"
            )
    times = outcome["times"]
    # Submissions/s over the time they were being made (first sent to last answered), not the run's length.
    span = (max(end for _, end in times) - min(start for start, _ in times)) if len(times) > 1 else seconds
    line += (
        f"\n    submissions: {submissions['acknowledged']} acknowledged in {span:.1f} s "
        f"({submissions['acknowledged'] / span:.1f}/s), lost {submissions['lost']}, doubled "
        f"{submissions['doubled']}, refused {submissions['refused']}, filed but not acknowledged "
        f"{submissions['filed_unacknowledged']}, citizens left unused {outcome['left']}"
    )
    line += "\n    " + meter.line()
    if submissions["acknowledged"] and outcome["mix"] == "submit":
        web = sum(v for k, v in meter.used.items() if k.startswith("web_"))
        stack = web + sum(meter.used.get(k, 0) for k in ("postgresql", "seaweedfs", "nginx", "redis", "worker"))
        line += (
            f"\n    per acknowledged submission (whole run's CPU / submissions): web {web / submissions['acknowledged'] * 1000:.0f} ms, "
            f"cluster + PostgreSQL {stack / submissions['acknowledged'] * 1000:.0f} ms"
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
    parser.add_argument("--burst", type=int, default=300, help="citizens ready to file for the submissions-only run")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker (1: sync workers)")
    parser.add_argument(
        "--processes", type=int, default=1, help="locust processes (the generator's CPU is counted either way)"
    )
    parser.add_argument("--submit-users", type=int, default=32, help="visitors of the submissions-only run")
    parser.add_argument("--database", default="portal_load", help="dropped, created and dropped again")
    parser.add_argument("--only", choices=("mixed", "submit"), help="only the mixed runs, or only submissions")
    arguments = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="portal-load-"))
    cluster = Cluster(
        directory / "cluster",
        database=arguments.database,
        web_workers=arguments.web_workers,
        web_threads=arguments.web_threads,
        settings=LIMITS_LIFTED,
        access_log=False,
    )
    started = time.monotonic()
    cluster.start()
    print(
        f"cluster ready in {time.monotonic() - started:.0f} s ({arguments.web_workers} workers × "
        f"{arguments.web_threads} threads per instance); load average {os.getloadavg()}",
        flush=True,
    )
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
        runs = []
        if arguments.only != "submit":
            runs += [
                ("one instance", ["a"], "mixed", arguments.submitters),
                ("two instances", ["a", "b"], "mixed", arguments.submitters),
            ]
        if arguments.only != "mixed":
            runs += [
                ("one instance, submissions only", ["a"], "submit", arguments.burst),
                ("two instances, submissions only", ["a", "b"], "submit", arguments.burst),
            ]
        meter = CpuMeter(cluster)
        for label, instances, mix, count in runs:
            people = create_citizens(backstage, count, next_number)
            next_number += count
            submitters, took = prepare(base, backstage, people, ready_to_file=True)
            print(f"[{label}] {len(submitters)} citizens ready to file ({took:.0f} s)", flush=True)
            cluster.set_upstreams(instances)
            seconds = arguments.seconds if mix == "mixed" else max(arguments.seconds, 60)  # ends when all filed
            outcome = run_locust(
                dict(plan, submitters=submitters),
                directory,
                label.replace(" ", "-").replace(",", ""),
                arguments.users if mix == "mixed" else arguments.submit_users,
                seconds,
                mix,
                arguments.processes,
                meter,
            )
            submissions = check_submissions(backstage, outcome, submitters)
            lines.append(report(label, outcome, seconds, submissions, meter))
            print(lines[-1], flush=True)
        print("\n=== load test (nginx, PostgreSQL, Redis, SeaweedFS; locust on the same machine) ===")
        print("\n".join(lines))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
