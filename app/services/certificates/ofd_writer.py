"""A writer of OFD documents (GB/T 33190-2016) for one-page layouts.

The package holds OFD.xml (document info, with custom data), Doc_0/Document.xml
(page area, resources, page list), Doc_0/PublicRes.xml (the embedded font),
Doc_0/DocumentRes.xml (the images), Doc_0/Res/* and the page's Content.xml,
where every line is a TextObject with real character codes and per-glyph
advances (DeltaX), so the text is searchable and copyable, frames are
PathObjects and pictures are ImageObjects. Units are millimetres, y downwards.
"""

import datetime
import io
import math
import uuid
import zipfile
from xml.sax.saxutils import escape, quoteattr

from app import clock
from app.services.certificates.layout import PAGE_HEIGHT, PAGE_WIDTH, PageLayout, TextRun

NS = "http://www.ofdspec.org/2016"
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _color(rgb: tuple) -> str:
    return " ".join(str(int(c)) for c in rgb)


class _Ids:
    def __init__(self):
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def _text_object(run: TextRun, object_id: int, font_id: int) -> str:
    advances = run.advances
    delta_x = " ".join(_n(a) for a in advances[:-1])
    width = max(run.width, 0.1) + 1
    if run.angle:
        # Rotate around the run's origin; the boundary is made tall enough to hold the turned line.
        lift = run.width * abs(math.sin(math.radians(run.angle))) + run.size
        a, b = math.cos(math.radians(run.angle)), math.sin(math.radians(run.angle))
        boundary = f"{_n(run.x)} {_n(run.y - lift)} {_n(width)} {_n(lift + run.size * 2)}"
        ctm = f' CTM="{_n(a)} {_n(b)} {_n(-b)} {_n(a)} 0 {_n(lift)}"'
    else:
        boundary = f"{_n(run.x)} {_n(run.y)} {_n(width)} {_n(run.size * 1.2)}"
        ctm = ""
    delta = f' DeltaX="{delta_x}"' if delta_x else ""
    return (
        f'<ofd:TextObject ID="{object_id}" Boundary="{boundary}" Font="{font_id}" Size="{_n(run.size)}"{ctm}>'
        f'<ofd:FillColor Value="{_color(run.color)}"/>'
        f'<ofd:TextCode X="0" Y="{_n(run.baseline)}"{delta}>{escape(run.text)}</ofd:TextCode>'
        f"</ofd:TextObject>"
    )


def write_ofd(
    page: PageLayout,
    font: bytes,
    *,
    title: str,
    author: str,
    custom_data: dict[str, str] | None = None,
    attachments: dict[str, bytes] | None = None,
    created: datetime.date | None = None,
) -> bytes:
    """The OFD package of ``page``, with ``font`` (an OpenType font holding every character) embedded."""
    ids = _Ids()
    font_id = ids.next()
    media = []  # (id, file name, png)
    for picture in page.pictures:
        media.append((ids.next(), f"image_{picture.name}.png", picture.png))
    page_id = ids.next()
    layer_id = ids.next()
    objects = []
    for frame in page.frames:
        path = (
            f"M 0 0 L {_n(frame.width)} 0 L {_n(frame.width)} {_n(frame.height)} L 0 {_n(frame.height)} C"
            if frame.height
            else f"M 0 0 L {_n(frame.width)} 0"
        )
        objects.append(
            f'<ofd:PathObject ID="{ids.next()}" Boundary="{_n(frame.x)} {_n(frame.y - 1)} {_n(frame.width + 1)} '
            f'{_n(frame.height + 2)}" LineWidth="{_n(frame.line_width)}" Stroke="true" Fill="false" '
            f'CTM="1 0 0 1 0 1"><ofd:StrokeColor Value="{_color(frame.color)}"/>'
            f"<ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>"
        )
    for run in page.watermarks + page.runs:
        objects.append(_text_object(run, ids.next(), font_id))
    for picture, (media_id, _, _) in zip(page.pictures, media):
        objects.append(
            f'<ofd:ImageObject ID="{ids.next()}" Boundary="{_n(picture.x)} {_n(picture.y)} {_n(picture.width)} '
            f'{_n(picture.height)}" CTM="{_n(picture.width)} 0 0 {_n(picture.height)} 0 0" ResourceID="{media_id}"/>'
        )
    attachment_ids = {name: ids.next() for name in (attachments or {})}
    box = f"0 0 {_n(PAGE_WIDTH)} {_n(PAGE_HEIGHT)}"
    content = (
        f'{HEADER}<ofd:Page xmlns:ofd="{NS}"><ofd:Area><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:Area>'
        f'<ofd:Content><ofd:Layer ID="{layer_id}" Type="Body">{"".join(objects)}</ofd:Layer>'
        f"</ofd:Content></ofd:Page>"
    )
    document = (
        f'{HEADER}<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{ids.last}</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>{box}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        f'</ofd:CommonData><ofd:Pages><ofd:Page ID="{page_id}" BaseLoc="Pages/Page_0/Content.xml"/>'
        f"</ofd:Pages>"
        + ("<ofd:Attachments>Attachments.xml</ofd:Attachments>" if attachments else "")
        + "</ofd:Document>"
    )
    public_res = (
        f'{HEADER}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="{font_id}" FontName="PortalSans" FamilyName="PortalSans">'
        f"<ofd:FontFile>font_{font_id}.ttf</ofd:FontFile></ofd:Font></ofd:Fonts></ofd:Res>"
    )
    document_res = (
        f'{HEADER}<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias>'
        + "".join(
            f'<ofd:MultiMedia ID="{media_id}" Type="Image" Format="PNG">'
            f"<ofd:MediaFile>{name}</ofd:MediaFile></ofd:MultiMedia>"
            for media_id, name, _ in media
        )
        + "</ofd:MultiMedias></ofd:Res>"
    )
    custom = "".join(
        f"<ofd:CustomData Name={quoteattr(k)}>{escape(v)}</ofd:CustomData>" for k, v in (custom_data or {}).items()
    )
    created = created or clock.today()
    root = (
        f'{HEADER}<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{uuid.uuid4().hex}</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>"
        f"<ofd:Author>{escape(author)}</ofd:Author><ofd:CreationDate>{created.isoformat()}</ofd:CreationDate>"
        f"<ofd:Creator>住房和城乡建设部政务服务门户</ofd:Creator>"
        + (f"<ofd:CustomDatas>{custom}</ofd:CustomDatas>" if custom else "")
        + "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", root)
        package.writestr("Doc_0/Document.xml", document)
        package.writestr("Doc_0/PublicRes.xml", public_res)
        package.writestr("Doc_0/DocumentRes.xml", document_res)
        package.writestr("Doc_0/Pages/Page_0/Content.xml", content)
        package.writestr(f"Doc_0/Res/font_{font_id}.ttf", font)
        for _, name, png in media:
            package.writestr(f"Doc_0/Res/{name}", png, compress_type=zipfile.ZIP_STORED)
        if attachments:
            entries = "".join(
                f'<ofd:Attachment ID="{attachment_ids[name]}" Name={quoteattr(name)} Format="json" Visible="false">'
                f"<ofd:FileLoc>Attachs/{escape(name)}</ofd:FileLoc></ofd:Attachment>"
                for name in attachments
            )
            package.writestr(
                "Doc_0/Attachments.xml", f'{HEADER}<ofd:Attachments xmlns:ofd="{NS}">{entries}</ofd:Attachments>'
            )
            for name, data in attachments.items():
                package.writestr(f"Doc_0/Attachs/{name}", data)
    return out.getvalue()
