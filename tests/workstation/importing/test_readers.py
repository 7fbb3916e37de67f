"""Readers: each file form gives the same rows; calamine's geometry as the import relies on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from importing_helpers import Files, naive

from workstation.importing.readers import Book, Merge, detect_delimiter, detect_encoding
from workstation.importing.safety import check_file

ROWS = [
    ["受理时间", "被反映人", "主要问题"],
    ["2021-03-05", "張三", "反映问题，含“引号”和,逗号"],
    ["2021年3月6日", "李四", "多行\n内容"],
]


def _rows(path: Path, sheet: str | None = None) -> list[tuple[int, list[object]]]:
    with Book(path, check_file(path)) as book:
        name = sheet or book.sheets[0].name
        return list(book.sheet(name).rows())


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
     ("utf-16", "utf-16")],
)  # fmt: skip
def test_csv_encodings_are_detected_from_the_bytes(
    files: Files, encoding: str, expected: str
) -> None:
    path = files.csv("台账.csv", ROWS, encoding=encoding)
    assert detect_encoding(path) == expected
    assert [cells for _, cells in _rows(path)] == ROWS


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters(files: Files, delimiter: str) -> None:
    path = files.csv("台账.csv", ROWS, delimiter=delimiter)
    assert detect_delimiter(path, "utf-8") == delimiter
    assert [cells for _, cells in _rows(path)] == ROWS


def test_csv_row_numbers_count_records_not_lines(files: Files) -> None:
    path = files.csv("台账.csv", ROWS)
    assert [n for n, _ in _rows(path)] == [1, 2, 3]


def test_xlsx_cells_and_sheet_visibility(files: Files) -> None:
    path = files.xlsx(
        "台账.xlsx",
        [["受理时间", "序号"], [naive(2021, 3, 5), 1]],
        before=[("隐藏", [["x"]], "hidden"), ("深藏", [["y"]], "veryHidden")],
    )
    with Book(path, check_file(path)) as book:
        assert [(s.name, s.visible, s.state) for s in book.sheets] == [
            ("隐藏", False, "hidden"), ("深藏", False, "very_hidden"), ("台账", True, "visible"),
        ]  # fmt: skip
    assert _rows(path, "台账") == [(1, ["受理时间", "序号"]), (2, [dt.date(2021, 3, 5), 1.0])]


def test_calamine_geometry_rows_from_the_top_cells_from_the_first_used_column(
    files: Files,
) -> None:
    """Pins what readers.py relies on: iter_rows starts at row 1 of the sheet, but at the
    first used column; merged ranges are in sheet coordinates (made relative by the reader)."""
    path = files.xlsx(
        "偏移.xlsx",
        [[], [], [None, None, "标题"], [None, None, "受理时间", "主要问题"]],
        merges=["C3:D3"],
    )
    with Book(path, check_file(path)) as book:
        sheet = book.sheet("台账")
        assert sheet.col_offset == 2
        assert sheet.merges == [Merge(2, 0, 2, 1)]
        rows = list(sheet.rows())
    assert rows[-2:] == [(3, ["标题", ""]), (4, ["受理时间", "主要问题"])]


def test_xls_with_merged_cells(files: Files) -> None:
    path = files.xls(
        "台账.xls",
        [["2021年台账", None, None], ["受理时间", "被反映人", "主要问题"],
         [dt.date(2021, 3, 5), "张三", "反映问题"]],
        merges=[(0, 0, 0, 2)],
    )  # fmt: skip
    assert check_file(path).format == "xls"
    with Book(path, check_file(path)) as book:
        sheet = book.sheet(book.sheets[0].name)
        assert sheet.merges == [Merge(0, 0, 0, 2)]
        rows = list(sheet.rows())
    assert rows == [
        (1, ["2021年台账", "", ""]),
        (2, ["受理时间", "被反映人", "主要问题"]),
        (3, [dt.date(2021, 3, 5), "张三", "反映问题"]),
    ]


def test_xlsm_is_read_as_a_workbook_with_its_cached_values(files: Files) -> None:
    def formula(ws: object) -> None:
        ws["C2"] = "=1+1"  # type: ignore[index]

    path = files.xlsx(
        "宏.xlsm", [["受理时间", "主要问题", "合计"], ["2021-03-05", "x"]], edit=formula
    )
    assert check_file(path).format == "xlsx"
    # openpyxl stores no cached value for the formula: the cell reads as empty, never as code.
    assert _rows(path)[1][1][:2] == ["2021-03-05", "x"]
