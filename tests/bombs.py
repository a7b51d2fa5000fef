"""Files that inflate: a certificate package (OFD) or PDF whose signature unpacks to 1 GiB, and a picture with
too many pixels. Shared by tests/integration/test_upload_bombs.py and the attack suite (tests/security)."""

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import NameObject

from app.services.certificates.documents import SIGNATURE_ATTACHMENT

GIB = 1 << 30
MEMORY_BOUND = 100 * 1024 * 1024


def deflate_gib() -> tuple[bytes, int]:
    """1 GiB of zeros, zlib-compressed (about 1 MB), and its CRC-32 (a few seconds: compute it once)."""
    compressor, chunk, crc = zlib.compressobj(9), bytes(1 << 20), 0
    parts = []
    for _ in range(GIB >> 20):
        parts.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def ofd_bomb(deflated_gib) -> bytes:
    """An OFD-like package whose signature entry honestly declares and unpacks to 1 GiB."""
    compressed, crc = deflated_gib
    raw = compressed[2:-4]  # the raw deflate stream inside the zlib wrapper
    name = f"Doc_0/Attachs/{SIGNATURE_ATTACHMENT}".encode()
    sizes = struct.pack("<III", crc, len(raw), GIB)
    local = b"PK\x03\x04" + struct.pack("<HHHHH", 20, 0, 8, 0, 0) + sizes + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<HHHHHH", 20, 20, 0, 8, 0, 0)
        + sizes
        + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local) + len(raw), 0)
    return local + raw + central + end


def pdf_bomb(deflated_gib) -> bytes:
    """A PDF whose signature attachment is a FlateDecode stream of 1 GiB."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment(SIGNATURE_ATTACHMENT, b"{}")
    for stream in writer._objects:
        if stream is not None and stream.get("/Type") == "/EmbeddedFile":
            stream._data = deflated_gib[0]
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_of(width: int, height: int) -> bytes:
    """A real PNG of width × height grey pixels (small on disk: one colour compresses well)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (width, height), 200).save(out, "PNG")
    return out.getvalue()
