"""The structure of a legacy .xls (an OLE2 compound file of BIFF records), checked before
calamine reads it.

calamine follows the file's sector chains as they are: a chain that loops back on itself makes
it allocate until the process is killed (a loop in the directory chain has no length bound at
all), and a link past the end of the allocation table is a Rust panic. It also reserves memory
for a sheet from the dimensions the sheet claims and builds a dense grid spanning its cells,
and a failed allocation aborts the process. Either takes the whole app down, so every chain
calamine may follow is walked here first (within the file, within its table, never visiting a
sector twice: a chain without a loop is bounded by the file size), and the sheets' dimensions
and cell positions are checked before calamine allocates for them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

ENDOFCHAIN = 0xFFFFFFFE
RESERVED = 0xFFFFFFFA  # ids from here on are markers (DIFSECT, FATSECT, ENDOFCHAIN, FREESECT)
DIFSECT = 0xFFFFFFFC
MINI_SECTOR = 64
MINI_CUTOFF = 4096  # streams shorter than this live in the mini stream
_STREAM = 2
WORKBOOK_STREAMS = ("Workbook", "Book")  # BIFF8, BIFF5
EOF_RECORD, BOUNDSHEET_RECORD, DIMENSIONS_RECORD = 0x000A, 0x0085, 0x0200
FORMULA_RECORD, MULRK_RECORD = 0x0006, 0x00BD
# Records of a cell calamine reads (row and column first): Number, Label, RString, BoolErr,
# Rk, LabelSst, MulRk, Formula.
CELL_RECORDS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, MULRK_RECORD,
                          FORMULA_RECORD})  # fmt: skip
MAX_CELLS = 65_536 * 256  # the largest grid an .xls sheet can have


class Damaged(ValueError):
    """What is wrong with the compound file's structure (English, for the technical detail)."""


class _File:
    def __init__(self, handle: BinaryIO, size: int, sector_size: int) -> None:
        self.handle = handle
        self.size = size
        self.sector_size = sector_size
        # Sector n starts after the header, which takes one sector's room.
        self.sectors = size // sector_size - 1

    def sector(self, sid: int) -> bytes:
        if sid >= self.sectors:
            raise Damaged(f"sector {sid} lies past the end of the file")
        self.handle.seek((sid + 1) * self.sector_size)
        return self.handle.read(self.sector_size)


def _u32s(data: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4]))


def _walk(start: int, table: list[int], limit: int, what: str) -> list[int]:
    """The sector ids of a chain; Damaged if it leaves the file or the table, or loops."""
    chain: list[int] = []
    seen: set[int] = set()
    sid = start
    while sid != ENDOFCHAIN:
        if sid >= limit:
            raise Damaged(f"the {what} chain points past the end of the file ({sid})")
        if sid in seen:
            raise Damaged(f"the {what} chain loops back to sector {sid}")
        if sid >= len(table):
            raise Damaged(f"the {what} chain leaves its allocation table ({sid})")
        seen.add(sid)
        chain.append(sid)
        sid = table[sid]
    return chain


