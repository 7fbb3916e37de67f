"""An import's source: the checked file, the sheet chosen, its header, and its rows sorted out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from workstation.importing import cases as case_rows
from workstation.importing import leads as lead_rows
from workstation.importing.headers import (
    SCAN_ROWS,
    SEQ,
    SKIP,
    Column,
    Header,
    MappingError,
    apply_map,
    detect_header,
    listed,
)
from workstation.importing.readers import Book, Cell, Sheet, SheetInfo, as_display
from workstation.importing.safety import FileCheck, FileRefused, check_file, detail
from workstation.importing.values import Converter, convert_block
from workstation.services.fields import FieldProblem
from workstation.vocab import CATEGORY, normalise

BLOCK = 500  # data rows converted together, column by column
KINDS: dict[str, ModuleType] = {"leads": lead_rows, "cases": case_rows}
# Totals rows start with one of these (first three cells), simplified or traditional.
_TOTAL_WORDS = frozenset(
    {"合计", "总计", "小计", "共计", "累计", "总数", "合計", "總計", "小計", "共計", "累計", "總數"}
)
_NOTE_PREFIXES = ("注", "说明", "备注", "附注", "附：", "填表", "制表", "审核", "审批", "联系人",
                  "联系电话", "填报", "统计", "数据来源", "单位负责人", "负责人", "经办人", "此表",
                  "本表", "打印")  # fmt: skip


def kind_module(kind: str) -> ModuleType:
    try:
        return KINDS[kind]
    except KeyError:
        raise FileRefused(f"不能导入“{kind}”：只能导入 leads（线索）或 cases（案件）") from None


@dataclasses.dataclass
class Row:
    """A data row of the sheet: its values when valid, else its problems (and its cells)."""

    number: int
    values: dict[str, Any]
    problems: dict[str, str]
    extra: dict[str, Any] | None
    cells: list[Cell] | None = None  # as read (for the rejects workbook, should it be refused)


@dataclasses.dataclass
class Skipped:
    """Rows that hold no record: blank, totals (合计), notes, a header repeated on a later page."""

    blank: int = 0
    blank_rows: list[int] = dataclasses.field(default_factory=list)
    totals: list[int] = dataclasses.field(default_factory=list)
    notes: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    headers: list[int] = dataclasses.field(default_factory=list)

    # Blank row numbers are listed only while few (a million formatted empty rows are counted).
    LIST_LIMIT = 200

    def add_blank(self, number: int) -> None:
        self.blank += 1
        if self.blank <= self.LIST_LIMIT:
            self.blank_rows.append(number)


class Source:
    """An opened, checked file with its sheet and header chosen; `rows()` reads it once."""

    def __init__(
        self,
        path: Path,
        kind: str,
        *,
        sheet: str | None = None,
        header_row: int | None = None,
        mapping: Sequence[tuple[str, str]] = (),
        constants: Mapping[str, str] | None = None,
        require_columns: bool = True,
    ) -> None:
        self.path = path
        self.kind = kind
        self.module = kind_module(kind)
        self.check: FileCheck = check_file(path)
        self.book = Book(path, self.check)
        # Values (as the clerk wrote them) for fields the rows leave blank: --set.
        self.constants = dict(constants or {})
        try:
            self._mapped = [column for column, _ in mapping]
            self.sheet_info, self.sheet, self.header, self._head = self._choose(sheet, header_row)
            self.header = apply_map(self.header, mapping, kind, self.module.LABELS)
            if require_columns:
                self._require_columns()
        except BaseException:
            self.book.close()
            raise
        self.mapping_overrides = list(mapping)
        self.skipped = Skipped()
        self.last_cells: list[Cell] = []  # the cells of the row `rows()` yielded last
        self._exact_category: dict[str, bool] = {}

    @property
    def sheets(self) -> list[SheetInfo]:
        return self.book.sheets

    @property
    def sheet_name(self) -> str | None:
        return None if self.check.format == "csv" else self.sheet_info.name

    @property
    def total_rows(self) -> int:
        """Rows the sheet has (for progress; an estimate for CSV)."""
        if self.sheet.row_count is not None:
            return self.sheet.row_count
        with self.path.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))

    def close(self) -> None:
        self.book.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _choose(
        self, wanted: str | None, header_row: int | None
    ) -> tuple[SheetInfo, Sheet, Header, list[tuple[int, list[Cell]]]]:
        infos = self.book.sheets
        if not infos:
            raise FileRefused(f"文件“{self.path.name}”中没有工作表，无法导入")
        if wanted is not None and self.check.format != "csv":
            chosen = [s for s in infos if s.name == wanted]
            if not chosen:
                chosen = [s for s in infos if normalise(s.name) == normalise(wanted)]
            if not chosen:
                shown = listed([s.name for s in infos])
                raise FileRefused(
                    f"文件“{self.path.name}”中没有名为“{wanted}”的工作表（有：{shown}）"
                )
            candidates = chosen
        else:
            candidates = [s for s in infos if s.visible]
        for info in candidates:
            found = self._header_of(info, header_row)
            if found is not None:
                return (info, *found)
        if header_row is not None:
            raise MappingError(
                f"文件“{self.path.name}”第 {header_row} 行不像表头（表头应是文字，不含日期或数字）"
            )
        hidden = [s for s in infos if not s.visible and s not in candidates]
        for info in hidden:
            if self._header_of(info, None) is not None:
                raise FileRefused(
                    f"文件“{self.path.name}”可见的工作表中找不到表头；"
                    f"隐藏的工作表“{detail(info.name, 40)}”中有，"
                    f"如需导入它请用 --sheet “{detail(info.name, 40)}”"
                )
        labels = self.module.LABELS
        example = "、".join(labels[f] for f in self.module.REQUIRED)
        sheets = "、".join(f"“{s.name}”" for s in candidates) or "（没有可见的工作表）"
        where = f"文件“{self.path.name}”的工作表{sheets}"
        if self.check.format == "csv":
            where = f"CSV 文件“{self.path.name}”"
        raise FileRefused(
            f"在{where}的前 {SCAN_ROWS} 行中找不到表头：至少要有两列的标题能识别（如 {example}）；"
            "可用 --header-row 指定表头所在行，用 --map “列名=字段” 指定列"
        )

    def _header_of(
        self, info: SheetInfo, header_row: int | None
    ) -> tuple[Sheet, Header, list[tuple[int, list[Cell]]]] | None:
        sheet = self.book.sheet(info.name)
        rows = sheet.rows()
        depth = SCAN_ROWS + 2 if header_row is None else header_row + 2
        head = list(itertools.islice(rows, depth))
        header = detect_header(
            head, self.kind, sheet.merges, col_offset=sheet.col_offset, at_row=header_row,
            mapped=self._mapped,
        )  # fmt: skip
        if header is None:
            return None
        self._rest = rows
        return sheet, header, head

    def _require_columns(self) -> None:
        present = set(self.header.field_columns()) | set(self.constants)
        labels = self.module.LABELS
        missing = [f for f in self.module.REQUIRED if f not in present]
        if missing:
            names = "、".join(f"“{labels[f]}”" for f in missing)
            shown = listed([c.header for c in self.header.columns if c.header])
            rows = "、".join(str(r) for r in self.header.rows)
            raise MappingError(
                f"文件“{self.path.name}”的表头（第 {rows} 行：{shown}）中找不到{names}列；"
                f"可用 --map “列名={missing[0]}” 指定哪一列是{labels[missing[0]]}，"
                f"或用 --set “{labels[missing[0]]}=值” "
                "给所有行填同一个值"
            )

    def _constant_values(self, today: dt.date) -> dict[str, Any]:
        """The --set values read as their fields' cells would be; a bad one stops the import."""
        out: dict[str, Any] = {}
        for field, text in self.constants.items():
            column = Column(-1, "", self.module.LABELS[field], field, field, "set")
            convert = self.module.converters(column, today)
            try:
                out[field] = convert(text)
            except FieldProblem as problem:
                raise MappingError(f"--set 的值有误：{problem.message}") from None
        return out

    def raw_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """The rows below the header, as read."""
        last = self.header.last_row
        for number, cells in self._head:
            if number > last:
                yield number, cells
        yield from self._rest

    def rows(self, today: dt.date) -> Iterator[Row]:
        """Every data row below the header, read and checked; other rows go to `skipped`."""
        self._constants = self._constant_values(today)
        columns = self.header.columns
        fields = self.header.field_columns()
        convert: dict[str, tuple[int, Converter]] = {
            field: (c.index, self.module.converters(c, today)) for field, c in fields.items()
        }
        data_index = frozenset(c.index for c in fields.values())
        seq_index = frozenset(c.index for c in columns if c.field in (SEQ, SKIP))
        extra_columns = [(c.index, c.header) for c in self.header.extra_columns()]
        category = fields.get("category")
        header_texts = self._header_texts()
        header_all = frozenset(t for texts in header_texts.values() for t in texts)
        block: list[tuple[int, list[Cell]]] = []
        for number, cells in self.raw_rows():
            if self._classify(number, cells, data_index, seq_index, header_texts, header_all):
                continue
            block.append((number, cells))
            if len(block) < BLOCK:
                continue
            yield from self._block(block, convert, extra_columns, category)
            block = []
        yield from self._block(block, convert, extra_columns, category)

    def _block(
        self,
        block: list[tuple[int, list[Cell]]],
        convert: dict[str, tuple[int, Converter]],
        extra_columns: list[tuple[int, str]],
        category: Column | None,
    ) -> Iterator[Row]:
        converted = convert_block([cells for _, cells in block], convert)
        check = self.module.check
        # Every field of the kind is in `values` (None when the sheet has no column for it).
        blank = dict.fromkeys(self.module.LABELS)
        constants = self._constants
        for (number, cells), (given, problems) in zip(block, converted, strict=True):
            values = {**blank, **given}
            for field, value in constants.items():
                if values[field] is None and field not in problems:
                    values[field] = value
            check(values, problems)
            extra = _extra(cells, extra_columns) if extra_columns else None
            if category is not None and values.get("category"):
                # A category read from free text by keywords keeps the text it was read from.
                raw = as_display(cells[category.index]).strip()
                exact = self._exact_category.get(raw)
                if exact is None:
                    exact = self._exact_category[raw] = CATEGORY.to_key(raw) is not None
                if not exact:
                    extra = (extra or {}) | {category.header: raw}
            self.last_cells = cells
            yield Row(number, values, problems, extra, cells)

    def _classify(
        self,
        number: int,
        cells: list[Cell],
        data_index: frozenset[int],
        seq_index: frozenset[int],
        header_texts: dict[int, frozenset[str]],
        header_all: frozenset[str],
    ) -> str | None:
        """Why a row holds no record ("blank", "total", "note", "header"), or None for data.

        Called for every row, a million formatted blank ones included: cheap checks first."""
        empty = cells.count("")
        if empty == len(cells):
            self.skipped.add_blank(number)
            return "blank"
        if len(cells) - empty > len(seq_index) + 1:
            # Most rows: too full to be blank or a one-cell note; a total or a header repeated?
            maybe_header = False
            for c in [c for c in cells[:8] if c != ""][:3]:
                if c.__class__ is str:
                    if _squeeze(c[:8])[:2] in _TOTAL_WORDS:
                        self.skipped.totals.append(number)
                        return "total"
                    maybe_header = maybe_header or c.strip() in header_all
            if not maybe_header:
                return None
        filled = [
            (i, c) for i, c in enumerate(cells)
            if c != "" and c is not None and not (c.__class__ is str and c.isspace())
        ]  # fmt: skip
        # A row numbered in the 序号 column but otherwise empty is blank too (pre-numbered ledgers).
        if not filled or all(i in seq_index and _is_number(c) for i, c in filled):
            self.skipped.add_blank(number)
            return "blank"
        for _, c in filled[:3]:
            if c.__class__ is str and _squeeze(c)[:2] in _TOTAL_WORDS:
                self.skipped.totals.append(number)
                return "total"
        same = sum(
            1 for i, c in filled if c.__class__ is str and c.strip() in header_texts.get(i, ())
        )
        if same >= 2 and same * 2 >= len(filled):
            self.skipped.headers.append(number)
            return "header"
        if len(filled) == 1:
            text = as_display(filled[0][1]).strip()
            if normalise(text).startswith(_NOTE_PREFIXES) or filled[0][0] not in data_index:
                self.skipped.notes.append((number, text[:60]))
                return "note"
        return None

    def _header_texts(self) -> dict[int, frozenset[str]]:
        """Each column's header cells as written, to recognise the header repeated further down."""
        texts: dict[int, set[str]] = {}
        for number, cells in self._head:
            if number in self.header.rows:
                for i, c in enumerate(cells):
                    if c.__class__ is str and c.strip():
                        texts.setdefault(i, set()).add(c.strip())
        return {i: frozenset(t) for i, t in texts.items()}


