"""Cell values → field values through the services' field readers, a column of cells at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workstation.importing.dates import DateUnreadable, parse_date
from workstation.importing.readers import Cell, as_display
from workstation.services.fields import (
    FieldProblem,
    read_amount_fen,
    read_bool,
    read_date,
    read_phone,
    read_text,
    read_vocab,
)
from workstation.vocab import Vocabulary, classify_category, normalise

# Converting is the import's inner loop (rows × columns), so converters work on a whole column
# of a block of rows: tidy text passes through a list comprehension, and values that repeat
# (dates, channels, statuses) are looked up in a cache of what the field reader said first.

_ANONYMOUS = {"匿名": True, "实名": False, "署名": False, "具名": False}
_MISS = object()
CACHE_LIMIT = 100_000
QUOTE_LIMIT = 50  # characters of a cell quoted in a rejected row's reason
MESSAGE_LIMIT = 300  # a reason longer than this quotes too much of the cell


def cell_text(cell: Cell) -> str:
    """A cell as text: integral numbers without ".0", dates as YYYY-MM-DD."""
    return cell if isinstance(cell, str) else as_display(cell)


def _shown(cell: Cell) -> str:
    return cell_text(cell).strip()


def _blank(cell: Cell) -> bool:
    return cell == "" or cell is None


class Converter:
    """Reads one field's cells; a problem is a FieldProblem naming the field (in Chinese)."""

    def __init__(self, read: Callable[[Cell], Any]) -> None:
        self.read = read

    def __call__(self, cell: Cell) -> Any:
        return None if _blank(cell) else self.read(cell)

    def column(self, cells: Sequence[Cell]) -> tuple[list[Any], dict[int, FieldProblem]]:
        """The values of a column of cells, and the problems by position."""
        out: list[Any] = []
        problems: dict[int, FieldProblem] = {}
        for k, cell in enumerate(cells):
            if _blank(cell):
                out.append(None)
                continue
            try:
                out.append(self.read(cell))
            except FieldProblem as problem:
                out.append(None)
                problems[k] = problem
        return out, problems


def _finish(
    convert: Converter, cells: Sequence[Cell], out: list[Any]
) -> tuple[list[Any], dict[int, FieldProblem]]:
    """Read, one by one, the cells a column's fast path left undecided (_MISS, or a cached
    problem, which is raised again so it is reported for this row too)."""
    problems: dict[int, FieldProblem] = {}
    for k, value in enumerate(out):
        if value is _MISS or isinstance(value, FieldProblem):
            try:
                out[k] = convert(cells[k])
            except FieldProblem as problem:
                out[k] = None
                problems[k] = problem
    return out, problems


class Cached(Converter):
    """A converter of values that repeat: each distinct cell is read once."""

    def __init__(self, read: Callable[[Cell], Any]) -> None:
        super().__init__(read)
        self.cache: dict[tuple[type, Any], Any] = {}

    def _read(self, cell: Cell) -> Any:
        key = (cell.__class__, cell)
        hit = self.cache.get(key, _MISS)
        if hit is _MISS:
            try:
                hit = self.read(cell)
            except FieldProblem as problem:
                hit = problem
            if len(self.cache) < CACHE_LIMIT:
                self.cache[key] = hit
        if isinstance(hit, FieldProblem):
            raise hit
        return hit

    def __call__(self, cell: Cell) -> Any:
        return None if _blank(cell) else self._read(cell)

    def column(self, cells: Sequence[Cell]) -> tuple[list[Any], dict[int, FieldProblem]]:
        get = self.cache.get
        out = [None if c == "" else get((c.__class__, c), _MISS) for c in cells]
        return _finish(self, cells, out)


class Text(Converter):
    """Text as services.fields.read_text tidies it; most cells are tidy already and skip it."""

    def __init__(self, field: str, label: str, max_len: int) -> None:
        super().__init__(lambda cell: read_text(field, label, cell_text(cell), max_len=max_len))
        self.max_len = max_len

    def column(self, cells: Sequence[Cell]) -> tuple[list[Any], dict[int, FieldProblem]]:
        limit = self.max_len
        # Printable text has no whitespace but ASCII spaces and no invisibles (all of those are
        # Cc, Cf or Z*), so clean_text() could only trim or collapse its spaces.
        out = [
            c if c.__class__ is str and c.isprintable() and "  " not in c and c[:1] != " "
            and c[-1:] != " " and 0 < len(c) <= limit else _MISS
            for c in cells
        ]  # fmt: skip
        return _finish(self, cells, out)


