"""The rejects workbook: rejected rows as they were, plus a 问题说明, to fix and import again."""

from __future__ import annotations

import datetime as dt
import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workstation.errors import WorkstationError
from workstation.importing.headers import Header
from workstation.importing.readers import Cell

NOTE_HEADER = "问题说明"
ROW_HEADER = "原行号"
_FORMULA_START = ("=", "+", "-", "@")


def check_target(path: Path) -> None:
    """Refuse, before importing, a rejects file that could not be written."""
    if path.suffix.lower() != ".xlsx":
        raise WorkstationError(f"问题行文件“{path.name}”应以 .xlsx 结尾")
    if not path.parent.is_dir():
        raise WorkstationError(f"问题行文件所在的文件夹“{path.parent}”不存在")
    if path.is_dir():
        raise WorkstationError(f"“{path}”是一个文件夹")
    _remove_leftovers(path)


def _remove_leftovers(path: Path) -> None:
    """Delete what an import killed mid-way left beside `path`: its temporary rejects workbook,
    which holds the rejected rows (reporters' names and phones among them). Only files of
    processes that are gone; where that cannot be told (not POSIX), none."""
    if os.name != "posix":
        return
    prefix = f".{path.name}."
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        pid = leftover.name[len(prefix) : -len(".tmp")]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _cell(ws: Any, value: Cell) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, dt.timedelta):
        value = str(value)
    if isinstance(value, str):
        # Control characters a CSV may carry cannot be stored in a workbook: shown as �.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(ws, value=None if value == "" else value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # Text that Excel would take for a formula stays text (DESIGN §7).
        cell.data_type = "s"
    return cell


def write_rejects(
    path: Path,
    header: Header,
    rows: Sequence[tuple[int, Sequence[Cell], str]],
    *,
    sheet_title: str = "问题行",
) -> Path:
    """Write (row number, original cells, reasons) rows under the original headers to a file
    next to `path`, and return that temporary file (the caller moves it into place)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet_title)
    width = max([len(header.columns), *(len(cells) for _, cells, _ in rows)])
    titles = [c.header or c.letter for c in header.columns]
    titles += [""] * (width - len(titles))
    ws.append([_cell(ws, t) for t in titles] + [ROW_HEADER, NOTE_HEADER])
    for number, cells, reason in rows:
        values = list(cells) + [""] * (width - len(cells))
        ws.append([_cell(ws, v) for v in values[:width]] + [number, _cell(ws, reason)])
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # Readable by its owner only, as the store is: the rows hold reporters' names and phones.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        workbook.save(temporary)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WorkstationError(f"无法写入问题行文件“{path}”：{exc.strerror}") from exc
    return temporary
