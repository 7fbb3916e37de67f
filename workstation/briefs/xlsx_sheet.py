"""Streaming worksheets of the brief's workbook: styles, guarded cells, widths, charts."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from workstation.briefs.model import COLUMN_LABELS, Breakdown, Brief, cn_date

PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
MAX_WIDTH = 60
WRAP_WIDTH = 50
# Characters that make a spreadsheet program read a cell as a formula (and tab/CR before them).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=14)
SUBTITLE_FONT = Font(size=10, color="595959")
TOTAL_FONT = Font(bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def display_width(text: str) -> int:
    """Columns a text needs: CJK (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clean(text: str) -> str:
    """A string Excel accepts: control characters other than tab and newline removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def vocab_label(vocabulary: Any, key: str | None) -> str | None:
    if key is None:
        return None
    try:
        return str(vocabulary.label(key))
    except KeyError:
        return key


class Sheet:
    """One streamed worksheet: column widths and frozen rows first, then rows in order."""

    def __init__(self, wb: Workbook, brief: Brief, title: str, col_widths: Sequence[float]) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(title)
        self.row = 0
        self.brief = brief
        self.widths = list(col_widths)
        for i, width in enumerate(col_widths, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        setup = self.ws.page_setup
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.orientation = "landscape"
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.ws.oddHeader.left.text = f"{brief.title} 第{brief.issue}期 — {title}"
        self.ws.oddHeader.left.size = 9
        self.ws.oddHeader.right.text = "内部资料 注意保存"
        self.ws.oddHeader.right.size = 9
        self.ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        self.ws.oddFooter.center.size = 9

    def cell(self, value: Any, **style: Any) -> Any:
        """A value as a cell: text guarded against formulas, dates and rates formatted."""
        if isinstance(value, str):
            value = clean(value)
            if value.startswith(FORMULA_START) or value in ERROR_CODES or style:
                cell = WriteOnlyCell(self.ws, value=value)
                cell.data_type = "s"  # always text, never a formula or an error value
                for name, v in style.items():
                    setattr(cell, name, v)
                return cell
            return value
        if isinstance(value, dt.date) or style:
            cell = WriteOnlyCell(self.ws, value=value)
            if isinstance(value, dt.date):
                cell.number_format = DATE
            for name, v in style.items():
                setattr(cell, name, v)
            return cell
        return value

    def append(self, values: Sequence[Any]) -> int:
        self.ws.append(list(values))
        self.row += 1
        return self.row

    def title(self, text: str, subtitle: str | None = None) -> None:
        self.append([self.cell(text, font=TITLE_FONT)])
        if subtitle:
            self.append([self.cell(subtitle, font=SUBTITLE_FONT)])

    def header(self, labels: Sequence[str]) -> int:
        return self.append(
            [
                self.cell(
                    label,
                    font=HEADER_FONT,
                    fill=HEADER_FILL,
                    border=HEADER_BORDER,
                    alignment=HEADER_ALIGN,
                )
                for label in labels
            ]
        )

    def values(
        self,
        values: Sequence[Any],
        *,
        rates: Iterable[int] = (),
        wrap: Iterable[int] = (),
        total: bool = False,
    ) -> int:
        rate_columns, wrap_columns = set(rates), set(wrap)
        cells = []
        for i, value in enumerate(values):
            style: dict[str, Any] = {}
            if i in rate_columns and value is not None:
                style["number_format"] = PERCENT
            too_wide = (
                isinstance(value, str)
                and i < len(self.widths)
                and display_width(value) > self.widths[i] - 1
            )
            if i in wrap_columns or too_wide:
                style["alignment"] = WRAP  # wrapped in its cell, never cut off
            if total:
                style.update(font=TOTAL_FONT, fill=TOTAL_FILL)
            cells.append(None if value is None and not total else self.cell(value, **style))
        return self.append(cells)

    def paragraph(self, text: str, *, columns: int) -> int:
        """A paragraph across the first `columns` columns (merged), wrapped, its row as tall
        as the text needs (Excel does not size merged rows itself)."""
        width = sum(self.widths[:columns]) or WRAP_WIDTH
        lines = max(1, -(-display_width(text) * 11 // (int(width) * 10)))
        self.ws.row_dimensions[self.row + 1].height = 15 * lines + 3
        row = self.append([self.cell(text, alignment=WRAP)])
        self.ws.merged_cells.add(f"A{row}:{get_column_letter(columns)}{row}")
        return row

    def blank(self) -> None:
        self.append([])

    def freeze_below(self, header_row: int) -> None:
        """Freeze the rows down to the header (set before the first row is written)."""
        self.ws.freeze_panes = f"A{header_row + 1}"
        self.ws.print_title_rows = f"{header_row}:{header_row}"

    def autofilter(self, header_row: int, last_row: int, columns: int) -> None:
        self.ws.auto_filter.ref = (
            f"A{header_row}:{get_column_letter(columns)}{max(last_row, header_row)}"
        )


def fit_widths(
    rows: Iterable[Sequence[Any]], *, minimum: float = 8, wrap: dict[int, float] | None = None
) -> list[float]:
    """Column widths that fit the text of small tables (CJK counted double)."""
    wrap = wrap or {}
    found: dict[int, int] = {}
    for row in rows:
        for i, value in enumerate(row):
            if value is None:
                continue
            text = value if isinstance(value, str) else str(value)
            found[i] = max(found.get(i, 0), display_width(text))
    columns = max(found, default=-1) + 1
    out = []
    for i in range(columns):
        if i in wrap:
            out.append(wrap[i])
        else:
            out.append(min(MAX_WIDTH, max(minimum, found.get(i, 0) + 3)))
    return out


def breakdown_rows(
    breakdown: Breakdown, first: str | None = None
) -> tuple[list[str], list[list[Any]]]:
    header = [first or breakdown.title] + [COLUMN_LABELS[c] for c in breakdown.columns]
    rows = [[r.label, *(getattr(r, c) for c in breakdown.columns)] for r in breakdown.rows]
    total = breakdown.total
    rows.append([total.label, *(getattr(total, c) for c in breakdown.columns)])
    return header, rows


def _share_column(breakdown: Breakdown) -> set[int]:
    return {i + 1 for i, c in enumerate(breakdown.columns) if c == "share"}


def write_breakdown(
    sheet: Sheet, breakdown: Breakdown, *, first: str | None = None
) -> tuple[int, int]:
    """A breakdown table with its total row; returns (header row, last data row)."""
    header, rows = breakdown_rows(breakdown, first)
    header_row = sheet.header(header)
    last = header_row
    for row in rows[:-1]:
        last = sheet.values(row, rates=_share_column(breakdown))
    sheet.values(rows[-1], rates=_share_column(breakdown), total=True)
    return header_row, last


def bar_chart(
    sheet: Sheet,
    title: str,
    header_row: int,
    last: int,
    series_cols: Sequence[int],
    *,
    horizontal: bool = False,
) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.style = 10
    chart.height, chart.width = 8, 16
    data = Reference(
        sheet.ws, min_col=series_cols[0], max_col=series_cols[-1], min_row=header_row, max_row=last
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=header_row + 1, max_row=last))
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first category on top, as in the table
    chart.y_axis.majorGridlines = None
    chart.legend.position = "b"
    return chart


def pie_chart(sheet: Sheet, title: str, header_row: int, last: int) -> PieChart:
    chart = PieChart()
    chart.title = title
    chart.height, chart.width = 8, 12
    chart.add_data(
        Reference(sheet.ws, min_col=2, min_row=header_row, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=header_row + 1, max_row=last))
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showPercent = True
    return chart


def subtitle(brief: Brief) -> str:
    return (
        f"{brief.issuing_unit}  第{brief.issue}期  统计期间：{brief.period.describe()}；"
        f"截至{cn_date(brief.period.as_of)}"
    )
