"""Finding the header row(s) of a sheet and mapping its columns to fields (synonyms, --map)."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from workstation.errors import WorkstationError
from workstation.importing.readers import Cell, Merge, as_display
from workstation.importing.safety import detail
from workstation.paths import resources_dir
from workstation.vocab import normalise

SEQ = "_seq"  # a 序号 column: row numbers of the clerk's own, not imported
SKIP = "_skip"  # a column this import writes itself (问题说明 of a rejects workbook)
SCAN_ROWS = 30  # the header must start within the first rows of the sheet
MIN_FIELDS = 2  # a row naming fewer known fields is not a header
_BRACKETS = re.compile(r"[(\[【〔［<《{].*?[)\]】〕］>》}]")
_NOT_WORD = re.compile(r"[\W_]+")
GROUP_JOIN = "·"
HEADER_CHARS = 200


def header_key(text: str) -> str:
    """A header folded for lookup: no spaces or line breaks, simplified, no punctuation or notes.

    "受理时间\\n（年月日）" and "受 理 時 間" both become "受理时间". Only the first HEADER_CHARS
    characters count: a header is a few words, and removing notes takes time quadratic in the
    length of a cell full of opening brackets."""
    folded = normalise(text[:HEADER_CHARS])
    without_notes = _BRACKETS.sub("", folded)
    if _NOT_WORD.sub("", without_notes):
        folded = without_notes
    return _NOT_WORD.sub("", folded)


def _full_key(text: str) -> str:
    return _NOT_WORD.sub("", normalise(text))


@dataclasses.dataclass(frozen=True)
class Synonyms:
    """One kind's lookup tables: folded header → field, strong and weak."""

    kind: str
    strong: Mapping[str, str]
    weak: Mapping[str, str]
    fields: tuple[str, ...]

    def lookup(self, text: str) -> tuple[str | None, int]:
        """(field, tier) for a header: tier 0 strong, 1 weak, 2 a strong synonym inside it."""
        for key in dict.fromkeys((header_key(text), _full_key(text))):
            if not key:
                continue
            if key in self.strong:
                return self.strong[key], 0
            if key in self.weak:
                return self.weak[key], 1
        key = header_key(text)
        if len(key) < 3:
            return None, 3
        best: tuple[int, str | None] = (0, None)
        ambiguous = False
        for synonym, field in self.strong.items():
            if len(synonym) >= 3 and synonym in key and not field.startswith("_"):
                if len(synonym) > best[0]:
                    best, ambiguous = (len(synonym), field), False
                elif len(synonym) == best[0] and field != best[1]:
                    ambiguous = True
        if best[1] is None or ambiguous:
            return None, 3
        return best[1], 2


@cache
def _document() -> dict[str, Any]:
    with (resources_dir() / "importing" / "headers.json").open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


