"""Where the milliseconds of an uncached page go (issue 20, item 1): cProfile on CPU time.

    python bench/profile_pages.py                         # a throw-away SQLite file, 20,000 persons
    python bench/profile_pages.py --only 我的办件 --requests 300 --dump /tmp/profiles   # .prof files

Loads the portal as bench/pages.py does (registers, reference data, a citizen with 1,000 cases, an
acceptance officer, an administrator), turns the query page cache and fast path off, and for each of
bench/pages.py's pages (home, catalogue, a 办事指南, the login page, the two public query pages, the user
centre, 我的办件, the application form, the staff queue and Flask-AppBuilder's list view as the peer) asks
it REQUESTS times through the Flask test client, as the visitor it is for (signed in where it must be):

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


def build(database_url: str, persons: int, companies: int, cases: int):
    """The portal as bench/pages.py loads it (registers, reference data, a citizen with ``cases`` cases, an
    acceptance officer, an administrator); the page cache and the query fast path off."""
    from bench.pages import load
    from bench.queries import prepare_database
    from bench.wsgi import make_app

    prepare_database(database_url)
    app = make_app(database_url)
    app.config.update(QUERY_CACHE_SECONDS=0, QUERY_FAST_PATH=False)
    loaded = load(app, persons, companies, cases)
    loaded["cases"] = cases
    return app, loaded


def clients(app) -> dict:
    """A test client for each kind of visitor: anonymous, a citizen past the face check, an officer, an admin."""
    from bench.pages import _pass_face_check, _sign_in_in_process

    signed_in = {who: _sign_in_in_process(app, who) for who in ("citizen", "officer", "admin")}
    _pass_face_check(app, lambda path: signed_in["citizen"].get(path).get_data(as_text=True))
    return {None: app.test_client(), **signed_in}


def _layer(filename: str) -> str:
    for label, fragments in LAYERS:
        if any(fragment in filename for fragment in fragments):
            return label
    return "other (Python library, builtins)"


def profile(client, name: str, paths: list, requests: int, dump: str | None) -> None:
    for path in paths[:10]:
        assert client.get(path).status_code == 200, path
    cpu = []
    for n in range(requests):
        started = time.process_time()
        client.get(paths[n % len(paths)])
        cpu.append((time.process_time() - started) * 1000)
    ordered = sorted(cpu)
    p50, p95 = statistics.median(ordered), ordered[int(len(ordered) * 0.95)]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for n in range(requests):
        client.get(paths[n % len(paths)])
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
    print(f"\n{name}  {paths[0]}")
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
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--companies", type=int, default=4_000)
    parser.add_argument("--cases", type=int, default=1_000, help="cases of the one citizen (我的办件)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", help="profile only the pages whose name contains this")
    parser.add_argument("--dump", help="write each page's profile (.prof) into this directory")
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "production")
    from bench.pages import page_paths

    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or "sqlite:///" + os.path.join(directory, "profile.db")
        app, loaded = build(url, args.persons, args.companies, args.cases)
        visitors = clients(app)
        for name, (who, paths) in page_paths(loaded).items():
            if args.only and args.only not in name:
                continue
            profile(visitors[who], name, paths, args.requests, args.dump)


if __name__ == "__main__":
    main()
