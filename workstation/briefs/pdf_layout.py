"""Layout of the PDF brief: page geometry, paragraph styles, and tables whose cells wrap
instead of overflowing (long ones laid out a page at a time)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib import textsplit as reportlab_textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as reportlab_paragraph

from workstation.briefs.fonts import BriefFonts

# Binary (zlib) streams, not ASCII85 on top: ASCII85 only helps 7-bit mail channels, makes the
# file 25% larger, and reportlab's pure-Python encoder took a tenth of a long appendix's time.
rl_config.useA85 = 0

# reportlab keeps Japanese closing punctuation off the start of a line (、。」…) but not the
# Chinese full-width ones: add them, so that no line of the brief starts with ，or ；(GB/T 15834).
_CHINESE_CANNOT_START = "，；：？！）》〉”’"
for _module in (reportlab_paragraph, reportlab_textsplit):  # both of its line breakers
    if not set(_CHINESE_CANNOT_START) <= set(_module.ALL_CANNOT_START):
        _module.ALL_CANNOT_START += _CHINESE_CANNOT_START

RED = colors.HexColor("#C8161D")  # the customary red of a 红头 masthead
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#888888")
HEADER_FILL = colors.HexColor("#EDEDED")
TOTAL_FILL = colors.HexColor("#F6F6F6")
WATERMARK = colors.Color(0.82, 0.82, 0.82)
MARKING = "内部资料  注意保存"

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN_X = 26 * mm
MARGIN_TOP = 25 * mm
MARGIN_BOTTOM = 22 * mm
LANDSCAPE_MARGIN_X = 15 * mm
MASTHEAD_HEIGHT = 56 * mm
CELL_SIZE = 9
CELL_PAD = 3


@dataclasses.dataclass(frozen=True)
class Styles:
    fonts: BriefFonts
    body: ParagraphStyle
    headline: ParagraphStyle
    subline: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    small_cell: ParagraphStyle


def make_styles(fonts: BriefFonts) -> Styles:
    body = ParagraphStyle(
        "body",
        fontName=fonts.body,
        fontSize=12,
        leading=21,
        firstLineIndent=24,
        wordWrap="CJK",
        alignment=TA_LEFT,
        spaceAfter=4,
    )
    return Styles(
        fonts=fonts,
        body=body,
        headline=ParagraphStyle(
            "headline",
            fontName=fonts.heading,
            fontSize=16,
            leading=24,
            alignment=TA_CENTER,
            wordWrap="CJK",
            spaceBefore=6,
            spaceAfter=2,
        ),
        subline=ParagraphStyle(
            "subline",
            fontName=fonts.body,
            fontSize=10.5,
            leading=16,
            alignment=TA_CENTER,
            textColor=GREY,
            wordWrap="CJK",
            spaceAfter=10,
        ),
        heading=ParagraphStyle(
            "heading",
            fontName=fonts.heading,
            fontSize=14,
            leading=22,
            wordWrap="CJK",
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=True,
        ),
        subheading=ParagraphStyle(
            "subheading",
            fontName=fonts.heading,
            fontSize=11.5,
            leading=18,
            wordWrap="CJK",
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=True,
        ),
        note=ParagraphStyle(
            "note",
            fontName=fonts.body,
            fontSize=9,
            leading=13,
            textColor=GREY,
            wordWrap="CJK",
            spaceBefore=2,
            spaceAfter=4,
        ),
        cell=ParagraphStyle(
            "cell",
            fontName=fonts.body,
            fontSize=CELL_SIZE,
            leading=CELL_SIZE + 2.5,
            wordWrap="CJK",
        ),
        small_cell=ParagraphStyle(
            "small_cell", fontName=fonts.body, fontSize=8, leading=10.2, wordWrap="CJK"
        ),
    )


def escape(text: str) -> str:
    """Text as Paragraph markup: &, < and > are markup characters there."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CellParagraph(Paragraph):
    """A Paragraph that remembers its line breaks: a table lays a cell out when it measures the
    rows, again when it splits at a page end and again when it draws; CJK line breaking is the
    costly part, and it only depends on the width."""

    _wrapped_for: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # (a failed split deletes blPara, and with it what was remembered)
        if self._wrapped_for == availWidth and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth
        return size


class CellFitter:
    """Plain string cells where the text fits the column, wrapping Paragraphs where it does not
    (Paragraph cells cost about three times as much to lay out)."""

    def __init__(self, style: ParagraphStyle) -> None:
        self.style = style
        self._widths: dict[str, float] = {}
        # Plain text needs no markup parsing: its paragraphs are built from one fragment.
        self._frag = Paragraph("x", style).frags[0]

    def width(self, text: str) -> float:
        w = self._widths.get(text)
        if w is None:
            w = stringWidth(text, self.style.fontName, self.style.fontSize)
            if len(self._widths) < 50_000:
                self._widths[text] = w
        return w

    def fit(self, text: str | None, column: float) -> str | Paragraph:
        text = text or ""
        room = column - 2 * CELL_PAD - 0.5
        if all(self.width(line) <= room for line in text.split("\n")):
            return text  # a plain cell: its lines are drawn as they are, never wrapped
        return self.wrap(text)

    def wrap(self, text: str | None) -> Paragraph:
        text = text or ""
        if "\n" in text:
            return CellParagraph(escape(text).replace("\n", "<br/>"), self.style)
        return CellParagraph(text, self.style, frags=[self._frag.clone(text=text)])