@cache
def synonyms(kind: str) -> Synonyms:
    document = _document()
    if kind not in ("leads", "cases"):
        raise ValueError(kind)
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}

    def add(table: dict[str, str], field: str, words: Sequence[str]) -> None:
        for word in (field, *words):
            key = header_key(word)
            other = table.setdefault(key, field)
            if other != field:
                raise ValueError(f"header synonym {word!r} means both {other!r} and {field!r}")

    for field, words in document["common"].items():
        add(strong, field, words)
    for field, words in document[kind]["strong"].items():
        add(strong, field, words)
    for field, words in document[kind].get("weak", {}).items():
        add(weak, field, words)
    fields = tuple(document[kind]["strong"])
    return Synonyms(kind, strong, weak, fields)


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the sheet, its header as shown and what it maps to."""

    index: int  # position in the row as the reader gives it
    letter: str  # the Excel column letter
    header: str  # the header text, group and sub-header joined with "·"
    field: str | None  # the field, SEQ, SKIP, or None: kept as extra data
    guessed: str | None  # what the synonym tables say (before --map)
    how: str  # "synonym", "map", "unknown", "duplicate" (the field went to another column)
    scale: int = 1  # 10000 for amounts in 万元


@dataclasses.dataclass(frozen=True)
class Header:
    """The header found: its row number(s) and every column."""

    rows: tuple[int, ...]
    columns: tuple[Column, ...]

    @property
    def last_row(self) -> int:
        return self.rows[-1]

    def field_columns(self) -> dict[str, Column]:
        return {
            c.field: c for c in self.columns if c.field is not None and not c.field.startswith("_")
        }

    def extra_columns(self) -> list[Column]:
        return [c for c in self.columns if c.field is None and c.header]


def listed(texts: Sequence[str], *, each: int = 30, most: int = 40) -> str:
    """Header texts (or sheet names) listed in a message, each cut short (a header cell can
    hold a whole paragraph, and a message quoting it is no message), control characters out."""
    shown = [detail(t, each) for t in texts[:most]]
    if len(texts) > most:
        shown.append(f"等 {len(texts)} 个")
    return "、".join(shown)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def _text(cell: Cell) -> str:
    """A header cell as one line: "受理\n时间" → "受理时间"."""
    text = cell if isinstance(cell, str) else as_display(cell)
    return " ".join(_LINE_BREAK.sub("", text).split())


def _is_header_like(cells: Sequence[Cell]) -> bool:
    """A row of text only: a data row has dates or numbers, a header row does not."""
    return all(isinstance(c, str) for c in cells if c != "")


def _merge_at(merges: Sequence[Merge], row0: int, col: int) -> Merge | None:
    for m in merges:
        if m.first_row <= row0 <= m.last_row and m.first_col <= col <= m.last_col:
            return m
    return None


def _single(cells: Sequence[Cell]) -> list[str]:
    return [_text(c) for c in cells]


def _double(
    top: Sequence[Cell], sub: Sequence[Cell], row0: int, merges: Sequence[Merge] | None
) -> list[str]:
    """Headers of a two-row header: a group cell over sub-headers (被反映人 over 姓名|单位|职务).

    The group is a merged cell; or, where cells are not merged (CSV, careless sheets), a cell
    followed by blanks that have sub-headers under them."""
    width = max(len(top), len(sub))
    tops = [_text(top[c]) if c < len(top) else "" for c in range(width)]
    subs = [_text(sub[c]) if c < len(sub) else "" for c in range(width)]
    out: list[str] = []
    fill = ""
    for c in range(width):
        group = ""
        merged = _merge_at(merges, row0, c) if merges else None
        if merged is not None and merged.first_row == row0 and merged.last_col > merged.first_col:
            # A merge can start left of the first column read (over empty cells calamine trims):
            # its text, if any, is not in this row.
            group = tops[merged.first_col] if 0 <= merged.first_col < width else ""
        else:
            if tops[c] and c + 1 < width and not tops[c + 1] and subs[c + 1]:
                fill = tops[c]
            elif tops[c]:
                fill = ""
            group = fill
        if merges:
            vertical = _merge_at(merges, row0 + 1, c)
            if vertical is not None and vertical.first_row <= row0:
                subs[c] = ""
        if group and subs[c]:
            out.append(f"{group}{GROUP_JOIN}{subs[c]}")
        elif tops[c]:
            out.append(tops[c])
        else:
            out.append(subs[c])
    return out


def _lookup_group(table: Synonyms, header: str) -> tuple[str | None, int]:
    """A joined header is looked up whole (被反映人姓名), then by its sub-header alone."""
    field, tier = table.lookup(header)
    if field is None and GROUP_JOIN in header:
        field, tier = table.lookup(header.split(GROUP_JOIN, 1)[1])
        tier = max(tier, 1)
    return field, tier


def _assign(table: Synonyms, headers: Sequence[str]) -> list[tuple[str | None, str | None, str]]:
    """(field, guessed, how) per column: each field to its best column (lowest tier, leftmost)."""
    found = [_lookup_group(table, h) if h else (None, 3) for h in headers]
    best: dict[str, tuple[int, int]] = {}
    for index, (field, tier) in enumerate(found):
        if field is None or field.startswith("_"):
            continue
        if field not in best or tier < best[field][0]:
            best[field] = (tier, index)
    out: list[tuple[str | None, str | None, str]] = []
    for index, (field, _tier) in enumerate(found):
        if field is None:
            out.append((None, None, "unknown"))
        elif field.startswith("_") or best[field][1] == index:
            out.append((field, field, "synonym"))
        else:
            out.append((None, field, "duplicate"))
    return out


def _score(assigned: Sequence[tuple[str | None, str | None, str]]) -> int:
    return len({f for f, _, _ in assigned if f is not None and not f.startswith("_")})


def _scale(header: str) -> int:
    return 10_000 if "万元" in normalise(header) else 1


def _build(
    rows: tuple[int, ...], headers: Sequence[str], table: Synonyms, col_offset: int
) -> Header:
    assigned = _assign(table, headers)
    columns = tuple(
        Column(
            index=i,
            letter=column_letter(col_offset + i),
            header=h,
            field=field,
            guessed=guessed,
            how=how,
            scale=_scale(h) if field == "amount" else 1,
        )
        for i, (h, (field, guessed, how)) in enumerate(zip(headers, assigned, strict=True))
    )
    return Header(rows, columns)


def detect_header(
    head: Sequence[tuple[int, Sequence[Cell]]],
    kind: str,
    merges: Sequence[Merge] | None,
    *,
    col_offset: int = 0,
    at_row: int | None = None,
    mapped: Sequence[str] = (),
) -> Header | None:
    """The header among the first rows: the row (or two rows) naming the most known fields.

    `head` holds (row number, cells) pairs from the top of the sheet; `at_row` (the clerk's
    choice) makes the header start at that row, however few fields it names; a header cell
    named in `mapped` (the --map columns) counts as a known field."""
    table = synonyms(kind)
    known = frozenset(header_key(name) for name in mapped)

    def score(headers: Sequence[str]) -> int:
        named = sum(1 for h in headers if h and header_key(h) in known)
        return _score(_assign(table, headers)) + named

    best: Header | None = None
    best_score = MIN_FIELDS - 1 if at_row is None else -1
    for i, (number, cells) in enumerate(head):
        if at_row is None and i >= SCAN_ROWS:
            break
        if (at_row is not None and number != at_row) or not _is_header_like(cells):
            continue
        single = _single(cells)
        single_score = score(single)
        if single_score > best_score:
            best, best_score = _build((number,), single, table, col_offset), single_score
        below = head[i + 1] if i + 1 < len(head) else None
        if below is None or below[0] != number + 1 or not _is_header_like(below[1]):
            continue
        double = _double(cells, below[1], number - 1, merges)
        double_score = score(double)
        # Two rows are a header only if together they name more fields than either row alone
        # (a title cell over the real header names nothing more).
        if double_score > max(best_score, single_score, score(_single(below[1]))):
            best = _build((number, number + 1), double, table, col_offset)
            best_score = double_score
    return best


class MappingError(WorkstationError):
    """A --map option names a column or field that does not exist."""


def parse_map(items: Sequence[str]) -> list[tuple[str, str]]:
    """`列名=field` options as (column, field) pairs; an empty field keeps the column as extra."""
    out = []
    for item in items:
        column, sep, field = item.partition("=")
        if not sep or not column.strip():
            raise MappingError(f"--map “{item}”应写成 “列名=字段”，如 “收到日期=received_on”")
        out.append((column.strip(), field.strip()))
    return out


def apply_map(
    header: Header, overrides: Sequence[tuple[str, str]], kind: str, labels: Mapping[str, str]
) -> Header:
    """The header with --map overrides: a column found by header text or letter, a field by its
    key, its Chinese label or any synonym; the column that had the field before loses it."""
    if not overrides:
        return header
    table = synonyms(kind)
    columns = list(header.columns)
    for column_name, field_name in overrides:
        index = _find_column(columns, column_name)
        field = _find_field(field_name, table, labels)
        for i, c in enumerate(columns):
            if field is not None and c.field == field and i != index:
                columns[i] = dataclasses.replace(c, field=None, how="duplicate")
        c = columns[index]
        scale = _scale(c.header) if field == "amount" else 1
        columns[index] = dataclasses.replace(c, field=field, how="map", scale=scale)
    return Header(header.rows, tuple(columns))


def _find_column(columns: Sequence[Column], name: str) -> int:
    key = _full_key(name)
    for i, c in enumerate(columns):
        if c.header and (c.header == name or _full_key(c.header) == key):
            return i
    for i, c in enumerate(columns):
        if c.header and header_key(c.header) == header_key(name):
            return i
    for i, c in enumerate(columns):
        if c.letter == name.upper():
            return i
    shown = listed([c.header for c in columns if c.header])
    raise MappingError(f"--map 中的列“{name}”在表头中找不到（表头有：{shown}）")


def parse_constants(items: Sequence[str], kind: str, labels: Mapping[str, str]) -> dict[str, str]:
    """`字段=值` options (--set): a value for a field every row lacks, e.g. the 办案单位 of a ledger
    kept by one agency, the 来源渠道 of a hotline log."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise MappingError(
                f"--set “{item}”应写成 “字段=值”，如 “办案单位=江州市公安局东湖分局”"
            )
        field = _find_field(name.strip(), synonyms(kind), labels)
        if field is None:
            raise MappingError(f"--set “{item}”没有指明字段")
        out[field] = value.strip()
    return out


def _find_field(name: str, table: Synonyms, labels: Mapping[str, str]) -> str | None:
    if name in ("", "-", "无", "忽略", "附加", "extra"):
        return None
    if name in labels:
        return name
    for field, label in labels.items():
        if header_key(label) == header_key(name):
            return field
    field, tier = table.lookup(name)
    if field is not None and tier <= 1 and not field.startswith("_"):
        return field
    shown = "、".join(f"{k}（{v}）" for k, v in labels.items())
    raise MappingError(f"--map 中的字段“{name}”不存在；可用字段：{shown}")