def _squeeze(text: str) -> str:
    return text.replace(" ", "").replace("\u3000", "").lstrip()


def _is_number(cell: Cell) -> bool:
    return isinstance(cell, (int, float)) or (isinstance(cell, str) and cell.strip().isdigit())


def _extra(cells: list[Cell], columns: list[tuple[int, str]]) -> dict[str, Any] | None:
    """Cells of unmapped columns, kept with the record (as the clerk sees them)."""
    if not columns:
        return None
    out: dict[str, Any] = {}
    width = len(cells)
    for index, header in columns:
        if index < width:
            cell = cells[index]
            if cell != "" and cell is not None:
                text = cell.strip() if isinstance(cell, str) else as_display(cell)
                if text:
                    out[header] = text
    return out or None


def header_summary(header: Header, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The mapping used, column by column, for the batch record and the summary."""
    out = []
    for c in header.columns:
        if not c.header:
            continue
        out.append(
            {
                "column": c.letter,
                "header": c.header,
                "field": c.field,
                "label": _field_label(c, labels),
                "how": c.how,
            }
        )
    return out


def _field_label(column: Column, labels: Mapping[str, str]) -> str:
    if column.field == SEQ:
        return "序号（不导入）"
    if column.field == SKIP:
        return "导入说明（不导入）"
    if column.field is None:
        if column.how == "duplicate" and column.guessed:
            return f"附加数据（{labels.get(column.guessed, column.guessed)}已由另一列提供）"
        return "附加数据"
    label = labels.get(column.field, column.field)
    if column.scale != 1:
        label += "（万元）"
    return label
