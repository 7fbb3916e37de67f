"""The wizard's first look at a file: which sheet, and leads or cases."""

from __future__ import annotations

import pytest
from importing_helpers import LEAD_HEADER, Files, lead_row

from workstation.importing.detect import inspect_file
from workstation.importing.safety import FileRefused

CASE_HEADER = ["案号", "办案单位", "案由", "受案日期", "立案日期"]
CASE_ROW = ["东公(刑)立字〔2021〕15号", "江州市公安局东湖分局", "盗窃", "2021-03-01", "2021-03-04"]


def test_a_leads_ledger_under_a_title_is_leads(files: Files) -> None:
    path = files.xlsx("a.xlsx", [["2021年线索台账"], LEAD_HEADER, lead_row(1)], merges=["A1:H1"])
    found = inspect_file(path)
    assert (found.format, found.sheet, found.kind) == ("xlsx", "台账", "leads")
    assert found.sheets[0].header_rows == (2,)


def test_a_case_ledger_is_cases(files: Files) -> None:
    found = inspect_file(files.xlsx("c.xlsx", [CASE_HEADER, CASE_ROW]))
    assert found.kind == "cases"


def test_the_first_visible_sheet_with_a_header_is_chosen(files: Files) -> None:
    path = files.xlsx(
        "b.xlsx",
        [CASE_HEADER, CASE_ROW],
        sheet="案件",
        before=[("封面", [["某某单位"]], "visible"), ("隐藏", [LEAD_HEADER], "hidden")],
    )
    found = inspect_file(path)
    assert [(s.name, s.visible, s.kind) for s in found.sheets] == [
        ("封面", True, None),
        ("隐藏", False, "leads"),
        ("案件", True, "cases"),
    ]
    assert (found.sheet, found.kind) == ("案件", "cases")


def test_a_sheet_without_a_header_has_no_kind(files: Files) -> None:
    found = inspect_file(files.xlsx("x.xlsx", [["甲", "乙"], ["1", "2"]]))
    assert (found.sheet, found.kind) == ("台账", None)


def test_gb18030_csv(files: Files) -> None:
    path = files.csv("a.csv", [LEAD_HEADER, lead_row(1)], encoding="gb18030")
    found = inspect_file(path)
    assert (found.format, found.encoding, found.sheet, found.kind) == (
        "csv",
        "gb18030",
        None,
        "leads",
    )


def test_a_disguised_file_is_refused(files: Files) -> None:
    path = files.folder / "fake.xlsx"
    path.write_bytes(b"this is not a workbook at all")
    with pytest.raises(FileRefused):
        inspect_file(path)
