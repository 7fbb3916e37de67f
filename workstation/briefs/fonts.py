"""CJK fonts for the PDF: a system SimSun / SimHei / Microsoft YaHei when present, else the
bundled WenQuanYi Micro Hei; registered with reportlab once and embedded (glyphs used only)."""

from __future__ import annotations

import dataclasses
import os
import struct
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from workstation.paths import resources_dir

BUNDLED = ("fonts/wqy-microhei-gbk.ttf", 0)
# Characters a usable font must have: CJK, digits and Latin (Droid Sans Fallback has no
# digits, so dates and figures would print blank with it).
REQUIRED = "简报第期页共份0123456789%ABCxyz（），。"
# (file name, subfont index) per role, best first. Official documents set headings in 黑体
# and body text in 宋体/仿宋; YaHei reads well on both. CFF-outline fonts (Noto Sans CJK .otf,
# macOS Songti) cannot be embedded by reportlab and are skipped when tried.
CANDIDATES = {
    "body": (
        ("simsun.ttc", 0),
        ("msyh.ttc", 0),
        ("msyh.ttf", 0),
        ("notoserifsc-regular.ttf", 0),
        ("notosanssc-regular.ttf", 0),
        ("wqy-microhei.ttc", 0),
    ),
    "heading": (
        ("simhei.ttf", 0),
        ("msyh.ttc", 0),
        ("msyh.ttf", 0),
        ("notosanssc-regular.ttf", 0),
        ("wqy-microhei.ttc", 0),
    ),
    "title": (
        ("fzxbsjw.ttf", 0),  # 方正小标宋简体, the customary masthead face
        ("simhei.ttf", 0),
        ("msyh.ttc", 0),
        ("wqy-microhei.ttc", 0),
    ),
}


@dataclasses.dataclass(frozen=True)
class BriefFonts:
    """Registered reportlab font names per role, and the files they came from."""

    body: str
    heading: str
    title: str
    files: tuple[str, ...]


_lock = threading.Lock()
_cache: dict[bool, BriefFonts] = {}
_registered: dict[tuple[str, int], str] = {}


def font_dirs() -> list[Path]:
    home = Path.home()
    dirs: list[Path] = []
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), home / "Library" / "Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts"]
    return [d for d in dirs if d.is_dir()]


def _walk(folder: Path, depth: int = 4) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_file():
            yield Path(entry.path)
        elif entry.is_dir() and depth > 0:
            yield from _walk(Path(entry.path), depth - 1)


def system_fonts(names: Iterable[str]) -> dict[str, Path]:
    """The first file found for each wanted file name (case-insensitive) in the font folders."""
    wanted = {n.lower() for n in names}
    found: dict[str, Path] = {}
    for folder in font_dirs():
        for path in _walk(folder):
            key = path.name.lower()
            if key in wanted and key not in found:
                found[key] = path
    return found


def _register(path: Path, index: int) -> str | None:
    """Register one TrueType font (once); its reportlab name, or None when it is unusable."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    key = (str(path), index)
    if key in _registered:
        return _registered[key]
    name = f"BriefCJK{len(_registered) + 1}"
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError, IndexError, struct.error):
        return None  # damaged, or not TrueType outlines: reportlab's parser raises all of these
    if any(ord(ch) not in font.face.charToGlyph for ch in REQUIRED):
        return None
    pdfmetrics.registerFont(font)
    # One face for every style, so <b> or <i> in a paragraph never asks for a missing font.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    _registered[key] = name
    return name


def register_fonts(*, prefer_system: bool = True) -> BriefFonts:
    """The fonts of the brief, registered with reportlab on first use (thread-safe)."""
    with _lock:
        if prefer_system in _cache:
            return _cache[prefer_system]
        bundled_path = resources_dir() / BUNDLED[0]
        bundled = _register(bundled_path, BUNDLED[1]) if not prefer_system else None
        available: dict[str, Path] = {}
        if prefer_system:
            available = system_fonts(n for options in CANDIDATES.values() for n, _ in options)
        chosen: dict[str, str] = {}
        files: list[str] = []
        for role, options in CANDIDATES.items():
            for file_name, index in options:
                path = available.get(file_name.lower())
                name = _register(path, index) if path else None
                if name:
                    chosen[role] = name
                    files.append(str(path))
                    break
            else:
                if bundled is None:
                    bundled = _register(bundled_path, BUNDLED[1])
                if bundled is None:
                    from workstation.errors import WorkstationError

                    raise WorkstationError(f"找不到可用的中文字体（内置字体“{bundled_path}”缺失）")
                chosen[role] = bundled
                files.append(str(bundled_path))
        fonts = BriefFonts(chosen["body"], chosen["heading"], chosen["title"], tuple(files))
        _cache[prefer_system] = fonts
        return fonts
