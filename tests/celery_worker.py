"""A real Celery worker (with beat embedded) for tests: ``celery -A app.worker worker --beat``, as ``make worker``.

It runs in its own process on a private redis-server (tests/private_redis.py) and the test database, with the
environment given; it is stopped by its own PID (then its process group, which holds beat), never by name.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


class CeleryWorker:
    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.log_path = tmp_path / "worker.log"
        environment = os.environ | {"PYTHONPATH": str(PROJECT_DIR), "PORTAL_ENV": "test"} | env
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app.worker", "worker", "--beat", "-l", "info"]
            + ["--pool", "solo", "--without-mingle", "--without-gossip", "-s", str(tmp_path / "beat-schedule")],
            cwd=PROJECT_DIR,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition, what: str, timeout: float = 20.0):
        """Poll ``condition`` until it returns something true (the worker works at its own pace)."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError(f"the worker stopped while waiting for {what}:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout} s; the worker said:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:  # beat, embedded, is a child of the worker: its group is this worker's own
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._log.close()
