"""照片处理工具 (manual 三.2, 【下载照片处理工具】 on the 信息修改及材料补充 page).

A web page instead of a program to download: anyone may use it, no login. The
photo is processed in memory (``app.services.content.photo_tool``) and handed back in
the page, as a preview and in a hidden field that the download button posts
back; nothing is stored on the server.
"""

import base64
import io

from flask import Blueprint, make_response, render_template, send_file
from flask_babel import lazy_gettext as _l

from app.services.content import photo_tool
from app.services.content.photo_tool import PhotoError
from app.views.portal.forms import PhotoForm
from app.views.portal.rate_limit import limited_per_client

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


def _uploaded(form: PhotoForm) -> bytes:
    """The uploaded file's bytes, read no further than one byte past the size limit."""
    upload = form.photo.data
    if upload is None or not upload.filename:
        return b""
    return upload.stream.read(photo_tool.MAX_INPUT_BYTES + 1)


_limited = limited_per_client("photo", "PHOTO_TOOL_RATE_LIMIT_PER_MINUTE", 10)


@photo_tool_bp.route("/", methods=["GET", "POST"])
@_limited
def index():
    form = PhotoForm()
    if not form.validate_on_submit():
        return _page()
    try:
        return _page(result=photo_tool.process_photo(_uploaded(form)))
    except PhotoError as refused:
        return _page(error=refused.message, status=400)


@photo_tool_bp.route("/download", methods=["POST"])
@_limited
def download():
    """The processed JPEG as an attachment: from the page's hidden field, or straight from an upload."""
    form = PhotoForm()
    try:
        if not form.validate_on_submit():
            raise PhotoError("invalid", _l("The processed photo is missing or damaged; please process the photo again"))
        if form.photo_data.data:
            data = photo_tool.processed_photo(form.photo_data.data)
        else:
            data = photo_tool.process_photo(_uploaded(form))
    except PhotoError as refused:
        return _page(error=refused.message, status=400)
    response = send_file(
        io.BytesIO(data), mimetype="image/jpeg", as_attachment=True, download_name=DOWNLOAD_NAME, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
