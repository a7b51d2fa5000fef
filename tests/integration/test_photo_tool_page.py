"""照片处理工具 page (/tools/photo/): open to everyone, nothing stored, errors beside the field."""

import base64
import io
import os
import re

import pytest
from PIL import Image

from app.views.portal.photo_tool import DOWNLOAD_NAME


def picture(fmt="JPEG", size=(900, 1200), color=(60, 110, 170), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(client, data: bytes, filename="me.jpg", url="/tools/photo/"):
    return client.post(url, data={"photo": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def jpeg_of(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def english(client):
    client.get("/language/en")
    return client


def test_the_page_loads_without_login_and_states_the_requirements(english):
    response = english.get("/tools/photo/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Photo processing tool" in html
    assert "295 × 413" in html and "100 KB" in html and "JPG" in html and "white" in html
    assert 'enctype="multipart/form-data"' in html and 'name="photo"' in html
    assert 'name="csrf_token"' in html
    assert "js/photo-tool.js" in html


def test_the_page_is_in_chinese_by_default(client):
    response = client.get("/tools/photo/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_the_tool_has_its_address(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("photo_tool.index") == "/tools/photo/"


def test_an_upload_shows_the_processed_photo_and_keeps_nothing(english, monkeypatch):
    from app.services.platform import storage

    def no_storing(*args, **kwargs):
        raise AssertionError("the photo tool must not store anything")

    monkeypatch.setattr(storage, "save", no_storing)
    response = upload(english, picture())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    preview = re.search(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', html)
    assert preview, "the processed photo is shown as a data URL"
    photo = jpeg_of(base64.b64decode(preview.group(1)))
    assert photo.format == "JPEG" and photo.size == (295, 413)
    hidden = re.search(r'name="photo_data" value="([A-Za-z0-9+/=]+)"', html)
    assert hidden and hidden.group(1) == preview.group(1)
    assert 'action="/tools/photo/download"' in html


def test_the_download_returns_the_jpeg_as_an_attachment(english):
    html = upload(english, picture("PNG", mode="RGBA", color=(0, 0, 0, 0)), "me.png").get_data(as_text=True)
    encoded = re.search(r'name="photo_data" value="([A-Za-z0-9+/=]+)"', html).group(1)
    response = english.post("/tools/photo/download", data={"photo_data": encoded})
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"] == f"attachment; filename={DOWNLOAD_NAME}"
    assert DOWNLOAD_NAME == "photo-295x413.jpg"
    photo = jpeg_of(response.data)
    assert photo.size == (295, 413) and photo.getpixel((0, 0)) == (255, 255, 255)
    assert len(response.data) <= 100 * 1024


def test_the_download_also_takes_an_upload_directly(english):
    noisy = Image.frombytes("RGB", (3000, 4000), os.urandom(3000 * 4000 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=60)
    response = upload(english, buffer.getvalue(), url="/tools/photo/download")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert jpeg_of(response.data).size == (295, 413) and len(response.data) <= 100 * 1024


@pytest.mark.parametrize(
    "photo_data",
    [
        "not base64!",
        base64.b64encode(b"<script>alert(1)</script>").decode(),
        base64.b64encode(picture(size=(800, 600))).decode(),  # a JPEG, but not one this tool made
    ],
)
def test_the_download_refuses_anything_but_a_processed_photo(english, photo_data):
    response = english.post("/tools/photo/download", data={"photo_data": photo_data})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "please process the photo again" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"this is not a picture", "notes.jpg", "This is not a picture in an accepted format"),
        (b"%PDF-1.4\n%%EOF", "form.pdf", "This is not a picture in an accepted format"),
        (picture(size=(60, 80)), "tiny.jpg", "The picture is too small"),
        (b"\xff\xd8" + b"\0" * (10 * 1024 * 1024), "big.jpg", "The file is larger than 10 MB"),
    ],
)
def test_a_bad_upload_shows_the_error_beside_the_field(english, data, filename, message):
    response = upload(english, data, filename)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    field = re.search(r'<div class="form-row has-error" id="row-photo">(.*?)</div>\s*</div>', html, re.S)
    assert field, "the photo row is marked as wrong"
    assert message in field.group(1)
    assert 'aria-invalid="true"' in field.group(1)
    assert "data:image/jpeg" not in html


def test_submitting_without_a_file_asks_for_one(english):
    response = english.post("/tools/photo/", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Please choose a photo to upload" in response.get_data(as_text=True)


def test_the_upload_needs_the_csrf_token_when_protection_is_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = upload(client, picture())
        assert response.status_code == 400
        assert "data:image/jpeg" not in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
