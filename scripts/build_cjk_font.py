"""Rebuild app/assets/fonts/NotoSansSC-Regular.otf, the CJK font certificates and notices are set in.

Source: Noto Sans CJK SC Regular from Debian's fonts-noto-cjk (SIL OFL 1.1). The
subset keeps Latin, general punctuation, CJK symbols, full-width forms and the
whole CJK Unified Ideographs block (U+4E00-U+9FFF: every character of GB 2312,
GBK's ideographs and the 通用规范汉字表), so any holder's name renders. It takes
about two minutes; the result is committed, so set-up never fetches a font.

    python scripts/build_cjk_font.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TARGET = Path(__file__).resolve().parent.parent / "app" / "assets" / "fonts" / "NotoSansSC-Regular.otf"
RANGES = [
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2000, 0x206F),
    (0x2100, 0x21FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x3000, 0x303F),
    (0x4E00, 0x9FFF),
    (0xFF00, 0xFFEF),
]


def main(source: str = SOURCE) -> None:
    collection_index = 2  # JP, KR, SC, TC, HK
    font = TTFont(source, fontNumber=collection_index)
    assert "SC" in font["name"].getDebugName(4), font["name"].getDebugName(4)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for first, last in RANGES for code in range(first, last + 1)])
    subsetter.subset(font)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
