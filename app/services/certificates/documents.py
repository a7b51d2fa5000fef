"""The downloadable electronic certificate: PDF (WeasyPrint) and OFD, rendered once per endorsement.

Both are drawn from the endorsement's signed payload, never from the register
directly, so a document says exactly what was signed. The signed payload and
its signature travel inside each file (a PDF attachment, an OFD attachment), so
a downloaded copy can be checked on the verification page. Rendered files are
cached on disk under a key of (endorsement, format, layout version): an
endorsement's payload never changes, and a change in the register makes the
holder endorse again, which gives a new key.
"""

import base64
import datetime
import io
import json
import math
from functools import lru_cache

import qrcode
from flask import render_template
from PIL import Image, ImageDraw, ImageFont

from app import clock
from app.models import CertificateEndorsement
from app.services.certificates import issued_files
from app.services.certificates import lifecycle as certificates
from app.services.certificates.file_cache import cached_bytes
from app.services.certificates.fonts import FAMILY_NAME, FONT_PATH, build_font
from app.services.certificates.layout import SHORT_TITLES, PageLayout, layout_for
from app.services.certificates.ofd_writer import write_ofd
from app.services.certificates.pdf_engine import html_to_pdf

LAYOUT_VERSION = "1"
FORMATS = {"pdf": "application/pdf", "ofd": "application/ofd"}
SIGNATURE_ATTACHMENT = "certificate-signature.json"


def document(endorsement: CertificateEndorsement, fmt: str) -> bytes:
    """The certificate file in ``fmt`` ("pdf" or "ofd"), from the cache when it was rendered before."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return cached_bytes("certificates", cached_name(endorsement, fmt), lambda: render(endorsement, fmt), FORMATS[fmt])


def cached_name(endorsement: CertificateEndorsement, fmt: str) -> str:
    """The name of the rendered file in the file store's "certificates" area."""
    return f"{endorsement.id}-{endorsement.public_code}-v{LAYOUT_VERSION}.{fmt}"


def issue(endorsement: CertificateEndorsement, fmt: str) -> bytes:
    """The file handed to the holder: ``document``, its digest recorded (the caller commits)."""
    data = document(endorsement, fmt)
    issued_files.record(endorsement, fmt, data)
    return data


def file_name(endorsement: CertificateEndorsement, fmt: str) -> str:
    payload = json.loads(endorsement.payload)["certificate"]
    return f"{payload['registration_number']}-{payload['holder_name']}.{fmt}"


def page_of(endorsement: CertificateEndorsement, generated: datetime.datetime | None = None) -> PageLayout:
    payload = json.loads(endorsement.payload)
    generated = generated or clock.now()
    local = clock.in_china(generated)
    return layout_for(
        payload,
        certificates.purpose_text(endorsement),
        local.strftime("%Y-%m-%d %H:%M（北京时间）"),
        qr_png(certificates.verification_url(endorsement)),
        seal_png(payload["certificate"]["authority"]),
    )


def signature_attachment(endorsement: CertificateEndorsement) -> bytes:
    return json.dumps(
        {
            "payload": endorsement.payload,
            "signature": endorsement.signature,
            "key_id": endorsement.key_id,
            "algorithm": "SM2-with-SM3",
        },
        ensure_ascii=False,
    ).encode("utf-8")


def render(endorsement: CertificateEndorsement, fmt: str) -> bytes:
    page = page_of(endorsement)
    font = build_font(page.all_text())
    if fmt == "pdf":
        return render_pdf(page, font, signature_attachment(endorsement))
    payload = json.loads(endorsement.payload)["certificate"]
    return write_ofd(
        page,
        font,
        title=page.title,
        author=payload["authority"],
        custom_data={"证照编号": payload["number"], "注册编号": payload["registration_number"]},
        attachments={SIGNATURE_ATTACHMENT: signature_attachment(endorsement)},
        created=clock.today(),
    )


def render_pdf(page: PageLayout, font: bytes, signature: bytes | None = None) -> bytes:
    html = render_template(
        "certificates/page.html",
        page=page,
        family=FAMILY_NAME,
        font_b64=base64.b64encode(font).decode("ascii"),
        pictures={p.name: base64.b64encode(p.png).decode("ascii") for p in page.pictures},
    )
    return html_to_pdf(html, {SIGNATURE_ATTACHMENT: signature} if signature else None)


@lru_cache(maxsize=512)
def qr_png(text: str) -> bytes:
    # A fixed mask pattern: choosing the best of eight costs more than the rest of an OFD.
    code = qrcode.QRCode(box_size=8, border=1, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2)
    code.add_data(text)
    image = code.make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=8)
def seal_png(authority: str, purpose: str = "电子证照专用章") -> bytes:
    """The issuing authority's electronic seal: a red ring, a star, the name along the upper arc, its purpose below."""
    size, red = 480, (205, 30, 30, 215)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    draw.ellipse((12, 12, size - 12, size - 12), outline=red, width=14)
    star = []
    for index in range(10):
        radius = 62 if index % 2 == 0 else 25
        angle = math.radians(-90 + index * 36)
        star.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(FONT_PATH), 44)
    text = authority[:18]
    span = 240.0  # degrees of arc the name covers, centred on the top
    for index, character in enumerate(text):
        angle = -90 - span / 2 + span * (index + 0.5) / len(text)
        glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((30, 30), character, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = centre + 170 * math.cos(math.radians(angle)) - 30
        y = centre + 170 * math.sin(math.radians(angle)) - 30
        image.alpha_composite(glyph, (int(x), int(y)))
    bottom = ImageFont.truetype(str(FONT_PATH), 34)
    draw.text((centre, centre + 120), purpose, font=bottom, fill=red, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def preview_png(certificate, width: int = 360) -> bytes:
    """A small picture of the certificate for the 电子证照管理 page (no endorsement window, no QR code)."""
    data = certificates.certificate_data(certificate)
    height = int(width * 297 / 210)
    blue = {
        "constructor_1": (20, 70, 140),
        "construction_enterprise": (20, 100, 70),
        "real_estate_enterprise": (20, 100, 70),
    }.get(data["kind"], (150, 30, 30))
    image = Image.new("RGB", (width, height), (252, 250, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, width - 7, height - 7), outline=blue, width=4)
    title_font = ImageFont.truetype(str(FONT_PATH), int(width / 17))
    body_font = ImageFont.truetype(str(FONT_PATH), int(width / 24))
    title = SHORT_TITLES[data["kind"]]
    draw.text((width / 2, height * 0.1), title, font=title_font, fill=blue, anchor="mm")
    draw.text((width / 2, height * 0.16), "（电子证书）", font=body_font, fill=blue, anchor="mm")
    lines = [
        ("姓名", data["holder_name"]),
        ("注册编号", data["registration_number"]),
        ("聘用企业", data["employer"][:14]),
        ("有效期至", data["registration_valid_to"]),
    ]
    if data.get("uscc"):  # an enterprise's qualification certificate
        lines = [
            ("企业名称", data["holder_name"][:14]),
            ("证书编号", data["registration_number"]),
            ("副本号", str(data.get("copy", 1))),
            ("有效期至", data["registration_valid_to"]),
        ]
    for index, (label, value) in enumerate(lines):
        y = height * (0.28 + index * 0.09)
        draw.text((width * 0.1, y), f"{label}：{value}", font=body_font, fill=(40, 40, 40))
    seal = Image.open(io.BytesIO(seal_png(data["authority"]))).resize((int(width * 0.32),) * 2)
    image.paste(seal, (int(width * 0.58), int(height * 0.66)), seal)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