def check_structure(path: Path, *, max_cells: int) -> None:
    """Raise Damaged unless every sector chain of the file is sound, and no sheet would make
    calamine hold more than `max_cells` cells."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(512)
        if len(header) < 512:
            raise Damaged("the header is incomplete")
        shift, mini_shift = struct.unpack_from("<HH", header, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise Damaged(f"sector shifts {shift}/{mini_shift}")
        cfb = _File(handle, size, 1 << shift)
        (dir_start,) = struct.unpack_from("<I", header, 48)
        mini_fat_start, mini_fat_len, difat_start = struct.unpack_from("<III", header, 60)
        fat = _allocation_table(cfb, _u32s(header[76:512]), difat_start)
        directory = b"".join(cfb.sector(s) for s in _walk(dir_start, fat, cfb.sectors, "directory"))
        entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        if not entries:
            raise Damaged("the directory is empty")
        mini_fat: list[int] = []
        mini_sectors = 0
        root: list[int] = []
        if mini_fat_len:
            root_start, root_len = _entry(entries[0], cfb.sector_size)
            root = _walk(root_start, fat, cfb.sectors, "mini stream")
            mini_bytes = min(root_len, len(root) * cfb.sector_size)
            mini_sectors = -(-mini_bytes // MINI_SECTOR)  # a last, partial mini sector counts
            chain = _walk(mini_fat_start, fat, cfb.sectors, "mini allocation table")
            mini_fat = _u32s(b"".join(cfb.sector(s) for s in chain))
        workbook = b""
        for entry in entries[1:]:
            if entry[66] != _STREAM:
                continue
            start, length = _entry(entry, cfb.sector_size)
            if length == 0:
                continue
            if length < MINI_CUTOFF:
                chain = _walk(start, mini_fat, mini_sectors, "stream")
            else:
                chain = _walk(start, fat, cfb.sectors, "stream")
            if not workbook and _name(entry) in WORKBOOK_STREAMS:
                if length < MINI_CUTOFF:
                    stream = b"".join(cfb.sector(s) for s in root)
                    data = b"".join(stream[s * MINI_SECTOR : (s + 1) * MINI_SECTOR] for s in chain)
                else:
                    data = b"".join(cfb.sector(s) for s in chain)
                workbook = data[:length]
    _check_records(workbook, max_cells)


def _name(entry: bytes) -> str:
    return entry[:64].decode("utf-16-le", "ignore").split("\0", 1)[0]


def _records(stream: bytes, at: int) -> Iterator[tuple[int, bytes]]:
    """(type, data) of the BIFF records from `at` to the end of the stream or an EOF record."""
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        data = stream[at + 4 : at + 4 + length]
        yield kind, data
        if kind == EOF_RECORD:
            return
        at += 4 + length


class _Grid:
    """The dense grid calamine makes of a sheet's cells (Range::from_sparse): from the least row
    and column of a cell to the greatest."""

    def __init__(self) -> None:
        self.rows: tuple[int, int] | None = None
        self.cols = (0, 0)

    def add(self, row: int, col: int) -> None:
        if self.rows is None:
            self.rows, self.cols = (row, row), (col, col)
        else:
            self.rows = (min(self.rows[0], row), max(self.rows[1], row))
            self.cols = (min(self.cols[0], col), max(self.cols[1], col))

    @property
    def cells(self) -> int:
        if self.rows is None:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.cols[1] - self.cols[0] + 1)


def _check_records(stream: bytes, max_cells: int) -> None:
    """What calamine allocates memory for from a sheet's records before reading its cells: the
    room its dimensions record asks for, and the dense grids (cells, formulas) spanning its
    cells. Read from where calamine reads them: from the position the workbook's sheet records
    give (a damaged file can point them anywhere)."""
    sheets: list[int] = []
    for kind, data in _records(stream, 0):
        if kind == BOUNDSHEET_RECORD and len(data) >= 4:
            sheets.append(struct.unpack_from("<I", data, 0)[0])
    for at in sheets:
        cells, formulas = _Grid(), _Grid()
        for kind, data in _records(stream, at):
            if kind == DIMENSIONS_RECORD:
                _check_dimensions(data)
            elif kind in CELL_RECORDS and len(data) >= 6:
                row, col = struct.unpack_from("<HH", data, 0)
                cells.add(row, col)
                if kind == FORMULA_RECORD:
                    formulas.add(row, col)
                elif kind == MULRK_RECORD:
                    cells.add(row, struct.unpack_from("<H", data, len(data) - 2)[0])
        for grid in (cells, formulas):
            if grid.cells > max_cells:
                raise Damaged(f"a sheet's cells span a grid of {grid.cells:,} cells")


def _check_dimensions(data: bytes) -> None:
    if len(data) == 14:
        first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", data, 0)
    elif len(data) == 10:
        first_row, end_row, first_col, end_col = struct.unpack_from("<HHHH", data, 0)
    else:
        return  # calamine refuses the record itself
    if end_row < 1 or end_col < 1:
        return  # read as a single cell
    rows, cols = end_row - first_row, end_col - first_col
    if rows < 1 or cols < 1 or rows * cols > MAX_CELLS:
        raise Damaged(
            f"a sheet's dimensions are rows {first_row}..{end_row}, columns {first_col}..{end_col}"
        )


def _allocation_table(cfb: _File, difat: list[int], difat_start: int) -> list[int]:
    """The FAT, from the sectors the DIFAT lists (109 in the header, the rest chained)."""
    seen: set[int] = set()
    sid = difat_start
    while sid < RESERVED:
        if sid in seen:
            raise Damaged(f"the DIFAT chain loops back to sector {sid}")
        seen.add(sid)
        difat.extend(_u32s(cfb.sector(sid)))
        sid = difat.pop()
    fat: list[int] = []
    for sid in difat:
        if sid < DIFSECT:
            fat.extend(_u32s(cfb.sector(sid)))
    return fat


def _entry(entry: bytes, sector_size: int) -> tuple[int, int]:
    """(start sector, stream length) of a directory entry."""
    (start,) = struct.unpack_from("<I", entry, 116)
    if sector_size == 512:
        (length,) = struct.unpack_from("<I", entry, 120)
    else:
        (length,) = struct.unpack_from("<Q", entry, 120)
    return start, length
