"""Fonts: the bundled CJK font, registered so Chinese renders on machines without one."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from workstation.paths import resources_dir

BUNDLED_FONT = "fonts/wqy-microhei-gbk.ttf"
BUNDLED_FAMILY = "WenQuanYi Micro Hei"
# System CJK families, best first; the bundled one is the last resort.
PREFERRED_FAMILIES = (
    "Microsoft YaHei",
    "微软雅黑",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "SimSun",
    "宋体",
)
MIN_POINT_SIZE = 10


def register_bundled_font() -> str | None:
    """Add the bundled font to the application's database; its family name, or None if unusable."""
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / BUNDLED_FONT))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return BUNDLED_FAMILY if BUNDLED_FAMILY in families else (families[0] if families else None)


def choose_families(available: set[str], bundled: str | None) -> list[str]:
    """The application font's family list: the first system CJK family present, then bundled."""
    chosen = [name for name in PREFERRED_FAMILIES if name in available][:1]
    if bundled and bundled not in chosen:
        chosen.append(bundled)
    return chosen


def apply_application_font(app: QApplication) -> QFont:
    """Register the bundled font and make a CJK-capable family the application font."""
    bundled = register_bundled_font()
    families = choose_families(set(QFontDatabase.families()), bundled)
    font = QFont(app.font())
    if families:
        font.setFamilies(families)
    if 0 < font.pointSize() < MIN_POINT_SIZE:
        font.setPointSize(MIN_POINT_SIZE)
    app.setFont(font)
    return font
