"""The brief as an Excel workbook (openpyxl write-only: every sheet streamed to the file, so
memory stays bounded however many leads the detail sheet lists)."""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from workstation.briefs import xlsx_sheets as sheets
from workstation.briefs.model import Brief, BriefCancelled, DetailLead
from workstation.briefs.xlsx_sheet import FORMULA_START, WRAP, WRAP_WIDTH, Sheet, vocab_label
from workstation.vocab import CATEGORY, CHANNEL, DISPOSITION, LEAD_STATUS, RESULT, UNIT_TYPE

SHEETS = ("概览", "按渠道", "按类别", "按单位", "线索明细", "案件异常", "逾期线索", "重点关注")
DETAIL_COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 8), ("线索编号", 15), ("受理日期", 12), ("来源渠道", 10), ("反映人", 10),
    ("联系电话", 14), ("是否匿名", 9), ("被反映人", 10), ("职务", 14), ("被反映单位", 30),
    ("单位类型", 10), ("问题类别", 24), ("主要问题", WRAP_WIDTH), ("办理状态", 10),
    ("处置方式", 10), ("核查结论", 10), ("承办单位", 24), ("办理期限", 12), ("办结日期", 12),
    ("逾期天数", 9),
)  # fmt: skip
# 0-based columns of the detail sheet holding text people typed or imported (guarded against
# formulas and cleaned of control characters), and those wrapped (category, summary).
DETAIL_FREE_TEXT = (1, 4, 5, 7, 8, 9, 16)
DETAIL_WRAP = (11, 12)
PROGRESS_EVERY = 1000


def detail_values(index: int, lead: DetailLead) -> list[Any]:
    """The values of one detail row (the benchmark's floor writes the same)."""
    return [
        index,
        lead.ref,
        lead.received_on,
        vocab_label(CHANNEL, lead.channel),
        lead.reporter_name,
        lead.reporter_phone,
        "是" if lead.anonymous else "否",
        lead.subject,
        lead.subject_position,
        lead.subject_unit,
        vocab_label(UNIT_TYPE, lead.subject_unit_type),
        vocab_label(CATEGORY, lead.category),
        lead.summary,
        vocab_label(LEAD_STATUS, lead.status),
        vocab_label(DISPOSITION, lead.disposition),
        vocab_label(RESULT, lead.result),
        lead.handler_unit,
        lead.due_on,
        lead.concluded_on,
        lead.overdue_days,
    ]


def _detail_sheet(
    wb: Workbook,
    brief: Brief,
    details: Iterable[DetailLead],
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> int:
    sheet = Sheet(wb, brief, "线索明细", [w for _, w in DETAIL_COLUMNS])
    sheet.freeze_below(3)
    sheet.title(
        f"本期受理线索明细（{brief.period.describe()}，共{brief.appendix.count}件）",
        "反映人姓名和电话已作脱敏处理" if brief.masked else "含反映人完整信息，注意保密",
    )
    header_row = sheet.header([name for name, _ in DETAIL_COLUMNS])
    ws = sheet.ws
    total = brief.appendix.count
    illegal = ILLEGAL_CHARACTERS_RE.search
    prototype = WriteOnlyCell(ws)
    prototype.alignment = WRAP
    wrapped = prototype._style
    n = 0
    for n, lead in enumerate(details, 1):
        if n % PROGRESS_EVERY == 0:
            if cancel is not None and cancel():
                raise BriefCancelled("已取消生成简报")
            if progress is not None:
                progress(n, total)
        values = detail_values(n, lead)
        for i in DETAIL_FREE_TEXT:
            text = values[i]
            if text and (text.startswith(FORMULA_START) or text in ERROR_CODES or illegal(text)):
                values[i] = sheet.cell(text)
        for i in DETAIL_WRAP:
            text = values[i]
            if illegal(text):
                text = ILLEGAL_CHARACTERS_RE.sub("", text)
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"  # the summary is free text too: never a formula
            cell._style = copy.copy(wrapped)  # as `cell.alignment = WRAP`, without its lookup
            values[i] = cell
        ws.append(values)
    sheet.row += n
    sheet.autofilter(header_row, sheet.row, len(DETAIL_COLUMNS))
    if progress is not None:
        progress(n, max(total, n))
    return n


def render_xlsx(
    brief: Brief,
    target: str | os.PathLike[str] | BinaryIO,
    *,
    details: Iterable[DetailLead] = (),
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Write the workbook to a path or binary stream; returns the rows of the detail sheet.

    Progress is reported as (detail rows written, detail rows expected); `cancel()` returning
    true stops the work (BriefCancelled) within a thousand rows."""
    wb = Workbook(write_only=True)
    wb.properties.title = f"{brief.title} 第{brief.issue}期"
    wb.properties.creator = f"{brief.author.display_name}（{brief.author.login}）"
    try:
        sheets.overview_sheet(wb, brief)
        sheets.breakdown_sheet(wb, brief, "按渠道", brief.by_channel, horizontal=False)
        sheets.breakdown_sheet(wb, brief, "按类别", brief.by_category, horizontal=True)
        sheets.units_sheet(wb, brief)
        rows = _detail_sheet(wb, brief, details, progress, cancel)
        sheets.anomalies_sheet(wb, brief)
        sheets.overdue_sheet(wb, brief)
        sheets.watch_sheet(wb, brief)
        if cancel is not None and cancel():
            raise BriefCancelled("已取消生成简报")
        wb.save(target)
    except BaseException:
        _discard(wb)
        raise
    return rows


def _discard(wb: Workbook) -> None:
    """Close the streamed sheets of an abandoned workbook and delete their temporary files."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        with contextlib.suppress(OSError):
            writer.cleanup()
