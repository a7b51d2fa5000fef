"""Uploads that inflate (issue 14, item 10): a ZIP or PDF bomb on the public 证照核验 page and a picture with
too many pixels in the photo tool are refused before they cost memory; both tools limit each client."""

import io
import re
import struct
import time
import tracemalloc

import pytest

from app.services.certificates import verification
from app.services.certificates.documents import SIGNATURE_ATTACHMENT
from app.services.errors import ServiceError
from tests.bombs import MEMORY_BOUND, deflate_gib, ofd_bomb, pdf_bomb, png_of


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture(scope="module")
def deflated_gib():
    """1 GiB of zeros, zlib-compressed, and its CRC-32 (computed once for the module)."""
    return deflate_gib()


def refused_within_bounds(data: bytes) -> ServiceError:
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ServiceError) as refused:
            verification.verify_file(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.0f} MB"
    return refused.value


@pytest.mark.parametrize("make", [ofd_bomb, pdf_bomb], ids=["ofd", "pdf"])
def test_a_certificate_file_that_unpacks_to_a_gibibyte_is_refused_quickly_and_in_little_memory(
    app, db, deflated_gib, make
):
    data = make(deflated_gib)
    assert len(data) < verification.UPLOAD_LIMIT_BYTES
    with app.test_request_context():
        refused = refused_within_bounds(data)
    assert set(refused.errors) == {"document"}
    assert "解压" in str(refused.errors["document"])


def test_the_bomb_on_the_public_page_gets_the_chinese_message(client, db, deflated_gib):
    response = client.post(
        "/certificates/verify",
        data={"document": (io.BytesIO(ofd_bomb(deflated_gib)), "c.ofd")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "文件解压后的数据远超电子证照的大小，未予核验" in text(response)


def test_a_signature_entry_declared_small_but_larger_is_read_no_further_than_the_cap(app, db, deflated_gib):
    data = bytearray(ofd_bomb(deflated_gib))
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 100)  # the central directory now declares 100 bytes
    with app.test_request_context():
        tracemalloc.start()
        try:
            with pytest.raises(ServiceError):
                verification.verify_file(bytes(data))
            assert tracemalloc.get_traced_memory()[1] < MEMORY_BOUND
        finally:
            tracemalloc.stop()


def test_a_signature_whose_payload_is_not_text_is_not_a_certificate(app, db):
    import json
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            f"Doc_0/Attachs/{SIGNATURE_ATTACHMENT}", json.dumps({"payload": {"a": 1}, "signature": "00" * 64})
        )
    with app.test_request_context(), pytest.raises(ServiceError) as refused:
        verification.verify_file(out.getvalue())
    assert "不是本门户签发的电子证照" in str(refused.value.errors["document"])


# --- the photo tool -------------------------------------------------------------------------------


def test_a_40_megapixel_png_is_refused_before_it_is_decoded(client):
    data = png_of(8000, 5000)
    assert len(data) < 200 * 1024
    client.get("/language/zh")
    tracemalloc.start()
    try:
        response = client.post(
            "/tools/photo/", data={"photo": (io.BytesIO(data), "big.png")}, content_type="multipart/form-data"
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400 and "像素过多" in text(response)
    assert peak < 30 * 1024 * 1024


def test_the_photo_tool_limits_each_client(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_TOOL_RATE_LIMIT_PER_MINUTE", 3)
    statuses = [client.post("/tools/photo/", data={}, content_type="multipart/form-data").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]  # 400: no photo chosen
    other = client.post(
        "/tools/photo/", data={}, content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other.status_code == 400
    assert client.get("/tools/photo/").status_code == 200  # the page itself is not counted


def test_the_certificate_check_limits_each_client(client, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_CHECK_RATE_LIMIT_PER_MINUTE", 2)
    statuses = [
        client.post("/certificates/verify", data={}, content_type="multipart/form-data").status_code for _ in range(3)
    ]
    assert statuses == [422, 422, 429]
