"""The seed ledgers the fuzzer mutates: small real leads and case ledgers as .xlsx, .xls and CSV
(UTF-8, UTF-8 with BOM, GB18030, tab-separated), written the same way byte for byte every time."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from typing import Any

# Zip members' time and the workbook's own dates, fixed: a seed is the same bytes in every run,
# so that an input is reproduced from its seed and index alone.
ZIP_TIME = (2021, 3, 5, 9, 30, 0)
_CORE_DATE = b"2021-03-05T09:30:00Z"

LEAD_HEADER = ["序号", "受理时间", "来源渠道", "被反映人", "所在单位", "职务", "问题类别",
               "主要问题", "反映人", "联系电话"]  # fmt: skip
CASE_HEADER = ["案号", "办案单位", "案件类型", "案由", "受案日期", "立案日期", "最近办案活动日期",
               "嫌疑人已明确", "涉案金额", "承办人"]  # fmt: skip
UNITS = ["江州市公安局东湖分局", "江州市中级人民法院", "东湖区人民检察院", "西湖区司法局城关司法所"]


@dataclasses.dataclass(frozen=True)
class Ledger:
    """A ledger as rows of cell values, and how it is written out."""

    name: str  # file name, its extension says the format
    kind: str  # "leads" or "cases"
    rows: tuple[tuple[Any, ...], ...]
    merges: tuple[str, ...] = ()  # merged ranges (xlsx only)
    hidden: tuple[tuple[Any, ...], ...] = ()  # rows of a hidden sheet after it (xlsx only)
    encoding: str = "utf-8"  # CSV only
    delimiter: str = ","  # CSV only

    @property
    def format(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def replace(self, **changes: Any) -> Ledger:
        return dataclasses.replace(self, **changes)


def lead_row(n: int) -> list[Any]:
    received = dt.datetime(2021, 3, 1, 9, 0) + dt.timedelta(days=n % 80, hours=n % 7)  # noqa: DTZ001 - cells have no zone
    return [
        n,
        received if n % 4 else f"{received.year}年{received.month}月{received.day}日",
        ["来电", "来信", "网上举报", "来访", "12389", "信访件"][n % 6],
        f"王{'一二三四五六七八九'[n % 9]}{n}",
        UNITS[n % len(UNITS)],
        ["民警", "法官", "检察官", "所长"][n % 4],
        ["违规经商", "干预司法", "有案不立", "违规参股借贷", "其他"][n % 5],
        f"反映其在辖区违规经营娱乐场所第{n}号，收受好处费{n * 100}元",
        f"李{'甲乙丙丁'[n % 4]}" if n % 3 else "匿名",
        f"1381234{n:04d}",
    ]


def case_row(n: int) -> list[Any]:
    accepted = dt.date(2020, 1, 1) + dt.timedelta(days=n * 11 % 400)
    return [
        f"东公（刑）立字〔2020〕{n}号",
        UNITS[n % len(UNITS)],
        ["刑事", "行政"][n % 2],
        ["盗窃", "诈骗", "故意伤害", "赌博"][n % 4],
        accepted,
        accepted + dt.timedelta(days=3) if n % 5 else "",
        accepted + dt.timedelta(days=30 + n % 50),
        "是" if n % 7 == 0 else "否",
        (n % 97) * 1000.5,
        f"赵{'一二三四五'[n % 5]}",
    ]


def _two_row_leads() -> Ledger:
    """A title over a two-row header (被反映人 merged over 姓名/单位/职务), totals and a note."""
    title = ["2021年第一季度问题线索台账", *[""] * 9]
    top = ["序号", "受理时间", "来源渠道", "被反映人", "", "", "问题类别", "主要问题", "反映人",
           "联系电话"]  # fmt: skip
    sub = ["", "", "", "姓名", "单位", "职务", "", "", "", ""]
    rows = [title, top, sub, *(lead_row(n) for n in range(1, 21))]
    rows += [["合计", "", "", "", "", "", "", "20件", "", ""], ["注：本表由办公室填报", *[""] * 9]]
    merges = ("A1:J1", "D2:F2", "A2:A3", "B2:B3", "C2:C3", "G2:G3", "H2:H3", "I2:I3", "J2:J3")
    return Ledger("线索台账.xlsx", "leads", _rows(rows), merges=merges)


def _rows(rows: Sequence[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(r) for r in rows)


def ledgers() -> list[Ledger]:
    leads = _rows([LEAD_HEADER, *(lead_row(n) for n in range(1, 16))])
    cases = _rows([CASE_HEADER, *(case_row(n) for n in range(1, 16))])
    csv_leads = _rows([LEAD_HEADER, *(_as_text(lead_row(n)) for n in range(1, 16))])
    csv_cases = _rows([CASE_HEADER, *(_as_text(case_row(n)) for n in range(1, 16))])
    return [
        _two_row_leads(),
        Ledger("线索.xlsx", "leads", leads, hidden=_rows([["说明"], ["此表隐藏"]])),
        Ledger("案件台账.xlsx", "cases", cases),
        Ledger("线索.xls", "leads", leads),
        Ledger("线索.csv", "leads", csv_leads),
        Ledger("线索GBK.csv", "leads", csv_leads, encoding="gb18030"),
        Ledger("线索制表符.csv", "leads", csv_leads, encoding="gb18030", delimiter="\t"),
        Ledger("案件.csv", "cases", csv_cases, encoding="utf-8-sig"),
    ]


def store_ledgers() -> list[Ledger]:
    """What the store holds before each input: some leads and cases the seeds repeat or update."""
    leads = _rows([LEAD_HEADER, *(lead_row(n) for n in range(1, 6))])
    cases = [CASE_HEADER]
    for n in range(1, 9):
        row = case_row(n)
        row[6] = row[6] - dt.timedelta(days=10)  # the seeds bring a later 最近办案活动日期
        cases.append(row)
    return [Ledger("在库线索.xlsx", "leads", leads), Ledger("在库案件.xlsx", "cases", _rows(cases))]


def _as_text(row: Sequence[Any]) -> list[str]:
    out = []
    for value in row:
        if isinstance(value, dt.datetime):
            out.append(f"{value:%Y-%m-%d %H:%M}")
        elif isinstance(value, dt.date):
            out.append(value.isoformat())
        else:
            out.append(str(value))
    return out


class Unwritable(ValueError):
    """A mutated ledger the writing library refuses (e.g. a control character for openpyxl)."""


def render(ledger: Ledger) -> bytes:
    """The file's bytes."""
    if ledger.format == "csv":
        return _csv(ledger)
    if ledger.format == "xls":
        return _xls(ledger)
    return _xlsx(ledger)


