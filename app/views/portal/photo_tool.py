"""照片处理工具 (manual 三.2, 【下载照片处理工具】 on the 信息修改及材料补充 page).

A web page instead of a program to download: anyone may use it, no login. The
photo is processed in memory (``app.services.content.photo_tool``) and handed back in
the page, as a preview and in a hidden field that the download button posts
back; nothing is stored on the server.
"""

import base64
import binascii
import io

from flask import Blueprint, make_response, render_template, request, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from app.services.content import photo_tool
from app.services.content.photo_tool import PhotoError

photo_tool_bp = Blueprint("photo_tool", __name__, url_prefix="/tools/photo")

DOWNLOAD_NAME = f"photo-{photo_tool.PHOTO_WIDTH}x{photo_tool.PHOTO_HEIGHT}.jpg"


def _page(result: bytes | None = None, error=None, status: int = 200):
    response = make_response(
        render_template(
            "portal/tools/photo.html",
            requirements=photo_tool.describe_requirements(),
            accepted_formats=photo_tool.ACCEPTED_LABEL,
            max_input_mb=photo_tool.MAX_INPUT_BYTES // (1024 * 1024),
            width=photo_tool.PHOTO_WIDTH,
            height=photo_tool.PHOTO_HEIGHT,
            error=error,
            result=base64.b64encode(result).decode("ascii") if result else None,
            result_kb=f"{len(result) / 1024:.1f}" if result else None,
            active_nav="services",
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"  # the page may carry the visitor's photo
    return response


def _uploaded() -> bytes:
    """The uploaded file's bytes, read no further than one byte past the size limit."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return b""
    return upload.stream.read(photo_tool.MAX_INPUT_BYTES + 1)


@photo_tool_bp.route("/", methods=["GET", "POST"])
def index():
    if request.method == "GET":
        return _page()
    try:
        return _page(result=photo_tool.process_photo(_uploaded()))
    except PhotoError as refused:
        return _page(error=refused.message, status=400)


def _processed_photo(encoded: str) -> bytes:
    """The bytes of a photo this tool produced, posted back from the page; anything else is refused."""
    refused = PhotoError("invalid", _l("The processed photo is missing or damaged; please process the photo again"))
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise refused from None
    if not data or len(data) > photo_tool.MAX_OUTPUT_BYTES:
        raise refused
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as image:
            size = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise refused from None
    if size != (photo_tool.PHOTO_WIDTH, photo_tool.PHOTO_HEIGHT):
        raise refused
    return data


@photo_tool_bp.route("/download", methods=["POST"])
def download():
    """The processed JPEG as an attachment: from the page's hidden field, or straight from an upload."""
    try:
        if request.form.get("photo_data"):
            data = _processed_photo(request.form["photo_data"])
        else:
            data = photo_tool.process_photo(_uploaded())
    except PhotoError as refused:
        return _page(error=refused.message, status=400)
    response = send_file(
        io.BytesIO(data), mimetype="image/jpeg", as_attachment=True, download_name=DOWNLOAD_NAME, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
