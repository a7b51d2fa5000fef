"""照片处理工具 service: any photo in, a 295×413 JPEG of at most 100 KB on white out."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image

from app.services.content import photo_tool
from app.services.content.photo_tool import PhotoError, describe_requirements, process_photo

SIZE = (295, 413)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close(pixel, expected, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces width × height pixels but holds almost no data (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_transparent_png_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (600, 840), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (200, 200, 400, 600))
    result = decode(process_photo(encode(image, "PNG")))
    assert result.format == "JPEG" and result.mode == "RGB" and result.size == SIZE
    for corner in ((0, 0), (294, 0), (0, 412), (294, 412)):
        assert close(result.getpixel(corner), (255, 255, 255), 3), corner
    assert close(result.getpixel((147, 206)), (200, 30, 30))


@pytest.mark.parametrize("mode", ["P", "LA", "L"])
def test_other_transparent_modes_are_flattened_on_white(mode):
    if mode == "P":
        image = Image.new("P", (400, 560), 0)
        image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
        data = encode(image, "GIF", transparency=0)
    elif mode == "LA":
        data = encode(Image.new("LA", (400, 560), (0, 0)), "PNG")
    else:
        data = encode(Image.new("L", (400, 560), 0), "PNG", transparency=0)
    assert close(decode(process_photo(data)).getpixel((10, 10)), (255, 255, 255), 3)


def test_a_huge_noisy_photo_fits_in_100_kb_at_full_size():
    noisy = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    data = encode(noisy, "JPEG", quality=70)
    assert len(data) < photo_tool.MAX_INPUT_BYTES
    result = process_photo(data)
    assert len(result) <= 100 * 1024
    assert decode(result).size == SIZE


def test_only_the_quality_is_lowered_to_meet_the_size_limit():
    noisy = Image.frombytes("RGB", SIZE, os.urandom(SIZE[0] * SIZE[1] * 3))
    assert len(photo_tool._jpeg(noisy, photo_tool.QUALITY_START)) > 100 * 1024  # the first try is too big
    result = process_photo(encode(noisy, "PNG"))
    assert len(result) <= 100 * 1024 and decode(result).size == SIZE
    smaller = process_photo(encode(noisy, "PNG"), max_bytes=40 * 1024)
    assert len(smaller) <= 40 * 1024 and decode(smaller).size == SIZE


def test_a_limit_that_cannot_be_met_is_refused():
    noisy = Image.frombytes("RGB", SIZE, os.urandom(SIZE[0] * SIZE[1] * 3))
    with pytest.raises(PhotoError) as refused:
        process_photo(encode(noisy, "PNG"), max_bytes=2 * 1024)
    assert refused.value.code == "cannot_compress"


def test_exif_orientation_is_applied():
    # What the camera meant: portrait, red head band at the top, blue at the bottom.
    upright = Image.new("RGB", (600, 840), (255, 255, 255))
    upright.paste((220, 0, 0), (0, 0, 600, 200))
    upright.paste((0, 0, 220), (0, 640, 600, 840))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # the sensor's landscape frame
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    result = decode(process_photo(encode(stored, "JPEG", quality=95, exif=exif.tobytes())))
    assert result.size == SIZE
    assert close(result.getpixel((147, 20)), (220, 0, 0), 25)
    assert close(result.getpixel((147, 400)), (0, 0, 220), 25)
    assert close(result.getpixel((5, 206)), (255, 255, 255), 25)


def test_the_result_carries_no_metadata():
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # camera model; GPS would be in the same block
    data = encode(Image.new("RGB", (600, 840), (90, 120, 150)), "JPEG", exif=exif.tobytes())
    assert "exif" not in decode(process_photo(data)).info


def test_a_wide_photo_is_cropped_in_the_middle():
    wide = Image.new("RGB", (1200, 600), (0, 0, 200))
    wide.paste((0, 200, 0), (450, 0, 750, 600))  # the person, in the middle
    result = decode(process_photo(encode(wide, "PNG")))
    assert close(result.getpixel((147, 206)), (0, 200, 0))
    assert close(result.getpixel((2, 206)), (0, 0, 200))


def test_a_tall_photo_keeps_more_of_the_top():
    tall = Image.new("RGB", (295, 1013), (200, 200, 200))  # 600 px too tall
    tall.paste((200, 0, 0), (0, 100, 295, 160))  # the head: cut if the crop were centred (300 px off the top)
    tall.paste((0, 0, 200), (0, 963, 295, 1013))  # the feet: always cut
    result = decode(process_photo(encode(tall, "PNG")))
    column = [result.getpixel((147, y)) for y in range(413)]
    assert any(close(p, (200, 0, 0), 30) for p in column)
    assert not any(close(p, (0, 0, 200), 30) for p in column)


def test_cmyk_and_grey_photos_become_rgb():
    cmyk = decode(process_photo(encode(Image.new("CMYK", (400, 560), (0, 255, 255, 0)), "JPEG")))
    assert cmyk.mode == "RGB" and close(cmyk.getpixel((10, 10)), (255, 0, 0), 20)
    grey16 = decode(process_photo(encode(Image.new("I;16", (400, 560), 32768), "PNG")))
    assert grey16.mode == "RGB" and close(grey16.getpixel((10, 10)), (128, 128, 128), 6)


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"%PDF-1.7 not a picture", "not_an_image"),
        (b"hello, world" * 100, "not_an_image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "not_an_image"),  # a JPEG signature and nothing that decodes
    ],
    ids=["empty", "pdf", "text", "jpeg-signature-only"],
)
def test_empty_and_non_image_input_is_refused(data, code):
    with pytest.raises(PhotoError) as refused:
        process_photo(data)
    assert refused.value.code == code
    assert str(refused.value.message)


def test_a_truncated_photo_is_refused():
    data = encode(Image.frombytes("RGB", (600, 840), os.urandom(600 * 840 * 3)), "PNG")
    with pytest.raises(PhotoError) as refused:
        process_photo(data[: len(data) // 2])
    assert refused.value.code == "unreadable"


def test_formats_outside_the_list_are_refused():
    with pytest.raises(PhotoError) as refused:
        process_photo(encode(Image.new("RGB", (600, 840)), "TIFF"))
    assert refused.value.code == "not_an_image"


def test_too_large_input_is_refused_before_decoding():
    with pytest.raises(PhotoError) as refused:
        process_photo(b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024))
    assert refused.value.code == "too_large"


@pytest.mark.parametrize("width, height", [(7000, 7000), (20000, 20000)])
def test_decompression_bombs_are_refused(width, height):
    data = png_header_only(width, height)
    assert len(data) < 200
    with pytest.raises(PhotoError) as refused:
        process_photo(data)
    assert refused.value.code == "too_many_pixels"


def test_a_tiny_picture_is_refused():
    with pytest.raises(PhotoError) as refused:
        process_photo(encode(Image.new("RGB", (60, 80)), "PNG"))
    assert refused.value.code == "too_small"


def test_requirements_describe_size_background_format_and_weight(app):
    from flask_babel import force_locale

    with app.test_request_context():  # the portal speaks Chinese unless the visitor chose English
        assert [str(text) for text in describe_requirements()] == [
            "尺寸：295 × 413 像素（一寸照片）",
            "背景：白色",
            "文件格式：JPG",
            "文件大小：不超过100KB",
        ]
        with force_locale("en"):
            assert [str(text) for text in describe_requirements()] == [
                "Size: 295 × 413 pixels (one-inch photo)",
                "Background: white",
                "File format: JPG",
                "File size: at most 100 KB",
            ]


def test_rendering_a_pdf_does_not_make_pillow_accept_truncated_photos():
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported; the portal keeps it off."""
    from PIL import ImageFile

    from app.services.certificates.pdf_engine import html_to_pdf

    assert html_to_pdf("<p>x</p>").startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    test_a_truncated_photo_is_refused()