def _csv(ledger: Ledger) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=ledger.delimiter)
    for row in ledger.rows:
        writer.writerow(["" if v is None else v for v in row])
    try:
        return text.getvalue().encode(ledger.encoding)
    except UnicodeEncodeError:
        return text.getvalue().encode(ledger.encoding, errors="replace")


def _xlsx(ledger: Ledger) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "台账"
    try:
        for row in ledger.rows:
            ws.append(list(row))
        for cells in ledger.merges:
            ws.merge_cells(cells)
        if ledger.hidden:
            extra = workbook.create_sheet("说明")
            for row in ledger.hidden:
                extra.append(list(row))
            extra.sheet_state = "hidden"
        out = io.BytesIO()
        workbook.save(out)
    except (IllegalCharacterError, ValueError, TypeError, OverflowError) as exc:
        raise Unwritable(str(exc)) from exc
    return canonical_zip(out.getvalue())


def _xls(ledger: Ledger) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    try:
        for r, row in enumerate(ledger.rows):
            for c, value in enumerate(row):
                if isinstance(value, (dt.date, dt.datetime)):
                    ws.write(r, c, value, date_style)
                elif value is not None and value != "":
                    ws.write(r, c, value)
        out = io.BytesIO()
        book.save(out)
    except Exception as exc:  # xlwt raises bare Exception for many refusals
        raise Unwritable(str(exc)) from exc
    return out.getvalue()


def canonical_zip(data: bytes, members: Sequence[tuple[str, bytes]] | None = None) -> bytes:
    """A zip of `members` (default: those of `data`) with fixed times, deflated."""
    if members is None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    out = io.BytesIO()
    # A duplicated member is one of the mutations: zipfile warns about it, and writes it.
    with (
        warnings.catch_warnings(),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        warnings.simplefilter("ignore")
        for name, body in members:
            if name == "docProps/core.xml":
                body = _fixed_core_dates(body)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
    return out.getvalue()


def _fixed_core_dates(body: bytes) -> bytes:
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + _CORE_DATE, body)
