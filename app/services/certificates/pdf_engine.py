"""HTML to PDF with WeasyPrint, imported without its side effect on Pillow.

Importing WeasyPrint sets ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True`` for the
whole process, after which Pillow would quietly accept half-uploaded photos
everywhere (the photo tool, upload checks). The flag is put back as it was; the
images WeasyPrint draws here (QR codes, seals) are generated whole by the portal.
It is also imported lazily: it loads Pango, which no other page needs.
"""

from functools import lru_cache


@lru_cache(maxsize=1)
def _weasyprint():
    from PIL import ImageFile

    keep = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = keep
    return weasyprint


def html_to_pdf(html: str, attachments: dict[str, bytes] | None = None) -> bytes:
    """The PDF of ``html``; ``attachments`` (name -> bytes) are embedded as PDF file attachments."""
    weasyprint = _weasyprint()
    files = [weasyprint.Attachment(string=data, name=name) for name, data in (attachments or {}).items()]
    return weasyprint.HTML(string=html).write_pdf(attachments=files)
