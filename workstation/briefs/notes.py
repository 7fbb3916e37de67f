"""The author's own sections of an issue (典型问题, 下步工作), read from a plain text file."""

from __future__ import annotations

import re
from pathlib import Path

from workstation.briefs.model import NoteSection
from workstation.errors import WorkstationError

KNOWN_TITLES = ("典型问题", "下步工作", "下一步工作", "工作建议", "有关要求", "工作动态")
UNTITLED = "有关情况"
MAX_NOTES = 200_000
_HEADING = re.compile(r"^\s*(?:#{1,6}\s*(?P<hash>.+?)\s*#*|【(?P<bracket>[^】]+)】)\s*$")


def parse_notes(text: str) -> tuple[NoteSection, ...]:
    """Sections from text: a heading is a line `# 标题` (Markdown), `【标题】`, or a known title
    alone on its line (典型问题, 下步工作…); paragraphs are separated by blank lines, and the
    lines of one paragraph are joined. Text before the first heading goes under 有关情况."""
    sections: list[tuple[str, list[str]]] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            if not sections:
                sections.append((UNTITLED, []))
            sections[-1][1].append("".join(paragraph))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().replace("\u3000", " ").strip()
        match = _HEADING.match(line)
        title = None
        if match:
            title = (match["hash"] or match["bracket"] or "").strip()
        elif line.rstrip("：:") in KNOWN_TITLES:
            title = line.rstrip("：:")
        if title:
            end_paragraph()
            sections.append((title, []))
        elif not line:
            end_paragraph()
        else:
            paragraph.append(line)
    end_paragraph()
    return tuple(NoteSection(title, tuple(paras)) for title, paras in sections if paras)


def read_notes(path: str | Path) -> tuple[NoteSection, ...]:
    """Notes from a text file in UTF-8 (with or without BOM) or GB18030 (Windows Notepad)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise WorkstationError(f"无法读取简报正文文件“{file}”：{exc.strerror}") from exc
    if len(data) > MAX_NOTES * 4:
        raise WorkstationError(f"简报正文文件“{file}”过大（最多约 {MAX_NOTES:,} 字）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly any bytes
        raise WorkstationError(f"简报正文文件“{file}”不是文本文件（应为 UTF-8 或 GBK 编码）")
    if "\x00" in text:
        raise WorkstationError(f"简报正文文件“{file}”不是文本文件（应为 UTF-8 或 GBK 编码）")
    return parse_notes(text)
