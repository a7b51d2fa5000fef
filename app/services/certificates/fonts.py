"""The CJK font that certificates and notices are set in, cut down to each document's characters.

The bundled font (``app/assets/fonts``, Noto Sans SC) holds about 21,000 glyphs
in 9 MB. Subsetting it with fontTools costs about half a second per document,
because the whole CFF table is parsed each time; instead the source font is
opened once per process, each character's outline is drawn once into a
TrueType glyph (cubic curves turned quadratic, cached), and a document's font is
assembled from those glyphs with fontTools' FontBuilder: a few milliseconds for
the hundred or so characters of a certificate. TrueType rather than CFF because
every OFD reader draws it (some, e.g. those built on ReportLab, draw nothing else). The PDF and the OFD embed the same
small font, and the OFD's text objects are positioned with its advance widths.
"""

import threading
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

FONT_PATH = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "NotoSansSC-Regular.otf"
FAMILY_NAME = "PortalSans"
FALLBACK_CHARACTER = "\u25a1"  # □ for a character the font does not have


class GlyphSource:
    """The source font, read once; outlines and advance widths are fetched per character."""

    def __init__(self, path: Path = FONT_PATH):
        self._font = TTFont(str(path), lazy=True)
        self._cmap = self._font.getBestCmap()
        self._glyphs = self._font.getGlyphSet()
        self._metrics = self._font["hmtx"].metrics
        self.units_per_em = self._font["head"].unitsPerEm
        hhea = self._font["hhea"]
        self.ascent, self.descent = hhea.ascent, hhea.descent
        self._lock = threading.Lock()
        self._glyph_cache: dict[str, CachedGlyph] = {}

    def has(self, character: str) -> bool:
        return ord(character) in self._cmap

    def advance(self, character: str) -> int:
        name = self._cmap.get(ord(character))
        return self._metrics[name][0] if name else self.units_per_em

    def glyph(self, character: str) -> "CachedGlyph":
        """The compiled TrueType glyph of ``character``, drawn once and cached."""
        cached = self._glyph_cache.get(character)
        if cached is None:
            cached = self._glyph_cache[character] = self._draw(self._cmap[ord(character)])
        return cached

    def notdef(self) -> "CachedGlyph":
        cached = self._glyph_cache.get("")
        if cached is None:
            cached = self._glyph_cache[""] = self._draw(".notdef")
        return cached

    def _draw(self, name: str) -> "CachedGlyph":
        with self._lock:  # fontTools' lazy tables are not safe to read from two threads at once
            width = self._metrics[name][0]
            pen = TTGlyphPen(None)
            # TrueType outlines: every OFD and PDF reader draws them (some only those).
            self._glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
            glyph = pen.glyph()
            if glyph.numberOfContours > 0:
                glyph.recalcBounds(None)
            points = len(glyph.coordinates) if glyph.numberOfContours > 0 else 0
            bounds = (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax) if glyph.numberOfContours > 0 else (0, 0, 0, 0)
            return CachedGlyph(width, glyph.compile(None), bounds, points, max(glyph.numberOfContours, 0))


@dataclass(frozen=True)
class CachedGlyph:
    """A glyph compiled once: its bytes go into every document font as they are."""

    width: int
    data: bytes
    bounds: tuple
    points: int
    contours: int


@lru_cache(maxsize=1)
def glyph_source() -> GlyphSource:
    return GlyphSource()


def printable(text: str) -> str:
    """``text`` with the characters the font lacks replaced by □ (never a silent blank)."""
    source = glyph_source()
    return "".join(c if c in "\n\r\t" or source.has(c) else FALLBACK_CHARACTER for c in text)


def build_font(text: str, family: str = FAMILY_NAME) -> bytes:
    """A TrueType font holding exactly the characters of ``text``."""
    source = glyph_source()
    characters = sorted({c for c in printable(text) if c not in "\n\r\t"} | {" "})
    glyph_order = [".notdef"] + [f"uni{ord(c):04X}" for c in characters]
    glyphs = {".notdef": source.notdef()}
    cmap = {}
    for character, name in zip(characters, glyph_order[1:]):
        glyphs[name] = source.glyph(character)
        cmap[ord(character)] = name
    builder = FontBuilder(source.units_per_em, isTTF=True)
    # Glyphs, bounds and maxima come from the cache: recomputing them is most of fontTools' time.
    builder.font.recalcBBoxes = False
    builder.setupGlyphOrder(glyph_order)
    builder.setupCharacterMap(cmap)
    # FontBuilder.setupGlyf would decompile every glyph to check for cubics; these are quadratic already.
    builder.font["loca"], builder.font["glyf"] = newTable("loca"), newTable("glyf")
    builder.font["glyf"].glyphs = {name: Glyph(cached.data) for name, cached in glyphs.items()}
    builder.font["glyf"].glyphOrder = glyph_order
    drawn = [cached.bounds for cached in glyphs.values() if cached.contours]
    x_min, y_min = min(b[0] for b in drawn), min(b[1] for b in drawn)
    x_max, y_max = max(b[2] for b in drawn), max(b[3] for b in drawn)
    builder.setupHorizontalMetrics({name: (cached.width, cached.bounds[0]) for name, cached in glyphs.items()})
    builder.setupHorizontalHeader(
        ascent=source.ascent,
        descent=source.descent,
        advanceWidthMax=max(c.width for c in glyphs.values()),
        minLeftSideBearing=min(c.bounds[0] for c in glyphs.values() if c.contours),
        minRightSideBearing=min(c.width - c.bounds[2] for c in glyphs.values() if c.contours),
        xMaxExtent=x_max,
    )
    head = builder.font["head"]
    head.xMin, head.yMin, head.xMax, head.yMax = x_min, y_min, x_max, y_max
    maxp = builder.font["maxp"]
    maxp.maxPoints = max(c.points for c in glyphs.values())
    maxp.maxContours = max(c.contours for c in glyphs.values())
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(
        sTypoAscender=source.ascent,
        sTypoDescender=source.descent,
        usWinAscent=source.ascent,
        usWinDescent=-source.descent,
    )
    builder.setupPost()
    out = BytesIO()
    builder.save(out)
    return out.getvalue()
