"""照片处理工具: turn any photo into the 一寸 ID photo the application forms accept.

The manual's 【下载照片处理工具】 used to be a program to download; here it is a
web page (``app.views.portal.photo_tool``) built on :func:`process_photo`:

* the upload is opened safely: at most 10 MB, only common picture formats, and a
  pixel limit so that a small file cannot expand into gigabytes (decompression
  bomb); anything else is refused with a :class:`PhotoError`;
* the camera's EXIF orientation is applied and transparency is flattened onto white;
* the picture is cropped to the 295:413 aspect - centred horizontally, and keeping
  more of the top than of the bottom because heads are near the top - and resized;
* it is saved as a JPEG without metadata (no EXIF, so no GPS position), lowering the
  JPEG quality - and nothing else - until it fits in 100 KB.

The tool does not replace the background: the photo must be taken against white.
Nothing here touches the request or stores anything.
"""

import base64
import binascii
import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from app.services.errors import ServiceError

PHOTO_WIDTH = 295  # 一寸照片 at 300 dpi: 25 mm × 35 mm
PHOTO_HEIGHT = 413
MAX_OUTPUT_BYTES = 100 * 1024
MAX_INPUT_BYTES = 10 * 1024 * 1024
# Pixel budgets, checked from the header before anything is decoded. A JPEG is decoded at a reduced scale
# (``draft``), so a large one costs little; any other format is decoded in full (~4-7 bytes a pixel at each step).
MAX_PIXELS = 50_000_000  # JPEG: e.g. 8660 × 5774, a 50-megapixel camera
MAX_DECODED_PIXELS = 12_000_000  # PNG, WEBP, BMP, GIF: e.g. 4000 × 3000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF")
ACCEPTED_LABEL = "JPG, PNG, WEBP, BMP, GIF"
TOP_SHARE = 0.25  # when the picture is too tall, a quarter of the excess is cut from the top, the rest below
MIN_SCALE = 0.5  # refuse sources whose cropped area is under half the target size in either direction
QUALITY_START = 92
QUALITY_MIN = 20
BACKGROUND = (255, 255, 255)


class PhotoError(ServiceError):
    """The upload cannot become an ID photo. ``code`` for programs, ``message`` (lazy) for people."""

    def __init__(self, code: str, message):
        super().__init__(message=message, code=code)


def describe_requirements(
    *, width: int = PHOTO_WIDTH, height: int = PHOTO_HEIGHT, max_bytes: int = MAX_OUTPUT_BYTES
) -> list:
    """What the processed photo is, as lazy strings for the page."""
    return [
        _l("Size: %(width)s × %(height)s pixels (one-inch photo)", width=width, height=height),
        _l("Background: white"),
        _l("File format: JPG"),
        _l("File size: at most %(kb)s KB", kb=max_bytes // 1024),
    ]


def process_photo(
    data: bytes, *, width: int = PHOTO_WIDTH, height: int = PHOTO_HEIGHT, max_bytes: int = MAX_OUTPUT_BYTES
) -> bytes:
    """A JPEG of exactly ``width`` × ``height`` on white, at most ``max_bytes`` long."""
    image = _open(data, width, height)
    image = _oriented(image)
    image = _to_srgb(image)
    box = _crop_box(image.size, width, height)
    if (box[2] - box[0]) < width * MIN_SCALE or (box[3] - box[1]) < height * MIN_SCALE:
        raise PhotoError(
            "too_small",
            _l(
                "The picture is too small: it should be at least %(width)s × %(height)s pixels",
                width=int(width * MIN_SCALE),
                height=int(height * MIN_SCALE),
            ),
        )
    image = _flatten(image.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0))
    return _compress(image, max_bytes)


def processed_photo(encoded: str) -> bytes:
    """The bytes of a photo this tool produced, posted back from its page (base64); anything else is refused."""
    refused = PhotoError("invalid", _l("The processed photo is missing or damaged; please process the photo again"))
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise refused from None
    if not data or len(data) > MAX_OUTPUT_BYTES:
        raise refused
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as image:
            size = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise refused from None
    if size != (PHOTO_WIDTH, PHOTO_HEIGHT):
        raise refused
    return data


