"""Reading a checked file's sheets as rows of cell values: .xlsx/.xlsm/.xls with calamine, CSV."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workstation.importing.safety import FileCheck, FileRefused, detail

# A cell value as readers give it: '' when empty, str, float (calamine gives every number as
# float; CSV numbers stay text), bool, date, datetime, time or timedelta.
Cell = Any

CSV_SHEET = "CSV"
_SUFFIXES = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",)}
_SNIFF_LINES = 30
_DELIMITERS = (",", "\t", ";", "|")
# One CSV cell holding more than this is not a ledger cell.
CSV_FIELD_LIMIT = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class SheetInfo:
    """A sheet of the workbook, and whether Excel shows it."""

    name: str
    visible: bool
    state: str  # "visible", "hidden" or "very_hidden"


@dataclasses.dataclass(frozen=True)
class Merge:
    """A merged range, 0-based and inclusive, in the sheet's row and column numbering."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


class Sheet:
    """One sheet's rows: `rows()` yields (row number as the sheet shows it, cells)."""

    def __init__(
        self,
        name: str,
        rows: Iterator[tuple[int, list[Cell]]],
        *,
        merges: list[Merge] | None,
        col_offset: int = 0,
        row_count: int | None = None,
    ) -> None:
        self.name = name
        self._rows = rows
        # Merged ranges in column numbers relative to col_offset (None when the format has none).
        self.merges = merges
        # Cells of a row start at this sheet column (0 = A): calamine trims empty left columns.
        self.col_offset = col_offset
        # Rows the reader expects (for progress), or None when it cannot tell without reading.
        self.row_count = row_count

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        return self._rows


class Book:
    """An open workbook (or CSV file seen as a one-sheet workbook)."""

    def __init__(self, path: Path, check: FileCheck) -> None:
        self.path = path
        self.format = check.format
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self._calamine: Any = None
        if check.format == "csv":
            self.encoding = detect_encoding(path)
            self.delimiter = detect_delimiter(path, self.encoding)
            self.sheets = [SheetInfo(CSV_SHEET, True, "visible")]
        else:
            self._open_calamine()

    def _open_calamine(self) -> None:
        import python_calamine as pc

        name = self.path.name
        try:
            if self.path.suffix.lower() in _SUFFIXES[self.format]:
                self._calamine = pc.CalamineWorkbook.from_path(str(self.path))
            else:
                # calamine picks its reader by the name; by the bytes only when given a stream.
                with self.path.open("rb") as handle:
                    self._calamine = pc.CalamineWorkbook.from_filelike(handle)
            metadata = self._calamine.sheets_metadata
        except pc.PasswordError:
            raise FileRefused(f"文件已加密，请先在 Excel 中取消密码后再导入（{name}）") from None
        except (pc.CalamineError, ValueError, OSError) as exc:
            raise FileRefused(
                f"文件“{name}”无法作为工作簿读取（文件已损坏或格式不符）：{detail(exc)}"
            ) from None
        except BaseException as exc:
            if not is_panic(exc):
                raise
            raise FileRefused(
                f"文件“{name}”无法作为工作簿读取（文件已损坏）：{detail(exc)}"
            ) from None
        self.sheets = [
            SheetInfo(m.name, m.visible == pc.SheetVisibleEnum.Visible, _state(pc, m.visible))
            for m in metadata
            if m.typ == pc.SheetTypeEnum.WorkSheet
        ]

    def sheet(self, name: str) -> Sheet:
        if self.format == "csv":
            assert self.encoding is not None
            assert self.delimiter is not None
            return Sheet(
                CSV_SHEET, _csv_rows(self.path, self.encoding, self.delimiter), merges=None
            )
        return self._calamine_sheet(name)

    def _calamine_sheet(self, name: str) -> Sheet:
        import python_calamine as pc

        shown_name = detail(name, 40)
        try:
            sheet = self._calamine.get_sheet_by_name(name)
        except pc.WorksheetNotFound:
            if any(s.name == name for s in self.sheets):
                # Listed by the workbook, missing from the archive: a damaged file.
                raise FileRefused(
                    f"文件“{self.path.name}”的工作表“{shown_name}”无法读取（文件已损坏，找不到其内容）"
                ) from None
            shown = "、".join(detail(s.name, 40) for s in self.sheets)
            raise FileRefused(
                f"文件“{self.path.name}”中没有名为“{shown_name}”的工作表（有：{shown}）"
            ) from None
        except pc.PasswordError:
            raise FileRefused(
                f"文件已加密，请先在 Excel 中取消密码后再导入（{self.path.name}）"
            ) from None
        except BaseException as exc:
            if not isinstance(exc, (pc.CalamineError, ValueError)) and not is_panic(exc):
                raise
            raise FileRefused(
                f"文件“{self.path.name}”的工作表“{shown_name}”无法读取（文件已损坏）：{detail(exc)}"
            ) from None
        start = sheet.start
        end = sheet.end
        if start is None or end is None:
            return Sheet(name, iter(()), merges=[], row_count=0)
        col_offset = start[1]
        merges: list[Merge] | None = None
        ranges = sheet.merged_cell_ranges
        if ranges is not None:
            merges = [
                Merge(r0, c0 - col_offset, r1, c1 - col_offset) for (r0, c0), (r1, c1) in ranges
            ]
        return Sheet(
            name,
            _calamine_rows(sheet, self.path.name),
            merges=merges,
            col_offset=col_offset,
            row_count=end[0] + 1,
        )

    def close(self) -> None:
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _state(pc: Any, visible: Any) -> str:
    # calamine's enums are neither hashable nor named in Python: compare them one by one.
    if visible == pc.SheetVisibleEnum.Visible:
        return "visible"
    if visible == pc.SheetVisibleEnum.VeryHidden:
        return "very_hidden"
    return "hidden"


