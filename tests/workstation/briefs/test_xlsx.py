"""The workbook read back: its cells equal the JSON; text never becomes a formula; it prints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from briefs_helpers import HOSTILE_SUMMARY, Rendered
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from workstation.vocab import ANOMALY_STATE, CATEGORY, CHANNEL, LEAD_STATUS

SHEETS = ["概览", "按渠道", "按类别", "按单位", "线索明细", "案件异常", "逾期线索", "重点关注"]


@pytest.fixture(scope="module")
def wb(rendered: Rendered) -> Iterator[Workbook]:
    book = load_workbook(rendered.xlsx.path)
    yield book
    book.close()


def rows_from(ws: Worksheet, first: int) -> Iterator[list[Any]]:
    for row in ws.iter_rows(min_row=first):
        if all(c.value is None for c in row):
            return
        yield list(row)


def find_row(ws: Worksheet, label: str) -> list[Any]:
    for row in ws.iter_rows():
        if row[0].value == label:
            return list(row)
    raise AssertionError(f"{label!r} not in sheet {ws.title}")


def block(ws: Worksheet, title: str) -> list[list[Any]]:
    """The rows of the table whose header row starts with `title`."""
    for row in ws.iter_rows():
        if row[0].value == title:
            return list(rows_from(ws, row[0].row + 1))
    raise AssertionError(f"no table {title!r} in sheet {ws.title}")


def test_sheets(wb: Workbook) -> None:
    assert wb.sheetnames == SHEETS


@pytest.mark.parametrize(
    ("sheet", "name"), [("按渠道", "by_channel"), ("按类别", "by_category"), ("按单位", "by_unit")]
)
def test_breakdown_sheets_equal_the_json(
    wb: Workbook, rendered: Rendered, sheet: str, name: str
) -> None:
    ws = wb[sheet]
    breakdown = rendered.json[name]
    header = [c.value for c in ws[3]]
    assert header[1:] == ["累计", "本期新增", "已办结", "逾期", "占比"]
    rows = list(rows_from(ws, 4))
    expected = [*breakdown["rows"], breakdown["total"]]
    assert len(rows) == len(expected)
    for cells, row in zip(rows, expected, strict=True):
        assert cells[0].value == row["label"]
        for c, column in zip(cells[1:], breakdown["columns"], strict=True):
            assert c.value == row[column], (sheet, row["label"], column)
            if column == "share":
                assert c.number_format == "0.0%"
                assert c.data_type == "n"
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == f"A3:F{3 + len(breakdown['rows'])}"
    assert ws._charts, "a native chart on the breakdown sheet"


def test_overview_figures(wb: Workbook, rendered: Rendered) -> None:
    ws = wb["概览"]
    lf = rendered.json["leads"]
    assert find_row(ws, "受理线索")[1].value == lf["total"]
    assert find_row(ws, "本期新增")[1].value == lf["new"]
    assert find_row(ws, "逾期未办结")[1].value == lf["overdue"]
    rate = find_row(ws, "办结率")[1]
    assert (rate.value, rate.number_format) == (lf["conclusion_rate"], "0.0%")
    rate = find_row(ws, "查实率")[1]
    assert (rate.value, rate.number_format) == (lf["substantiated_rate"], "0.0%")
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for paragraph in rendered.json["summary"]:
        assert paragraph in texts
    for section in rendered.json["notes"]:
        assert section["title"] in texts
        assert all(p in texts for p in section["paragraphs"])
    for name in ("by_status", "by_disposition", "by_result"):
        breakdown = rendered.json[name]
        rows = block(ws, breakdown["title"])
        expected = [*breakdown["rows"], breakdown["total"]]
        assert [[c.value for c in r[:4]] for r in rows] == [
            [e["label"], e["total"], e["new"], e["share"]] for e in expected
        ]


def test_detail_sheet(wb: Workbook, rendered: Rendered) -> None:
    ws = wb["线索明细"]
    rows = list(rows_from(ws, 4))
    assert len(rows) == rendered.json["appendix"]["count"] == rendered.xlsx.rows
    refs = [r[1].value for r in rows]
    assert refs == ["XS2021-00004", "XS2021-00005", "XS2021-00006", "XS2021-00007"]
    received = rows[0][2]
    assert received.is_date
    assert received.value.date() == dt.date(2021, 6, 5)
    assert received.number_format == "yyyy-mm-dd"
    assert rows[1][3].value == CHANNEL.label("phone")
    assert rows[1][11].value == CATEGORY.label("interference")
    assert rows[1][13].value == LEAD_STATUS.label("concluded")
    # Masked reporters; the anonymous lead has none.
    assert [r[4].value for r in rows] == [None, "李**", "李**", "-**"]
    assert rows[1][5].value == "138****1234"
    assert rows[3][19].value == 5  # days overdue
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:T7"
    assert ws.print_title_rows == "$3:$3"


def test_anomalies_overdue_and_watch_sheets(wb: Workbook, rendered: Rendered) -> None:
    ws = wb["案件异常"]
    a = rendered.json["anomalies"]
    assert [c.value for c in ws[3]][1:6] == [
        ANOMALY_STATE.label(s) for s in ("suspected", "confirmed", "dismissed", "closed")
    ] + ["合计"]
    for row in (*a["by_kind"], a["total"]):
        cells = find_row(ws, row["label"])
        assert [c.value for c in cells[1:6]] == [
            row["suspected"], row["confirmed"], row["dismissed"], row["closed"], row["total"],
        ]  # fmt: skip
    confirmed = a["confirmed"][0]
    cells = next(r for r in ws.iter_rows() if r[0].value == confirmed["id"])
    assert cells[1].value == confirmed["case_no"]
    assert cells[8].value == confirmed["reason"]
    ws = wb["逾期线索"]
    rows = list(rows_from(ws, 4))
    expected = rendered.json["overdue"]["rows"]
    assert [(r[0].value, r[7].value.date().isoformat(), r[8].value) for r in rows] == [
        (e["ref"], e["due_on"], e["days_overdue"]) for e in expected
    ]
    ws = wb["重点关注"]
    for person in rendered.json["watch"]["persons"]:
        cells = find_row(ws, person["name"])
        assert [c.value for c in cells[1:5]] == [
            person["unit"], person["position"], person["leads"], person["reasons"],
        ]  # fmt: skip
    for unit in rendered.json["watch"]["units"]:
        cells = find_row(ws, unit["name"])
        assert cells[5].value == unit["substantiated_rate"]
        assert cells[5].number_format == "0.0%"


def test_text_never_becomes_a_formula(wb: Workbook) -> None:
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    assert c.data_type == "s"
                    seen.add(c.value)
    assert {HOSTILE_SUMMARY, "@SUM(A1)", "-**"} <= seen


def test_every_sheet_prints_on_a4_landscape(wb: Workbook) -> None:
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows
        assert "&P" in ws.oddFooter.center.text
        assert "&N" in ws.oddFooter.center.text
        assert ws.freeze_panes
        widths = [d.width for d in ws.column_dimensions.values()]
        assert widths
        assert all(8 <= w <= 70 for w in widths)