def _open(data: bytes, width: int, height: int) -> Image.Image:
    if not data:
        raise PhotoError("empty", _l("Please choose a photo to upload"))
    if len(data) > MAX_INPUT_BYTES:
        raise PhotoError("too_large", _l("The file is larger than %(mb)s MB", mb=MAX_INPUT_BYTES // (1024 * 1024)))
    try:
        # Only the header is read here; Pillow itself refuses absurd sizes (DecompressionBombError).
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise PhotoError(
            "not_an_image", _l("This is not a picture in an accepted format (%(formats)s)", formats=ACCEPTED_LABEL)
        ) from None
    except Image.DecompressionBombError:
        raise _too_many_pixels(MAX_DECODED_PIXELS) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError("unreadable", _l("The picture is damaged or incomplete and cannot be read")) from None
    budget = MAX_PIXELS if image.format == "JPEG" else MAX_DECODED_PIXELS
    if image.width * image.height > budget:  # checked before anything is decoded
        raise _too_many_pixels(budget)
    try:
        if image.format == "JPEG":
            # Decode a JPEG at a reduced scale when it is much larger than needed (fast, little memory).
            image.draft("RGB", (max(width, height) * 2, max(width, height) * 2))
        image.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels(budget) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Truncated or corrupt files fail here, with whatever error the decoder raises.
        raise PhotoError("unreadable", _l("The picture is damaged or incomplete and cannot be read")) from None
    return image


def _too_many_pixels(budget: int) -> PhotoError:
    return PhotoError(
        "too_many_pixels", _l("The picture has too many pixels (at most %(mp)s million)", mp=budget // 1_000_000)
    )


def _oriented(image: Image.Image) -> Image.Image:
    """Upright as the camera meant it (EXIF orientation); a broken EXIF block is ignored."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError):
        return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB or RGBA in sRGB, whatever the source mode (palette, grey, CMYK, 16-bit...)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB", "1") and "transparency" in image.info
    )
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # High bit-depth grey: scale to 8 bits before conversion, or everything turns white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    icc = image.info.get("icc_profile")
    target = "RGBA" if has_alpha else "RGB"
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGBA" if image.mode == "RGBA" else "RGB"
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile: convert as if there were none
    return image if image.mode == target else image.convert(target)


def _crop_box(size: tuple[int, int], width: int, height: int) -> tuple[float, float, float, float]:
    """The largest box of the target aspect: centred horizontally, biased to the top vertically."""
    source_width, source_height = size
    if source_width * height > source_height * width:  # too wide: cut both sides equally
        crop_width = source_height * width / height
        left = (source_width - crop_width) / 2
        return left, 0, left + crop_width, source_height
    crop_height = source_width * height / width  # too tall: keep the head, cut mostly below
    top = (source_height - crop_height) * TOP_SHARE
    return 0, top, source_width, top + crop_height


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, BACKGROUND)
    background.paste(image, mask=image.getchannel("A"))
    return background


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, subsampling="4:2:0", dpi=(300, 300))
    return buffer.getvalue()


def _compress(image: Image.Image, max_bytes: int) -> bytes:
    """The best JPEG quality that fits (binary search); the size in pixels never changes."""
    first = _jpeg(image, QUALITY_START)
    if len(first) <= max_bytes:
        return first
    best: bytes | None = None
    low, high = QUALITY_MIN, QUALITY_START - 1
    while low <= high:
        quality = (low + high) // 2
        candidate = _jpeg(image, quality)
        if len(candidate) <= max_bytes:
            best, low = candidate, quality + 1
        else:
            high = quality - 1
    if best is None:
        raise PhotoError(
            "cannot_compress",
            _l(
                "The photo cannot be made smaller than %(kb)s KB; please use a simpler, less grainy photo",
                kb=max_bytes // 1024,
            ),
        )
    return best
