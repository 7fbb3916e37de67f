"""A first look at a file for the import wizard: its sheets, the sheet the import would read, and
whether that sheet holds leads or cases (from the fields its header names)."""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Sequence
from pathlib import Path

from workstation.importing.headers import SCAN_ROWS, detect_header
from workstation.importing.readers import Book, Cell, Merge, SheetInfo
from workstation.importing.safety import check_file
from workstation.importing.source import KINDS

HEAD_ROWS = SCAN_ROWS + 2


@dataclasses.dataclass(frozen=True)
class SheetGuess:
    """One sheet: whether a header was found in its first rows, and for which kind."""

    name: str
    visible: bool
    kind: str | None  # "leads", "cases", or None when no header of either kind was found
    header_rows: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Inspection:
    file_name: str
    format: str  # "xlsx", "xls" or "csv"
    encoding: str | None  # CSV only
    sheets: list[SheetGuess]
    sheet: str | None  # the sheet the import reads by default (None for CSV)
    kind: str | None  # what that sheet seems to hold; None when it cannot tell

    def guess(self, sheet: str | None) -> SheetGuess | None:
        for s in self.sheets:
            if sheet is None or s.name == sheet:
                return s
        return None


def guess_kind(
    head: list[tuple[int, list[Cell]]], merges: Sequence[Merge] | None, col_offset: int = 0
) -> tuple[str | None, tuple[int, ...]]:
    """(kind, header rows) of a sheet's first rows: the kind whose required columns the header
    names best (then the kind it names more fields of); None when neither or both equally."""
    scores: dict[str, tuple[float, int]] = {}
    rows: dict[str, tuple[int, ...]] = {}
    for kind, module in KINDS.items():
        header = detect_header(head, kind, merges, col_offset=col_offset)
        if header is None:
            continue
        present = set(header.field_columns())
        required = sum(1 for f in module.REQUIRED if f in present) / len(module.REQUIRED)
        scores[kind] = (required, len(present))
        rows[kind] = header.rows
    if not scores:
        return None, ()
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None, rows[ranked[0][0]]
    best = ranked[0][0]
    return best, rows[best]


def inspect_file(path: str | os.PathLike[str]) -> Inspection:
    """Check the file (hostile files raise FileRefused), then look at the top of every sheet."""
    file = Path(path)
    check = check_file(file)
    with Book(file, check) as book:
        infos: list[SheetInfo] = book.sheets
        guesses = []
        for info in infos:
            sheet = book.sheet(info.name)
            head = list(itertools.islice(sheet.rows(), HEAD_ROWS))
            kind, header_rows = guess_kind(head, sheet.merges, sheet.col_offset)
            guesses.append(SheetGuess(info.name, info.visible, kind, header_rows))
        found = [g for g in guesses if g.visible and g.header_rows]
        visible = [g for g in guesses if g.visible] or guesses
        chosen = found[0] if found else (visible[0] if visible else None)
        return Inspection(
            file_name=file.name,
            format=check.format,
            encoding=book.encoding,
            sheets=guesses,
            sheet=None if check.format == "csv" or chosen is None else chosen.name,
            kind=chosen.kind if chosen else None,
        )