def _calamine_rows(sheet: Any, file_name: str) -> Iterator[tuple[int, list[Cell]]]:
    """calamine 0.9 yields every row from the sheet's first row (A1's row), cells from its first
    used column; tests/workstation/importing/test_readers.py pins that geometry."""
    import python_calamine as pc

    try:
        for index, row in enumerate(sheet.iter_rows()):
            yield index + 1, row
    except BaseException as exc:
        if not isinstance(exc, (pc.CalamineError, ValueError)) and not is_panic(exc):
            raise  # GeneratorExit among others
        raise FileRefused(f"文件“{file_name}”读取中出错（文件已损坏）：{detail(exc)}") from None


def is_panic(exc: BaseException) -> bool:
    """A Rust panic in calamine (a damaged file it did not expect) reaches Python as pyo3's
    PanicException, a BaseException that `except Exception` would let through to the user."""
    return type(exc).__name__ == "PanicException"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK, GB2312).

    Decided from the bytes of the whole file, read in chunks, not from its name; a file whose
    byte-order mark promises UTF-8 or UTF-16 must keep that promise to the end."""
    with path.open("rb") as handle:
        head = handle.read(4)
        candidates: tuple[str, ...] = ("utf-8", "gb18030")
        if head.startswith(codecs.BOM_UTF8):
            candidates = ("utf-8-sig",)
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ("utf-16",)
        for encoding in candidates:
            decoder = codecs.getincrementaldecoder(encoding)()
            handle.seek(0)
            try:
                while chunk := handle.read(1024 * 1024):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise FileRefused(
        f"文件“{path.name}”的文字编码无法识别（支持 UTF-8 和 GBK/GB18030），"
        "请另存为 UTF-8 CSV 再导入"
    )


def detect_delimiter(path: Path, encoding: str) -> str:
    """The delimiter that splits the first lines most consistently (comma when none does)."""
    with path.open(encoding=encoding, newline="") as handle:
        lines = []
        for line in handle:
            if line.strip():
                lines.append(line)
            if len(lines) >= _SNIFF_LINES:
                break
    csv.field_size_limit(CSV_FIELD_LIMIT)
    best, best_score = ",", 0.0
    for delimiter in _DELIMITERS:
        try:
            counts = [len(next(csv.reader([line], delimiter=delimiter))) - 1 for line in lines]
        except csv.Error:
            continue  # a cell too large for any ledger: reading the rows will say which
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    csv.field_size_limit(CSV_FIELD_LIMIT)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        number = 0
        try:
            for number, row in enumerate(reader, start=1):
                yield number, row
        except csv.Error as exc:
            raise FileRefused(
                f"CSV 文件“{path.name}”第 {number + 1} 行无法读取：{detail(exc)}"
            ) from None
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"CSV 文件“{path.name}”含有无法识别的文字编码：{detail(exc)}"
            ) from None


def as_display(value: Cell) -> str:
    """A cell as a clerk would read it in Excel (integral floats without .0, dates ISO)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
