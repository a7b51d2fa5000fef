"""gunicorn settings of one portal instance: ``gunicorn -c deploy/gunicorn.conf.py run:app``.

Every value can be set from the environment (systemd ``EnvironmentFile``, Compose ``environment``):

PORTAL_BIND          address to listen on (default 127.0.0.1:8000; nginx is the only client)
WEB_CONCURRENCY      worker processes (default CPUs + 1, at most 12)
GUNICORN_THREADS     threads per worker (default 4; gthread workers). A submission spends a third of its time or
                     more waiting for PostgreSQL, Redis and the S3 store (bench/README.md): a thread waiting frees
                     the worker's CPU for another request, and the worker keeps nginx's upstream connections
                     alive (sync workers close every connection). GUNICORN_THREADS=1 gives the old sync workers.
GUNICORN_TIMEOUT     seconds a worker may spend on one request before it is killed and replaced (default 60:
                     the longest legitimate request is a 20 MB upload plus a certificate rendering)
FORWARDED_ALLOW_IPS  addresses whose X-Forwarded-* headers gunicorn believes (default 127.0.0.1: nginx on the
                     same machine). The portal itself believes TRUSTED_PROXIES hops (werkzeug ProxyFix), which
                     is what its per-client limits use; keep the two in agreement.
GUNICORN_ACCESS_LOG  "-" (stdout, the default: journald or docker logs), a file path, or "off" (the default with
                     LOG_FORMAT=json: the portal's own JSON line per request replaces it)
PROMETHEUS_MULTIPROC_DIR
                     where the workers write their metrics for /metrics to add up (prometheus-client's
                     multiprocess mode); one directory per instance, emptied at start. Default: a new temporary
                     directory (systemd: RuntimeDirectory=, see deploy/systemd/portal-web@.service)
"""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or min(multiprocessing.cpu_count() + 1, 12)
threads = max(int(os.environ.get("GUNICORN_THREADS", "4")), 1)
# The application is already served by threads under `make run` (werkzeug's threaded server); the database pool
# (SQLAlchemy's 5 + 10 overflow per process) covers 4 threads.
worker_class = "gthread" if threads > 1 else "sync"
# A worker that has served this many requests is replaced (with jitter, so that they are not replaced together):
# bounds slow growth of memory (WeasyPrint, PIL) without a restart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))  # SIGTERM: finish what is in hand
keepalive = 5  # gthread: nginx's upstream connections (keepalive in the upstream block) stay open this long idle
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
limit_request_line = 8190
# The application is loaded in each worker (not the master): database and Redis connections are never
# shared across a fork.
preload_app = False

# With LOG_FORMAT=json the portal writes its own line per request (app/platform/request_observer.py): no access log.
_json_logs = os.environ.get("LOG_FORMAT", "").strip().lower() == "json"
_access = os.environ.get("GUNICORN_ACCESS_LOG", "off" if _json_logs else "-")
accesslog = None if _access == "off" else _access
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address (as nginx passed it on), the request line without its query string (a query string can carry a
# searched name: never logged), status, size, microseconds, and the request id nginx made.
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus rid=%({x-request-id}i)s'
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal-web")

# Metrics (app/metrics.py): every worker writes its counters to files in this directory and a scrape of any worker
# adds them up. Set here, before the workers start (prometheus-client reads it when it is first imported).
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")


def on_starting(server):
    """Counters start again with the instance: what a previous run left in the directory is removed."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(server, worker):
    """A worker that ended (max_requests, timeout, crash): its live gauges (database pool) no longer count."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
