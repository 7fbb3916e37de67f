"""Make workstation/resources/fonts/wqy-microhei-gbk.ttf: WenQuanYi Micro Hei cut to what
Chinese text needs.

Run by hand (needs fontTools, which is not a runtime dependency):
    pip install fonttools==4.68.0
    python tools/subset_font.py /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
The source is Debian's fonts-wqy-microhei (Apache-2.0 or GPL-3 with the font exception).
Kept: Latin and symbols below U+3000, CJK punctuation, full-width forms and every character of
GBK (21,886 hanzi, rare name characters included) — 3.2 MB instead of the 5.2 MB collection,
whose other half (a monospaced face, Hangul, kana) Chinese text never uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

FONTS = Path(__file__).resolve().parent.parent / "workstation" / "resources" / "fonts"
TARGET = FONTS / "wqy-microhei-gbk.ttf"


def gbk_codepoints() -> set[int]:
    found = set()
    for first in range(0x81, 0xFF):
        for second in range(0x40, 0xFF):
            try:
                found.add(ord(bytes([first, second]).decode("gbk")))
            except UnicodeDecodeError:
                continue
    return found


def main(source: str) -> None:
    font = TTCollection(source).fonts[0]  # WenQuanYi Micro Hei (not the Mono face)
    gbk = gbk_codepoints()
    keep = {
        cp
        for cp in font.getBestCmap()
        if cp < 0x3000 or cp in gbk or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF
    }
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(TARGET)
    print(f"{TARGET}: {len(keep)} characters, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
