"""Where the milliseconds of one submission go (issue 17, item 6): cProfile on CPU time, against the cluster's engines.

    python bench/profile_submit.py                       # 40 measured + 40 profiled submissions
    python bench/profile_submit.py --submissions 60 --dump /tmp/submit.prof

Starts the cluster's engines (scripts/cluster.py: PostgreSQL, a private Redis, SeaweedFS, the Celery worker) and
builds the portal in this process with the cluster's configuration (Redis sessions, S3 files, the Celery broker).
Each citizen signs in, passes 人脸识别 and opens the 在线申报 form through the Flask test client; then the
submission itself (the multipart post of a 一级建造师初始注册 with its scans: form checks, upload checks by
content, the files stored in S3, the case, its event and message, the audit row, the idempotency token, the
commit) is measured:

1. without the profiler: CPU time of this process per submission (p50 / p95, ms; PostgreSQL, Redis and SeaweedFS
   work in their own processes and is not in it) and wall-clock time (which includes their answers);
2. the SQL statements each submission sends (count, and the statements of one submission by kind);
3. under cProfile (timer: process CPU time): the share of each layer by the package its functions live in, and
   the cumulative time of the submission's steps.
"""

import argparse
import collections
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cluster import Cluster  # noqa: E402

from bench.citizens import EMPLOYER_NAME, Backstage, hidden, scan_jpeg  # noqa: E402
from bench.load import LIMITS_LIFTED, create_citizens  # noqa: E402
from bench.profile_pages import _layer  # noqa: E402

LAYERS_EXTRA = (
    ("S3 client (boto3 / botocore / urllib3)", ("botocore", "boto3", "s3transfer", "urllib3")),
    ("Celery / kombu (queueing the SMS job)", ("celery", "kombu")),
    ("hashing / PIL / filetype", ("hashlib", "PIL", "filetype")),
)
STEPS = (  # (label, function name, file fragment)
    ("whole request (wsgi_app)", "wsgi_app", "flask/app.py"),
    ("open the session (Redis)", "open_session", ""),
    ("save the session", "save_session", ""),
    ("form parsing (multipart)", "_load_form_data", "werkzeug"),
    ("Flask-WTF validate_on_submit", "validate_on_submit", "flask_wtf"),
    ("submit_once (the service)", "submit_once", "app/services/cases/applications.py"),
    ("  check_submission (rules)", "check_submission", "app/services/cases/applications.py"),
    ("    eligibility_problems", "eligibility_problems", "app/services/cases/eligibility.py"),
    ("    form_problems", "form_problems", "app/services/cases/eligibility.py"),
    ("    check_uploads (content)", "check_uploads", "app/services/cases/uploads.py"),
    ("    SMS code check (Redis)", "verify_code", "app/services/platform/sms.py"),
    ("  _write_submission", "_write_submission", "app/services/cases/applications.py"),
    ("    store_uploads (S3 PUT)", "store_uploads", "app/services/cases/uploads.py"),
    ("    workflow.apply (event)", "apply", "app/services/cases/workflow.py"),
    ("    audit.record", "record", "app/services/platform/audit.py"),
    ("    new_number", "new_number", "app/services/cases/applications.py"),
    ("commit (unit of work)", "commit", "sqlalchemy/orm/session.py"),
    ("flush", "flush", "sqlalchemy/orm/session.py"),
    ("SQL statements (execute)", "execute", "sqlalchemy/engine/base.py"),
    ("after-request hooks", "process_response", "flask/app.py"),
)


def layer(filename: str) -> str:
    for label, fragments in LAYERS_EXTRA:
        if any(fragment in filename for fragment in fragments):
            return label
    return _layer(filename)


def ready_to_file(backstage: Backstage, person: dict) -> tuple:
    """A test client signed in as ``person``, face-checked, with the form's fields and an SMS code."""
    client = backstage.app.test_client()
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.9"}
    page = client.get("/account/login", environ_base=environ)
    done = client.post(
        "/account/login",
        data={
            "csrf_token": hidden(page.text, "csrf_token"),
            "kind": "personal",
            "identifier": person["phone"],
            "password": "Cluster2026pass",
        },
        environ_base=environ,
    )
    assert done.status_code == 302, done.status_code
    face = client.get("/face/online_service", environ_base=environ)
    backstage.complete_face(re.search(r"/face/m/([A-Za-z0-9_\-]+)", face.text).group(1))
    form = client.get(f"/services/item/{backstage.item_code}/apply", environ_base=environ)
    assert form.status_code == 200, form.status_code
    fields = {
        "csrf_token": hidden(form.text, "csrf_token"),
        "submit_token": hidden(form.text, "submit_token"),
        "sms_code": backstage.sms_code(person["phone"], "application"),
    }
    return client, environ, fields


