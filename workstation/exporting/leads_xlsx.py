"""A filtered list of leads as an Excel workbook: streamed, guarded, masked unless asked."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from workstation.briefs.xlsx import _discard
from workstation.briefs.xlsx_sheet import (
    DATE,
    FORMULA_START,
    HEADER_ALIGN,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    vocab_label,
)
from workstation.errors import Cancelled, WorkstationError
from workstation.services import audit
from workstation.services.auth import Actor, require
from workstation.services.lead_lists import LeadQuery, LeadRow, page_ids, rows_by_id
from workstation.services.leads import LABELS, VOCAB_FIELDS
from workstation.store import Store
from workstation.vocab import UNIT_TYPE

SHEET_TITLE = "线索清单"
# The columns: a row number, every field of the lead form (LABELS, in its order) and the unit's
# type; widths in Excel's character units (CJK counted double).
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("index", "序号", 8),
    ("ref", LABELS["ref"], 15),
    ("received_on", LABELS["received_on"], 12),
    ("channel", LABELS["channel"], 10),
    ("reporter_name", LABELS["reporter_name"], 10),
    ("reporter_phone", LABELS["reporter_phone"], 14),
    ("anonymous", LABELS["anonymous"], 9),
    ("subject", LABELS["subject"], 10),
    ("subject_position", LABELS["subject_position"], 14),
    ("subject_unit", LABELS["subject_unit"], 30),
    ("subject_unit_type", "单位类型", 10),
    ("category", LABELS["category"], 24),
    ("summary", LABELS["summary"], 50),
    ("case_no", LABELS["case_no"], 20),
    ("status", LABELS["status"], 10),
    ("disposition", LABELS["disposition"], 10),
    ("result", LABELS["result"], 10),
    ("handler_unit", LABELS["handler_unit"], 24),
    ("due_on", LABELS["due_on"], 12),
    ("concluded_on", LABELS["concluded_on"], 12),
)
_VOCABS = {**VOCAB_FIELDS, "subject_unit_type": UNIT_TYPE}
_DATES = frozenset({"received_on", "due_on", "concluded_on"})
_WRAPPED = frozenset({"category", "summary"})
PROGRESS_EVERY = 1000
PAGE = 1000


@dataclasses.dataclass(frozen=True)
class _Formats:
    """Cell styles made once and copied to every cell that needs one."""

    date: Any
    wrap: Any


def _text_cell(ws: Any, text: str, style: Any | None) -> Any:
    """Text that stays text: never read as a formula or an error value (DESIGN §7)."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if style is None and not text.startswith(FORMULA_START) and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    if style is not None:
        cell._style = style  # as `cell.alignment = WRAP`, without its lookup per cell
    return cell


def _values(ws: Any, index: int, row: LeadRow, formats: _Formats) -> list[Any]:
    out: list[Any] = []
    for field, _label, _width in COLUMNS:
        if field == "index":
            out.append(index)
            continue
        value = getattr(row, field)
        if value is None:
            out.append(None)
        elif field in _VOCABS:
            label = vocab_label(_VOCABS[field], value) or ""
            out.append(_text_cell(ws, label, formats.wrap if field in _WRAPPED else None))
        elif field == "anonymous":
            out.append("是" if value else "否")
        elif field in _DATES:
            cell = WriteOnlyCell(ws, value=value)
            cell._style = formats.date
            out.append(cell)
        else:
            out.append(_text_cell(ws, str(value), formats.wrap if field in _WRAPPED else None))
    return out


def write_workbook(
    target: Path,
    rows: Iterable[LeadRow],
    total: int,
    *,
    masked: bool,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Stream the rows into a new workbook at `target`; returns how many were written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    for i, (_field, _label, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.oddHeader.right.text = "反映人已脱敏 · 内部资料" if masked else "含反映人完整信息 · 注意保密"
    prototype = WriteOnlyCell(ws)
    prototype.number_format = DATE
    date_style = prototype._style
    prototype = WriteOnlyCell(ws)
    prototype.alignment = WRAP
    formats = _Formats(date=date_style, wrap=prototype._style)
    header = []
    for _field, label, _width in COLUMNS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.border, cell.alignment = HEADER_BORDER, HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    written = 0
    try:
        for written, row in enumerate(rows, 1):
            if written % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise Cancelled("已取消导出，未生成文件")
                if progress is not None:
                    progress(written, max(total, written))
            ws.append(_values(ws, written, row, formats))
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{written + 1}"
        if cancelled is not None and cancelled():
            raise Cancelled("已取消导出，未生成文件")
        wb.save(target)
    except BaseException:
        _discard(wb)
        raise
    if progress is not None:
        progress(written, max(total, written))
    return written


def _rows(session: Session, ids: Sequence[int], *, unmask: bool) -> Iterator[LeadRow]:
    """The leads of `ids` in that order, read a page at a time (ids first: no OFFSET)."""
    for start in range(0, len(ids), PAGE):
        yield from rows_by_id(session, ids[start : start + PAGE], unmask=unmask)


def _temporary(target: Path) -> Path:
    if target.suffix.lower() != ".xlsx":
        raise WorkstationError(f"导出文件“{target.name}”应以 .xlsx 结尾")
    if not target.parent.is_dir():
        raise WorkstationError(f"文件夹“{target.parent}”不存在")
    if target.is_dir():
        raise WorkstationError(f"“{target}”是一个文件夹")
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")


def _query_json(query: LeadQuery) -> dict[str, Any]:
    out = {}
    for field in dataclasses.fields(query):
        value = getattr(query, field.name)
        if value is not None and value != field.default:
            out[field.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def export_leads(
    store: Store,
    actor: Actor,
    query: LeadQuery,
    path: str | os.PathLike[str],
    *,
    unmask: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write every lead of `query`, in its order, to an .xlsx workbook at `path`; returns the
    number of leads written.

    Chinese headings, vocabulary values as their Chinese labels, dates as dates; reporters'
    names and phones masked unless `unmask` (leaders and admins). Text that a spreadsheet
    would read as a formula stays text. The rows come from one read transaction, a page at a
    time; the workbook is written to a temporary file that takes its name only when complete,
    so a failure or `cancelled()` (checked every thousand rows; raises Cancelled) leaves no
    file. The export is audited ("lead.export", with the file's SHA-256), an unmasked one also
    as "reporter.unmask"."""
    require(actor, "lead.read")
    if unmask:
        require(actor, "reporter.unmask")
    target = Path(path).expanduser().resolve()
    temporary = _temporary(target)
    try:
        with store.read() as session:
            ids = page_ids(session, query)
            written = write_workbook(
                temporary,
                _rows(session, ids, unmask=unmask),
                len(ids),
                masked=not unmask,
                progress=progress,
                cancelled=cancelled,
            )
        sha = audit.file_sha256(temporary)
        with store.write() as session:
            after = {
                "file": target.name,
                "sha256": sha,
                "rows": written,
                "masked": not unmask,
                "query": _query_json(query),
            }
            audit.record(session, actor, "lead.export", "lead", None, after=after)
            if unmask:
                purpose = {"purpose": "lead.export", "file": target.name}
                audit.record(session, actor, "reporter.unmask", "lead", None, after=purpose)
            temporary.replace(target)
    except PermissionError as exc:
        raise WorkstationError(
            f"无法写入“{target}”：没有权限，或该文件正被其他程序（如 Excel）打开"
        ) from exc
    except OSError as exc:
        raise WorkstationError(f"无法写入“{target}”：{exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return written