def table_style(
    font: str,
    *,
    numeric_from: int | None = None,
    total_row: bool = False,
    size: float = CELL_SIZE,
    header_font: str | None = None,
) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size, size + 2.5),
        ("FONT", (0, 0), (-1, 0), header_font or font, size, size + 2.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if numeric_from is not None:
        commands.append(("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"))
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL))
    return TableStyle(commands)


def _cells(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    fitter: CellFitter,
    wrap: Sequence[int],
) -> list[list[Any]]:
    wrapped = set(wrap)
    data: list[list[Any]] = [[fitter.fit(h, w) for h, w in zip(header, widths, strict=True)]]
    for row in rows:
        cells: list[Any] = []
        for i, (value, width) in enumerate(zip(row, widths, strict=True)):
            if isinstance(value, Flowable):
                cells.append(value)
            elif i in wrapped:
                cells.append(fitter.wrap(None if value is None else str(value)))
            else:
                cells.append(fitter.fit(None if value is None else str(value), width))
        data.append(cells)
    return data


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    fitter: CellFitter,
    *,
    wrap: Sequence[int] = (),
    numeric_from: int | None = None,
    total_row: bool = False,
    header_font: str | None = None,
) -> Flowable:
    """A table with a repeated header row; `wrap` columns always get Paragraphs, the others get
    one only when their text does not fit. Lists are laid out a page at a time (ChunkedTable);
    a breakdown with a total row is one small Table."""
    data = _cells(header, rows, widths, fitter, wrap)
    style = table_style(
        fitter.style.fontName,
        numeric_from=numeric_from,
        total_row=total_row,
        size=fitter.style.fontSize,
        header_font=header_font,
    )

    def make(part: list[list[Any]], split_in_row: bool = False) -> Table:
        table = Table(
            part, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitInRow=int(split_in_row)
        )
        table.setStyle(style)
        return table

    if total_row:
        return make(data)
    return ChunkedTable(data[0], data[1:], make)


class ChunkedTable(Flowable):
    """A long table laid out a page at a time: each page gets a Table of the header and the
    next rows that fit. reportlab splits a long Table by building a new Table of all the rows
    left after every page, which grows with the square of the length; this stays linear."""

    CHUNK = 24  # rows measured for the first page; later pages take twice what the last held
    # With at least this much room left and not one whole row fitting, the row is split across
    # the page end (a summary or reason taller than a page); with less, it starts a new page.
    SPLIT_ROW_ROOM = 300.0

    def __init__(
        self,
        header: list[Any],
        rows: list[list[Any]],
        make: Callable[..., Table],
        chunk: int = CHUNK,
    ) -> None:
        super().__init__()
        self.header = header
        self.rows = rows
        self.make = make
        self.chunk = chunk
        self._table: Table | None = None

    def _head(self) -> Table:
        if self._table is None:
            self._table = self.make([self.header, *self.rows[: self.chunk]])
        return self._table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = self._head().wrap(availWidth, availHeight)
        if len(self.rows) > self.chunk:
            # More rows follow this chunk: claim more room than there is, so that the frame
            # asks for a split (which knows where this page ends).
            height = max(height, availHeight + 1)
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table = self._head()
        while len(self.rows) > self.chunk and table.wrap(availWidth, availHeight)[1] <= availHeight:
            self.chunk *= 2  # rows so short that a whole chunk fits: take more at once
            self._table = None
            table = self._head()
        parts = table.split(availWidth, availHeight)
        if not parts:
            if table.wrap(availWidth, availHeight)[1] <= availHeight:
                return [table]  # the last rows, which fit
            if availHeight < self.SPLIT_ROW_ROOM:
                return []
            self._table = table = self.make([self.header, *self.rows[: self.chunk]], True)
            parts = table.split(availWidth, availHeight)
            if not parts:
                return []
        later = self.rows[self.chunk :]
        if len(parts) == 1:
            return [parts[0], ChunkedTable(self.header, later, self.make)] if later else parts
        # What is left of this chunk (after the repeated header; a row too tall for a page comes
        # back with the rest of its text), then the rows beyond it.
        rest = list(parts[1]._cellvalues[1:]) + later
        taken = len(self.rows) - len(rest)
        return [parts[0], ChunkedTable(self.header, rest, self.make, max(8, 2 * taken))]

    def draw(self) -> None:
        self._head().drawOn(self.canv, 0, 0)


def widths(total: float, fixed: Sequence[float | None]) -> list[float]:
    """Column widths: the given ones, and the rest of `total` shared by the None columns."""
    free = total - sum(w for w in fixed if w is not None)
    flexible = sum(1 for w in fixed if w is None) or 1
    return [w if w is not None else free / flexible for w in fixed]


class AtBottom(Flowable):
    """A block set at the bottom of the frame it lands in (the 报尾 of the last page)."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner
        self._inner_height = 0.0
        self._avail = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, self._inner_height = self.inner.wrap(availWidth, availHeight)
        self._avail = availHeight
        if self._inner_height <= availHeight:
            return availWidth, availHeight
        return availWidth, self._inner_height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, 0)
