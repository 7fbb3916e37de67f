"""`import leads|cases`, `import batches`, `import undo` as a clerk runs them (DESIGN §6)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from importing_helpers import LEAD_HEADER, Files, counts, lead_row

from workstation.cli import main
from workstation.store import open_store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(new_db: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> str:
    path = new_db("ws.db")
    assert run(capsys, "--db", str(path), "init")[0] == 0
    return path


def _counts(db: str) -> dict[str, int]:
    store = open_store(db)
    try:
        return counts(store)
    finally:
        store.dispose()


def test_import_json_contract(db: str, files: Files, capsys: pytest.CaptureFixture[str]) -> None:
    path = files.xlsx(
        "台账.xlsx",
        [LEAD_HEADER, lead_row(1), lead_row(2, 受理时间="2021年13月5日"), lead_row(1)],
    )
    code, out, err = run(capsys, "--db", str(db), "import", "leads", str(path), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert {k: doc[k] for k in ("imported", "duplicates", "rejected", "batch")} == {
        "imported": 1,
        "duplicates": 1,
        "rejected": [
            {"row": 3, "field": "received_on", "reason": "受理时间“2021年13月5日”无法识别"}
        ],
        "batch": 1,
    }
    assert (doc["sheet"], doc["header_row"], doc["repeats"]) == ("台账", [1], 0)
    assert doc["duplicate_rows"] == [{"row": 4, "of": "第 2 行"}]
    code, out, _ = run(capsys, "--db", str(db), "import", "batches", "--json")
    assert [(b["id"], b["imported"], b["rejected"]) for b in json.loads(out)] == [(1, 1, 1)]
    code, out, _ = run(capsys, "--db", str(db), "import", "undo", "1", "--json")
    assert (code, json.loads(out)["removed"]) == (0, 1)
    code, out, _ = run(capsys, "--db", str(db), "leads", "list", "--json")
    assert json.loads(out) == []


def test_human_summary_dry_run_and_rejects(
    db: str, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    path = files.csv("台账.csv", [LEAD_HEADER, lead_row(1), lead_row(2, 主要问题=None)],
                     encoding="gb18030")  # fmt: skip
    rejects = files.folder / "问题行.xlsx"
    before = _counts(db)
    code, out, err = run(
        capsys,
        "--db",
        str(db),
        "import",
        "leads",
        str(path),
        "--dry-run",
        "--rejects",
        str(rejects),
    )
    assert code == 0, err
    assert "【试运行：以下是将会发生的情况，数据库未作任何改动】" in out
    assert "共 2 行数据：导入 1 条线索，重复 0 行未导入，拒绝 1 行。" in out
    assert "  第 3 行 主要问题不能为空" in out
    assert "文件：台账.csv（CSV，编码 GB18030），表头在第 1 行" in out
    assert rejects.exists()
    assert _counts(db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "leads", "没有这个文件.xlsx"], "不存在"),
        (["import", "leads", "{bad}"], "不是 Excel 工作簿"),
        (["import", "leads", "{good}", "--map", "收件时间"], "应写成"),
        (["import", "leads", "{good}", "--sheet", "不存在"], "没有名为“不存在”的工作表"),
        (["import", "leads", "{good}", "--rejects", "{folder}/out.txt"], "应以 .xlsx 结尾"),
        (["import", "undo", "7"], "找不到导入批次 7"),
    ],
)
def test_errors_go_to_stderr_and_nothing_is_written(
    db: str, files: Files, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    good = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1)])
    bad = files.folder / "坏.xlsx"
    bad.write_bytes(b"\x00\x01\x02" * 1000)
    names = {"good": str(good), "bad": str(bad), "folder": str(files.folder)}
    before = _counts(db)
    code, out, err = run(capsys, "--db", str(db), *[a.format(**names) for a in args])
    assert code == 1
    assert out == ""
    assert err.startswith("错误：")
    assert message in err
    assert _counts(db) == before


def test_import_cases_with_map_and_header_row(
    db: str, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["说明"], ["编号", "单位", "受案日期"], ["刑字1号", "江州市公安局", "2021-01-05"]]
    path = files.xlsx("案件.xlsx", rows)
    code, out, err = run(
        capsys, "--db", str(db), "import", "cases", str(path), "--header-row", "2",
        "--map", "编号=案号", "--map", "单位=agency", "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["imported"], doc["header_row"]) == (1, [2])
    code, out, _ = run(capsys, "--db", str(db), "cases", "list", "--json")
    assert [(c["case_no"], c["agency"]) for c in json.loads(out)] == [("刑字1号", "江州市公安局")]


def test_set_fills_a_field_the_ledger_leaves_out(
    db: str, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hotline log has no 来源渠道 column; a single agency's case ledger no 办案单位."""
    log = files.xlsx(
        "热线.xlsx", [["来电时间", "被反映人", "反映内容"], ["2021-03-05", "张三", "x"]]
    )
    code, out, err = run(
        capsys, "--db", str(db), "import", "leads", str(log), "--set", "来源渠道=热线"
    )
    assert code == 0, err
    assert "  来源渠道：表中未填的行一律填“热线”（--set）" in out
    ledger = files.xlsx(
        "案件.xlsx",
        [["2021年东湖分局刑事案件台账"], ["案号", "受案日期"], ["刑字1号", "2021-01-05"]],
    )
    code, out, err = run(
        capsys, "--db", str(db), "import", "cases", str(ledger),
        "--set", "办案单位=江州市公安局东湖分局", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["constants"] == {"办案单位": "江州市公安局东湖分局"}
    code, out, _ = run(capsys, "--db", str(db), "leads", "list", "--json")
    assert [r["channel"] for r in json.loads(out)] == ["phone"]
    code, out, _ = run(capsys, "--db", str(db), "cases", "list", "--json")
    assert [r["agency"] for r in json.loads(out)] == ["江州市公安局东湖分局"]


def test_a_bad_set_value_stops_before_anything_is_written(
    db: str, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    log = files.xlsx("热线.xlsx", [["来电时间", "反映内容"], ["2021-03-05", "x"]])
    before = _counts(db)
    code, _, err = run(capsys, "--db", str(db), "import", "leads", str(log), "--set", "渠道=飞鸽")
    assert code == 1
    assert "--set 的值有误：来源渠道“飞鸽”不是可选值" in err
    assert _counts(db) == before
