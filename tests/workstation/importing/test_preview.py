"""The preview the import wizard shows: sheets, header rows, columns, their fields, first rows."""

from __future__ import annotations

import subprocess
import sys

from importing_helpers import LEAD_HEADER, TODAY, Files, lead_row

from workstation.importing import preview
from workstation.importing.headers import SEQ


def test_preview_of_a_two_row_header_with_a_hidden_sheet(files: Files) -> None:
    rows = [
        ["2021年线索台账"],
        ["序号", "受理时间", "被反映人", None, "主要问题", "备注"],
        [None, None, "姓名", "单位"],
        *[lead_row(i)[:2] + lead_row(i)[3:5] + [lead_row(i)[7], "x"] for i in range(1, 80)],
    ]
    path = files.xlsx(
        "台账.xlsx", rows, merges=["A1:F1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"],
        before=[("说明", [["x"]], "hidden")],
    )  # fmt: skip
    shown = preview(path, "leads", today=TODAY)
    assert [(s.name, s.visible) for s in shown.sheets] == [("说明", False), ("台账", True)]
    assert (shown.sheet, shown.header_rows, shown.missing, shown.problem) == (
        "台账",
        (2, 3),
        [],
        None,
    )
    assert [(c.letter, c.header, c.field) for c in shown.columns] == [
        ("A", "序号", SEQ), ("B", "受理时间", "received_on"), ("C", "被反映人·姓名", "subject"),
        ("D", "被反映人·单位", "subject_unit"), ("E", "主要问题", "summary"), ("F", "备注", None),
    ]  # fmt: skip
    assert len(shown.rows) == 50
    assert shown.rows[0].number == 4
    assert shown.rows[0].cells[:3] == ("1", "2021-03-02", "王二1")
    assert shown.rows[0].problems == {}
    assert ("summary", "主要问题") in shown.fields


def test_preview_reports_rows_that_would_be_rejected(files: Files) -> None:
    path = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1, 受理时间="2021年13月5日")])
    shown = preview(path, "leads", today=TODAY)
    assert shown.rows[0].problems == {"received_on": "受理时间“2021年13月5日”无法识别"}


def test_preview_without_a_header_shows_the_raw_rows(files: Files) -> None:
    path = files.xlsx("台账.xlsx", [["甲", "乙"], ["1", "2"]])
    shown = preview(path, "leads", today=TODAY)
    assert shown.header_rows == ()
    assert shown.problem is not None
    assert "找不到表头" in shown.problem
    assert [r.cells for r in shown.rows] == [("甲", "乙"), ("1", "2")]
    # The clerk then names the columns.
    mapped = preview(path, "leads", mapping=["甲=received_on", "乙=summary"], today=TODAY)
    assert mapped.header_rows == (1,)


def test_preview_of_a_header_missing_a_required_column(files: Files) -> None:
    path = files.xlsx("台账.xlsx", [["受理时间", "被反映人"], ["2021-03-05", "张三"]])
    shown = preview(path, "leads", today=TODAY)
    assert shown.missing == ["summary"]
    assert shown.problem == "缺少必需的列：主要问题"


def test_the_package_gives_the_preview_function_whichever_name_is_asked_first() -> None:
    # The package loads its names lazily; a submodule named like one of them would replace it.
    code = (
        "from workstation.importing import Preview, preview; "
        "import workstation.importing as p; "
        "assert callable(preview) and callable(p.preview) and isinstance(Preview, type)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
