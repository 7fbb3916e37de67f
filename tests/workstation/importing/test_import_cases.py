"""Importing case ledgers: required facts, duplicates, and the monthly re-export with changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from importing_helpers import TODAY, Files, naive
from openpyxl import load_workbook
from sqlalchemy import select

from workstation.importing import ImportOptions, ImportResult, run_import, undo_batch
from workstation.models import Case, Person, Unit
from workstation.services.auth import Actor
from workstation.store import Store

HEADER = ["序号", "案号", "办案单位", "案件类型", "案由", "受案日期", "立案日期", "结案日期",
          "嫌疑人是否到案", "涉案金额（万元）", "承办人"]  # fmt: skip


def case_row(n: int, **changes: Any) -> list[Any]:
    row: dict[str, Any] = {
        "序号": n,
        "案号": f"江公(东)立字〔2021〕{100 + n}号",
        "办案单位": "江州市公安局东湖分局",
        "案件类型": "刑事案件",
        "案由": "盗窃案",
        "受案日期": naive(2021, 1, 10) + dt.timedelta(days=n),
        "立案日期": None,
        "结案日期": None,
        "嫌疑人是否到案": "否",
        "涉案金额（万元）": 1.5,
        "承办人": "刘警官",
    }
    row.update(changes)
    return [row[h] for h in HEADER]


def _import(store: Store, actor: Actor, path: Path) -> ImportResult:
    return run_import(store, actor, path, ImportOptions("cases", today=TODAY))


def _cases(store: Store) -> list[tuple[Any, ...]]:
    with store.read() as session:
        rows = session.execute(
            select(Case.case_no, Case.kind, Case.accepted_on, Case.filed_on, Case.amount_fen,
                   Case.suspect_identified, Person.name, Case.version)
            .outerjoin(Person, Case.officer_id == Person.id)
            .order_by(Case.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


def test_a_case_ledger_imports(store: Store, clerk: Actor, files: Files) -> None:
    path = files.xlsx("案件台账.xlsx", [["2021年刑事案件台账"], HEADER, case_row(1), case_row(2)])
    result = _import(store, clerk, path)
    assert (result.imported, result.rejected, result.header_rows) == (2, [], (2,))
    assert _cases(store) == [
        ("江公(东)立字〔2021〕101号", "criminal", dt.date(2021, 1, 11), None, 1_500_000, False,
         "刘警官", 1),
        ("江公(东)立字〔2021〕102号", "criminal", dt.date(2021, 1, 12), None, 1_500_000, False,
         "刘警官", 1),
    ]  # fmt: skip
    with store.read() as session:
        assert session.scalar(select(Unit.type).where(Unit.name == "江州市公安局东湖分局")) == (
            "police"
        )


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"案号": None}, "case_no", "案号不能为空"),
        ({"办案单位": None}, "agency", "办案单位不能为空"),
        ({"受案日期": None}, "accepted_on", "受案日期不能为空"),
        ({"受案日期": "2021年2月30日"}, "accepted_on", "受案日期“2021年2月30日”无法识别"),
        ({"立案日期": "2021-01-01"}, "filed_on", "立案日期早于受案日期"),
        ({"涉案金额（万元）": "约一万"}, "amount", "涉案金额“约一万”不是有效金额"),
        ({"嫌疑人是否到案": "不清楚"}, "suspect_identified", "嫌疑人已明确“不清楚”应为“是”或“否”"),
    ],
)  # fmt: skip
def test_case_rejection_reasons(
    store: Store, clerk: Actor, files: Files, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = files.xlsx("案件台账.xlsx", [HEADER, case_row(1, **changes)])
    result = _import(store, clerk, path)
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [(2, field, reason)]


def test_the_same_ledger_again_is_all_duplicates(store: Store, clerk: Actor, files: Files) -> None:
    path = files.xlsx("案件台账.xlsx", [HEADER, case_row(1), case_row(2), case_row(1)])
    first = _import(store, clerk, path)
    assert (first.imported, first.duplicates) == (2, [(4, "第 2 行")])
    again = _import(store, clerk, path)
    assert again.imported == 0
    assert [r for r, _ in again.duplicates] == [2, 3, 4]
    # The case number written differently (half-width brackets, spaces) is the same case.
    variant = case_row(1, 案号="江公(东)立字[2021] 101号")
    third = _import(store, clerk, files.xlsx("b.xlsx", [HEADER, variant]))
    assert (third.imported, len(third.duplicates)) == (0, 1)


def test_same_case_twice_in_a_file_with_different_facts_is_rejected(
    store: Store, clerk: Actor, files: Files
) -> None:
    path = files.xlsx("a.xlsx", [HEADER, case_row(1), case_row(1, 案由="诈骗案")])
    result = _import(store, clerk, path)
    assert result.imported == 1
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "与第 2 行是同一案件（案号“江公(东)立字〔2021〕101号”），但内容不同：案由")
    ]


def test_monthly_export_updates_facts_and_undo_restores_them(
    store: Store, inspector: Actor, files: Files
) -> None:
    january = _import(store, inspector, files.xlsx("1月.xlsx", [HEADER, case_row(1), case_row(2)]))
    february = [
        HEADER,
        case_row(1, 立案日期=naive(2021, 1, 20), 嫌疑人是否到案="是", 承办人=None),
        case_row(2),
        case_row(3),
    ]
    result = _import(store, inspector, files.xlsx("2月.xlsx", february))
    assert (result.imported, [r for r, _ in result.duplicates]) == (1, [3])
    assert result.updated == [
        (2, "江公(东)立字〔2021〕101号",
         "立案日期（库中 （空），表中 2021-01-20）；嫌疑人已明确（库中 否，表中 是）"),
    ]  # fmt: skip
    first = _cases(store)[0]
    # A blank cell (承办人) does not erase the stored officer.
    assert first[3:] == (dt.date(2021, 1, 20), 1_500_000, True, "刘警官", 2)
    assert result.batch is not None
    undone = undo_batch(store, inspector, result.batch)
    assert (undone.removed, undone.restored) == (1, 1)
    assert _cases(store)[0][3:] == (None, 1_500_000, False, "刘警官", 3)
    assert len(_cases(store)) == 2
    # January's cases were changed since (by February's batch): that batch cannot be undone.
    assert january.batch is not None
    with pytest.raises(Exception, match="修改过"):
        undo_batch(store, inspector, january.batch)


def test_a_clerk_cannot_change_a_stored_case_by_import(
    store: Store, clerk: Actor, files: Files
) -> None:
    _import(store, clerk, files.xlsx("1月.xlsx", [HEADER, case_row(1)]))
    rejects = files.folder / "问题行.xlsx"
    result = run_import(
        store, clerk, files.xlsx("2月.xlsx", [HEADER, case_row(1, 结案日期="2021-03-01")]),
        ImportOptions("cases", today=TODAY, rejects=rejects),
    )  # fmt: skip
    sheet = load_workbook(rejects).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][1:3] == ["江公(东)立字〔2021〕101号", "江州市公安局东湖分局"]
    assert result.updated == []
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [
        (2, "case_no", ("库中已有此案件，以下内容不同：结案日期（库中 （空），表中 2021-03-01）；"
                        "更新已有案件需由核查人员或管理员导入")),
    ]  # fmt: skip
    assert _cases(store)[0][-1] == 1