def text(field: str, label: str, max_len: int) -> Converter:
    return Text(field, label, max_len)


def date(field: str, label: str, *, today: dt.date | None) -> Converter:
    """Any date form ledgers use; unreadable text is named with the field, as the clerk wrote it."""

    def read(cell: Cell) -> dt.date | None:
        try:
            value = parse_date(cell)
        except DateUnreadable:
            raise FieldProblem(field, f"{label}“{_shown(cell)}”无法识别") from None
        return read_date(field, label, value, today=today)

    return Cached(read)


def vocab(field: str, label: str, vocabulary: Vocabulary, *, loose: bool = False) -> Converter:
    """A vocabulary key from a key, label or synonym; `loose` also finds a synonym inside the text
    (“12345热线转办” → the one key whose synonyms it contains) when that is not ambiguous."""
    words: list[tuple[str, str]] = []
    if loose:
        for term in vocabulary.terms:
            for word in (term.label, *term.synonyms):
                folded = normalise(word)
                if len(folded) >= 2:
                    words.append((folded, term.key))

    def read(cell: Cell) -> str | None:
        shown = _shown(cell)
        if loose and shown and vocabulary.to_key(shown) is None:
            folded = normalise(shown)
            keys = {key for word, key in words if word in folded}
            if len(keys) == 1:
                return keys.pop()
        return read_vocab(field, label, vocabulary, shown)

    return Cached(read)


def category(field: str, label: str) -> Converter:
    """A category cell: label or synonym, else classified by keywords; "other" when nothing fits."""

    def read(cell: Cell) -> str | None:
        shown = _shown(cell)
        if not shown:
            return None
        return classify_category(shown) or "other"

    return Cached(read)


def boolean(field: str, label: str) -> Converter:
    def read(cell: Cell) -> bool | None:
        if isinstance(cell, float):
            cell = int(cell) if cell.is_integer() else cell
        shown = cell if isinstance(cell, bool) else _shown(cell)
        if isinstance(shown, str) and field == "anonymous" and normalise(shown) in _ANONYMOUS:
            return _ANONYMOUS[normalise(shown)]
        return read_bool(field, label, shown)

    return Cached(read)


def phone(field: str, label: str) -> Converter:
    """A telephone number (they rarely repeat: no cache); plain digits need no tidying."""

    def read(cell: Cell) -> str | None:
        shown = _shown(cell)
        if shown.isascii() and shown.isdigit() and 5 <= len(shown) <= 20:
            return shown
        return read_phone(field, label, shown)

    return Converter(read)


def amount(field: str, label: str, *, scale: int = 1) -> Converter:
    def read(cell: Cell) -> int | None:
        shown = _shown(cell)
        if scale != 1 and shown and not shown.endswith(("万", "万元", "元")):
            try:
                return read_amount_fen(field, label, f"{shown}万")
            except FieldProblem:
                raise FieldProblem(field, f"{label}“{shown}”不是有效金额") from None
        return read_amount_fen(field, label, shown)

    return Cached(read)


def short_quotes(message: str, cell: Cell) -> str:
    """A problem's message with the cell it quotes cut short: a rejected row's reason names the
    value (受理时间“2021-13-05”无法识别), but not a whole paragraph pasted into a date column."""
    if len(message) <= MESSAGE_LIMIT:
        return message
    text = _shown(cell)
    if len(text) > QUOTE_LIMIT and text in message:
        message = message.replace(text, text[: QUOTE_LIMIT - 1] + "…")
    if len(message) > MESSAGE_LIMIT:  # the cell quoted in another form
        message = message[: MESSAGE_LIMIT - 60] + "…" + message[-59:]
    return message


def convert_block(
    block: Sequence[Sequence[Cell]], columns: Mapping[str, tuple[int, Converter]]
) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Each row's field values and problems (field → Chinese message), column by column."""
    n = len(block)
    names = list(columns)
    values_by_column: list[list[Any]] = []
    problems: list[dict[str, str] | None] = [None] * n
    for name in names:
        index, convert = columns[name]
        cells = [row[index] if index < len(row) else "" for row in block]
        values, found = convert.column(cells)
        values_by_column.append(values)
        for k, problem in found.items():
            row_problems = problems[k]
            if row_problems is None:
                row_problems = problems[k] = {}
            row_problems[problem.field] = short_quotes(problem.message, cells[k])
    rows = [dict(zip(names, row, strict=True)) for row in zip(*values_by_column, strict=True)]
    if not names:
        rows = [{} for _ in range(n)]
    return [(rows[k], problems[k] or {}) for k in range(n)]
