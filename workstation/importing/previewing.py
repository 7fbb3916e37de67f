"""What the import wizard shows before importing: sheets, header rows, columns, first rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from workstation import clock
from workstation.importing.headers import MappingError, parse_map
from workstation.importing.readers import Book, SheetInfo, as_display
from workstation.importing.safety import FileRefused, check_file
from workstation.importing.source import Source, header_summary, kind_module

PREVIEW_ROWS = 50


@dataclasses.dataclass(frozen=True)
class PreviewColumn:
    letter: str  # Excel column letter
    header: str  # header text as shown (group·sub-header for two-row headers)
    field: str | None  # the field it maps to (None: kept as extra data; "_seq": 序号)
    guessed: str | None  # what the synonym tables say, before any override
    label: str  # what the summary calls it (field label, 附加数据, 序号（不导入）)
    index: int = -1  # its position in PreviewRow.cells (headerless columns are not listed)


@dataclasses.dataclass(frozen=True)
class PreviewRow:
    number: int  # row number as the sheet shows it
    cells: tuple[str, ...]  # the cells as text, one per column
    problems: dict[str, str]  # field → Chinese reason, empty when the row would be accepted


@dataclasses.dataclass(frozen=True)
class Preview:
    """A file as the import would read it; `problem` says why it could not (no header...)."""

    file_name: str
    format: str
    encoding: str | None
    sheets: list[SheetInfo]
    sheet: str | None
    header_rows: tuple[int, ...]
    columns: list[PreviewColumn]
    rows: list[PreviewRow]
    fields: list[tuple[str, str]]  # (field, label) a column can be mapped to
    missing: list[str]  # required fields no column provides
    problem: str | None = None


def preview(
    path: str | os.PathLike[str],
    kind: str,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Sequence[str | tuple[str, str]] = (),
    constants: Mapping[str, str] | None = None,
    limit: int = PREVIEW_ROWS,
    today: dt.date | None = None,
) -> Preview:
    """Read the top of the file the way `run_import` would, without touching the store
    (`constants` maps fields to values for rows that leave them blank, as --set does).

    Problems of the file itself (corrupt, encrypted, a zip bomb) raise FileRefused; a missing
    header or required column is reported in `problem`, with the raw top rows, so the wizard
    can let the clerk pick the header row or map the columns."""
    module = kind_module(kind)
    file = Path(path)
    pairs = [m for m in mapping if isinstance(m, tuple)]
    pairs += parse_map([m for m in mapping if isinstance(m, str)])
    fields = [(f, module.LABELS[f]) for f in module.LABELS]
    try:
        source = Source(file, kind, sheet=sheet, header_row=header_row, mapping=pairs,
                        constants=constants, require_columns=False)  # fmt: skip
    except MappingError as exc:
        return _raw(file, kind, sheet, fields, str(exc), limit)
    except FileRefused as exc:
        if "找不到表头" not in exc.message:
            raise
        return _raw(file, kind, sheet, fields, exc.message, limit)
    with source:
        columns = [
            PreviewColumn(c["column"], c["header"], c["field"], col.guessed, c["label"], col.index)
            for c, col in zip(
                header_summary(source.header, module.LABELS),
                [c for c in source.header.columns if c.header],
                strict=True,
            )
        ]
        width = len(source.header.columns)
        rows = []
        for row in itertools.islice(source.rows(today or clock.today()), limit):
            cells = source.last_cells
            shown = tuple(as_display(cells[i]) if i < len(cells) else "" for i in range(width))
            rows.append(PreviewRow(row.number, shown, dict(row.problems)))
        present = set(source.header.field_columns()) | set(source.constants)
        missing = [f for f in module.REQUIRED if f not in present]
        problem = None
        if missing:
            problem = "缺少必需的列：" + "、".join(module.LABELS[f] for f in missing)
        return Preview(
            file_name=file.name, format=source.check.format, encoding=source.book.encoding,
            sheets=list(source.sheets), sheet=source.sheet_name, header_rows=source.header.rows,
            columns=columns, rows=rows, fields=fields, missing=missing, problem=problem,
        )  # fmt: skip


def _raw(
    file: Path,
    kind: str,
    sheet: str | None,
    fields: list[tuple[str, str]],
    problem: str,
    limit: int,
) -> Preview:
    """The top rows as they are, when no header could be found."""
    module = kind_module(kind)
    check = check_file(file)
    with Book(file, check) as book:
        infos = book.sheets
        if not infos:
            raise FileRefused(f"文件“{file.name}”中没有工作表，无法导入")
        visible = [s for s in infos if s.visible] or infos
        name = sheet if sheet and any(s.name == sheet for s in infos) else visible[0].name
        data = book.sheet(name)
        rows = [
            PreviewRow(number, tuple(as_display(c) for c in cells), {})
            for number, cells in itertools.islice(data.rows(), limit)
        ]
        return Preview(
            file_name=file.name, format=check.format, encoding=book.encoding, sheets=infos,
            sheet=None if check.format == "csv" else name, header_rows=(), columns=[],
            rows=rows, fields=fields, missing=list(module.REQUIRED), problem=problem,
        )  # fmt: skip