def submit(backstage: Backstage, client, environ, fields: dict, form: dict, scan: bytes):
    import io

    data = dict(fields, **form)
    for material in backstage.materials:
        data[f"material_{material}"] = (io.BytesIO(scan), "scan.jpg", "image/jpeg")
    answer = client.post(
        f"/services/item/{backstage.item_code}/apply",
        data=data,
        content_type="multipart/form-data",
        environ_base=environ,
    )
    assert answer.status_code == 302 and "/submitted/" in answer.headers["Location"], answer.status_code
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40, help="measured, and as many again profiled")
    parser.add_argument("--database", default="portal_profile")
    parser.add_argument("--dump", help="write the profile (.prof) to this file")
    arguments = parser.parse_args()
    count = arguments.submissions

    directory = Path(tempfile.mkdtemp(prefix="portal-profile-"))
    cluster = Cluster(
        directory / "cluster", database=arguments.database, web_workers=1, settings=LIMITS_LIFTED, access_log=False
    )
    cluster.start()
    try:
        backstage = Backstage(dict(cluster.app_config(), **LIMITS_LIFTED))
        from sqlalchemy import event

        from app.extensions import db

        form = {
            "nation": "汉族",
            "school": "同济大学",
            "major": "土木",
            "education": "本科",
            "graduation_date": "2008-07-01",
            "employer_name": EMPLOYER_NAME,
            "employer_uscc": backstage.employer,
            "specialty": "建筑工程",
            "commitment": "yes",
        }
        scan = scan_jpeg(5)
        people = create_citizens(backstage, 2 * count + 5, 1)
        started = time.monotonic()
        ready = [ready_to_file(backstage, person) for person in people]
        print(f"{len(ready)} citizens ready to file ({time.monotonic() - started:.0f} s); scan {len(scan)} bytes")

        statements: list[str] = []
        with backstage.app.app_context():
            engine = db.engine

        def count_statement(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        for client, environ, fields in ready[:5]:  # warm-up: caches, connections, first imports
            submit(backstage, client, environ, fields, form, scan)
        event.listen(engine, "before_cursor_execute", count_statement)
        cpu, wall, per_submission = [], [], []
        for client, environ, fields in ready[5 : 5 + count]:
            before = len(statements)
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            submit(backstage, client, environ, fields, form, scan)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started_wall) * 1000)
            per_submission.append(statements[before:])
        event.remove(engine, "before_cursor_execute", count_statement)
        cpu.sort()
        wall.sort()
        print(f"\nsubmission ({count} measured, {len(backstage.materials)} scans each)")
        print(f"  CPU of this process: p50 {statistics.median(cpu):.1f} ms, p95 {cpu[int(count * 0.95)]:.1f} ms")
        print(f"  wall-clock:          p50 {statistics.median(wall):.1f} ms, p95 {wall[int(count * 0.95)]:.1f} ms")
        counts = sorted(len(s) for s in per_submission)
        print(f"  SQL statements per submission: {statistics.median(counts):.0f} (min {counts[0]}, max {counts[-1]})")
        kinds = collections.Counter(
            re.sub(r"\s+", " ", s.strip())[:110] for s in per_submission[len(per_submission) // 2]
        )
        for text, times in kinds.most_common():
            print(f"    {times:3} × {text}")

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for client, environ, fields in ready[5 + count :]:
            submit(backstage, client, environ, fields, form, scan)
        profiler.disable()
        if arguments.dump:
            profiler.dump_stats(arguments.dump)
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        layers: dict[str, float] = {}
        total = 0.0
        for (filename, _line, _function), (_cc, _nc, own, _cumulative, _callers) in stats.items():
            layers[layer(filename)] = layers.get(layer(filename), 0.0) + own
            total += own
        profiled = len(ready) - 5 - count
        print(f"\n  under the profiler: {total / profiled * 1000:.1f} ms CPU per submission; by layer (own time):")
        for label, seconds in sorted(layers.items(), key=lambda kv: -kv[1]):
            if seconds / total >= 0.01:
                print(f"    {label:<42}{seconds / profiled * 1000:7.2f} ms {seconds / total:6.1%}")
        print("  steps (cumulative CPU, per submission):")
        for label, function, fragment in STEPS:
            cumulative = max(
                (
                    value[3]
                    for (filename, _l, func), value in stats.items()
                    if func == function and fragment in filename
                ),
                default=0.0,
            )
            if cumulative:
                print(f"    {label:<42}{cumulative / profiled * 1000:7.2f} ms {cumulative / total:6.1%}")
        print("  the 25 functions with the most own time:")
        top = sorted(stats.items(), key=lambda kv: -kv[1][2])[:25]
        for (filename, line, function), (_cc, calls, own, _cum, _callers) in top:
            short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            print(f"    {own / profiled * 1000:6.2f} ms {calls // profiled:6} calls  {short}:{line} {function}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    os.environ.setdefault("PORTAL_ENV", "production")
    main()
