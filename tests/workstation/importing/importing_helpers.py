"""Helpers of the import tests: real ledger files (xlsx, xls, csv) made on the spot; counts."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workstation.models import AuditEvent, Case, ImportBatch, Lead, Person, Unit
from workstation.store import Store

TODAY = dt.date(2021, 6, 30)
LEAD_HEADER = [
    "序号",
    "受理时间",
    "来源渠道",
    "被反映人",
    "所在单位",
    "职务",
    "问题类别",
    "主要问题",
]


def naive(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A date and time as a spreadsheet cell holds it: no time zone."""
    return dt.datetime.combine(dt.date(year, month, day), dt.time(hour, minute))


def lead_row(n: int, **changes: Any) -> list[Any]:
    """A valid leads ledger row (LEAD_HEADER order); n makes it distinct."""
    row: dict[str, Any] = {
        "序号": n,
        "受理时间": naive(2021, 3, 1) + dt.timedelta(days=n % 60),
        "来源渠道": ["来电", "来信", "网上举报", "来访"][n % 4],
        "被反映人": f"王{'一二三四五六七八九'[n % 9]}{n}",
        "所在单位": ["江州市公安局东湖分局", "江州市中级人民法院", "东湖区人民检察院"][n % 3],
        "职务": "民警",
        "问题类别": "违规经商",
        "主要问题": f"反映其在辖区违规经营娱乐场所第{n}号",
    }
    row.update(changes)
    return [row[h] for h in LEAD_HEADER]


class Files:
    """Writes ledger files into a test's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def xlsx(
        self,
        name: str,
        rows: Sequence[Sequence[Any]],
        *,
        sheet: str = "台账",
        merges: Sequence[str] = (),
        before: Sequence[tuple[str, Sequence[Sequence[Any]], str]] = (),
        after: Sequence[tuple[str, Sequence[Sequence[Any]], str]] = (),
        edit: Callable[[Any], None] | None = None,
    ) -> Path:
        """An .xlsx (or .xlsm) of `rows`; `before`/`after` add (title, rows, state) sheets."""
        from openpyxl import Workbook

        workbook = Workbook()
        first = workbook.active
        assert first is not None
        workbook.remove(first)
        for title, sheet_rows, state in before:
            extra = workbook.create_sheet(title)
            for r in sheet_rows:
                extra.append(list(r))
            extra.sheet_state = state
        ws = workbook.create_sheet(sheet)
        for r in rows:
            ws.append(list(r))
        for cells in merges:
            ws.merge_cells(cells)
        for title, sheet_rows, state in after:
            extra = workbook.create_sheet(title)
            for r in sheet_rows:
                extra.append(list(r))
            extra.sheet_state = state
        if edit is not None:
            edit(ws)
        path = self.folder / name
        workbook.save(path)
        return path

    def csv(
        self,
        name: str,
        rows: Sequence[Sequence[Any]],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> Path:
        path = self.folder / name
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            for r in rows:
                writer.writerow(["" if v is None else v for v in r])
        return path

    def xls(
        self, name: str, rows: Sequence[Sequence[Any]], *, merges: Sequence[tuple[int, ...]] = ()
    ) -> Path:
        """A real BIFF .xls (xlwt); merges are (first row, last row, first col, last col)."""
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        ws = book.add_sheet("台账")
        date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        merged = {(m[0], m[2]): m for m in merges}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if (r, c) in merged:
                    m = merged[(r, c)]
                    ws.write_merge(m[0], m[1], m[2], m[3], value)
                elif isinstance(value, dt.date):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
        path = self.folder / name
        book.save(str(path))
        return path


def counts(store: Store) -> dict[str, int]:
    """How many of each record the store holds (to show a failed import left no trace)."""
    with store.read() as session:
        return {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Lead, Case, Unit, Person, ImportBatch, AuditEvent)
        }
