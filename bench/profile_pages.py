"""Where the milliseconds of an uncached page go (issue 20, item 1): cProfile on CPU time.

    python bench/profile_pages.py                         # a throw-away SQLite file, reference + demo data
    python bench/profile_pages.py --requests 300 --dump /tmp/profiles   # .prof files for snakeviz / flameprof

Builds the portal on a new SQLite database with the reference data (catalogue, guides,
settings) and the demonstration registers, turns the query page cache off, and for each page
(home, catalogue, a 办事指南, the login page, two public query pages) asks it REQUESTS times as an
anonymous visitor through the Flask test client:

1. its CPU time per request without the profiler (p50 / p95, ms; SQLite runs in-process, so
   the database is counted too), and a bare endpoint of the same application for comparison;
2. under cProfile (timer: process CPU time, so other processes' load does not count), the
   share of each layer, by the package the time is spent in (own time of its functions), and
   the cumulative time of the framework's steps (request context and session, before-request
   hooks, the view, template rendering, after-request hooks).

The profiler slows Python calls down, so its milliseconds are larger than (1); the shares are
what to read. Profiles are not kept in the repository (--dump writes them where you say).
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

LAYERS = (  # (label, path fragments): the first that matches a function's file names its layer
    ("database driver (sqlite3 / psycopg)", ("sqlite3", "psycopg")),
    ("SQLAlchemy", ("sqlalchemy",)),
    ("Jinja (templates)", ("jinja2", "<template>", "markupsafe")),
    ("Flask-AppBuilder", ("flask_appbuilder",)),
    ("Babel / flask-babel", ("babel",)),
    ("WTForms / Flask-WTF", ("wtforms", "flask_wtf")),
    ("Flask-Limiter / limits", ("flask_limiter", "limits")),
    ("Flask-Login", ("flask_login",)),
    ("Flask-Caching / redis", ("flask_caching", "redis")),
    ("Werkzeug", ("werkzeug",)),
    ("Flask", ("/flask/",)),
    ("itsdangerous (signed cookies)", ("itsdangerous",)),
    ("portal code (app/)", ("/app/",)),
)
STEPS = (  # (label, function name, file fragment): cumulative time of these framework steps
    ("whole request (wsgi_app)", "wsgi_app", "flask/app.py"),
    ("open the session", "open_session", ""),
    ("save the session", "save_session", ""),
    ("before-request hooks", "preprocess_request", "flask/app.py"),
    ("the view (dispatch_request)", "dispatch_request", "flask/app.py"),
    ("render_template", "render_template", "flask/templating.py"),
    ("after-request hooks", "process_response", "flask/app.py"),
    ("SQL statements (execute)", "execute", "sqlalchemy/engine/base.py"),
)


def build(database_url: str):
    from flask_appbuilder import Model

    from app import create_app
    from app.extensions import db
    from app.seed.demo_data import seed_reference_data
    from app.seed.demo_registers import seed_demo_registers
    from app.services.platform.roles_sync import sync_roles

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "QUERY_CACHE_SECONDS": 0,
            "QUERY_FAST_PATH": False,
            "QUERY_CAPTCHA_AFTER": 10**9,
            "QUERY_RATE_LIMIT_PER_MINUTE": 10**9,
        }
    )

    @app.route("/bench/bare")
    def bare():
        return "ok"

    with app.app_context():
        Model.metadata.create_all(db.engine)
        sync_roles(app.appbuilder)
        seed_reference_data()
        seed_demo_registers()
        db.session.commit()
    return app


def pages(app) -> dict:
    from app.extensions import db
    from app.models import EnterpriseQualification, PersonRegistration, ServiceItem

    with app.app_context():
        code = db.session.query(ServiceItem.code).order_by(ServiceItem.position).first()[0]
        person = db.session.query(PersonRegistration.holder_name).first()[0]
        company = db.session.query(EnterpriseQualification.enterprise_name, EnterpriseQualification.kind).first()
    q = urllib.parse.urlencode
    return {
        "bare endpoint": "/bench/bare",
        "home": "/",
        "catalogue": "/services/",
        "办事指南": f"/services/guide/{code}",
        "login page": "/account/login",
        "query: people by name": "/query/people?" + q({"name": person[:1]}),
        "query: enterprises by name": "/query/enterprises?" + q({"kind": company[1], "name": company[0][:2]}),
    }


def _layer(filename: str) -> str:
    for label, fragments in LAYERS:
        if any(fragment in filename for fragment in fragments):
            return label
    return "other (Python library, builtins)"


def profile(app, name: str, path: str, requests: int, dump: str | None) -> None:
    client = app.test_client()
    for _ in range(10):
        assert client.get(path).status_code == 200, path
    cpu = []
    for _ in range(requests):
        started = time.process_time()
        client.get(path)
        cpu.append((time.process_time() - started) * 1000)
    ordered = sorted(cpu)
    p50, p95 = statistics.median(ordered), ordered[int(len(ordered) * 0.95)]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    if dump:
        os.makedirs(dump, exist_ok=True)
        profiler.dump_stats(os.path.join(dump, f"{name.replace(' ', '_').replace(':', '')}.prof"))
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    layers: dict[str, float] = {}
    total = 0.0
    for (filename, _line, _function), (_cc, _nc, own, _cumulative, _callers) in stats.items():
        layers[_layer(filename)] = layers.get(_layer(filename), 0.0) + own
        total += own
    print(f"\n{name}  {path}")
    print(f"  CPU per request, no profiler: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print(f"  under the profiler: {total / requests * 1000:.2f} ms per request; by layer (own time):")
    for label, seconds in sorted(layers.items(), key=lambda kv: -kv[1]):
        if seconds / total >= 0.01:
            print(f"    {label:<40}{seconds / requests * 1000:7.2f} ms {seconds / total:6.1%}")
    print("  steps (cumulative, per request):")
    for label, function, fragment in STEPS:
        cumulative = sum(
            value[3] for (filename, _l, func), value in stats.items() if func == function and fragment in filename
        )
        if cumulative:
            print(f"    {label:<40}{cumulative / requests * 1000:7.2f} ms {cumulative / total:6.1%}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary directory")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--dump", help="write each page's profile (.prof) into this directory")
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "test")
    with tempfile.TemporaryDirectory() as directory:
        app = build(args.database_url or "sqlite:///" + os.path.join(directory, "profile.db"))
        for name, path in pages(app).items():
            profile(app, name, path, args.requests, args.dump)


if __name__ == "__main__":
    main()
