"""Upload bombs on the two public upload forms: the 证照核验 upload (an OFD package and a PDF whose signature
unpacks to 1 GiB) and the photo tool (pictures of 40 and 900 million pixels, as an upload and as the processed
photo posted back). Each is refused with its message; the memory each costs is measured twice: the Python heap
(tracemalloc) in this process, and the resident set (ru_maxrss, which counts the C libraries' memory too) of a
fresh process that receives all of them. The peaks go into the suite's summary."""

import base64
import io
import json
import os
import re
import struct
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest

from tests.bombs import MEMORY_BOUND, deflate_gib, ofd_bomb, pdf_bomb, png_of

RSS_BOUND = 150 * 1024 * 1024  # the resident set a bomb may add to a worker's peak
ROOT = Path(__file__).resolve().parents[2]


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def forged_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels (its data stream is a few bytes)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    """name → (url, form data builder, expected status, words of the expected message)."""
    deflated = deflate_gib()
    files = {
        "OFD unpacking to 1 GiB": ofd_bomb(deflated),
        "PDF unpacking to 1 GiB": pdf_bomb(deflated),
        "PNG of 40 megapixels": png_of(8000, 5000),
        "PNG claiming 900 megapixels": forged_png(30000, 30000),
    }
    folder = tmp_path_factory.mktemp("bombs")
    for name, data in files.items():
        (folder / (re.sub(r"\W+", "-", name) + ".bin")).write_bytes(data)
    return files, folder


def requests_for(files):
    """(name, url, data) of every bomb as the public pages receive them."""
    for name, data in files.items():
        if name.startswith(("OFD", "PDF")):
            yield name, "/certificates/verify", {"document": (io.BytesIO(data), "c.ofd")}
        else:
            yield name, "/tools/photo/", {"photo": (io.BytesIO(data), "photo.png")}
            if "900" in name:
                encoded = "data:image/png;base64," + base64.b64encode(data).decode()
                yield name + " (posted back)", "/tools/photo/download", {"photo_data": encoded}


EXPECTED = {
    "/certificates/verify": (422, "文件解压后的数据远超电子证照的大小，未予核验"),
    "/tools/photo/": (400, "像素过多"),
    "/tools/photo/download": (400, ""),
}


def test_every_bomb_is_refused_with_its_message_in_little_python_memory(client, db, app, bombs, ledger, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_TOOL_RATE_LIMIT_PER_MINUTE", 1000)
    monkeypatch.setitem(app.config, "CERTIFICATE_CHECK_RATE_LIMIT_PER_MINUTE", 1000)
    client.get("/language/zh")
    files, _folder = bombs
    for name, url, data in requests_for(files):
        tracemalloc.start()
        try:
            response = client.post(url, data=data, content_type="multipart/form-data")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        ledger.bomb_peaks[f"{name} → {url} (Python heap)"] = peak
        status, message = EXPECTED[url]
        assert response.status_code == status, (name, response.status_code)
        assert message in text(response), name
        assert peak < MEMORY_BOUND, f"{name}: {peak / 1e6:.0f} MB"


CHILD = r"""
import io, json, os, resource, sys, tempfile
os.environ["PORTAL_ENV"] = "test"
sys.path.insert(0, os.getcwd())
from app import create_app
from flask_appbuilder import Model
from app.extensions import db

folder = sys.argv[1]
work = tempfile.mkdtemp()
app = create_app({
    "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(work, "bombs.db"),
    "CERTIFICATE_SIGNING_KEY_PATH": os.path.join(work, "key.json"),
    "CERTIFICATE_CACHE_DIR": work, "NOTICE_CACHE_DIR": work,
    "PHOTO_TOOL_RATE_LIMIT_PER_MINUTE": 1000, "CERTIFICATE_CHECK_RATE_LIMIT_PER_MINUTE": 1000,
})
with app.app_context():
    Model.metadata.create_all(db.engine)
client = app.test_client()
client.get("/tools/photo/")
client.post("/certificates/verify", data={}, content_type="multipart/form-data")
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
answers = {"baseline": rss()}
for name in sorted(os.listdir(folder)):
    data = open(os.path.join(folder, name), "rb").read()
    url = "/certificates/verify" if name.startswith(("OFD", "PDF")) else "/tools/photo/"
    field = "document" if url == "/certificates/verify" else "photo"
    status = client.post(url, data={field: (io.BytesIO(data), "f.bin")}, content_type="multipart/form-data").status_code
    answers[name] = [status, rss()]
# The instrument's check: 300 MB held above the peak so far must show. The peak (ru_maxrss) may lie well above
# what is resident now (start-up's transient memory is given back), so the control first fills that gap.
resident = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize()
control = bytearray(max(0, rss() - resident) + 300 * 1024 * 1024)
control[::4096] = b"x" * len(control[::4096])
answers["control"] = rss()
print(json.dumps(answers))
"""


def test_all_the_bombs_add_little_to_a_fresh_workers_resident_memory(bombs, ledger):
    _files, folder = bombs
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PORTAL_ENV": "test"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    baseline = answers.pop("baseline")
    control = answers.pop("control")
    assert len(answers) == 4
    for name, (status, _rss) in answers.items():
        assert status in (400, 422), (name, status)
    added = max(rss for _status, rss in answers.values()) - baseline
    ledger.bomb_peaks["all four in a fresh worker (resident set added)"] = added
    assert added < RSS_BOUND, f"{added / 1e6:.0f} MB"
    # The measure sees memory: 300 MB held after the bombs raise the peak past the bound.
    assert control - baseline > RSS_BOUND
