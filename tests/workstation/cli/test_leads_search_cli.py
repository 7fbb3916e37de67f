"""`leads list` filters and search, `leads export` and `leads index`, run as a user would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from workstation import search
from workstation.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


LEADS = [
    ("2021-03-05", "来电", "江州市中级人民法院", "王法官违规过问他人案件", "干预司法"),
    ("2021-03-20", "来信", "江州市公安局东湖分局", "民警違規經商辦企業", "违规经商办企业"),
    ("2021-04-02", "网上举报", "江州市人民检察院", "检察官接受吃请", "其他"),
]


@pytest.fixture
def db(new_db: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> str:
    path = new_db("a.db")
    assert run(capsys, "--db", str(path), "init")[0] == 0
    for received, channel, unit, summary, category in LEADS:
        code, _, err = run(
            capsys, "--db", str(path), "leads", "add", "--received-on", received,
            "--channel", channel, "--unit", unit, "--summary", summary, "--category", category,
        )  # fmt: skip
        assert code == 0, err
    return path


def _listed(capsys: pytest.CaptureFixture[str], db: str, *options: str) -> list[str]:
    code, out, err = run(capsys, "--db", str(db), "leads", "list", "--json", *options)
    assert code == 0, err
    return [row["summary"] for row in json.loads(out)]


@pytest.mark.parametrize(
    ("options", "found"),
    [
        (["--search", "违规经商"], [1]),  # simplified query, traditional text
        (["--search", "經商"], [1]),  # two characters, traditional query
        (["--search", "东湖分局"], [1]),
        (["--search", '"OR*'], []),
        (["--channel", "电话"], [0]),  # a synonym
        (["--category", "干预司法"], [0]),
        (["--unit-type", "法院"], [0]),  # a Chinese label
        (["--unit-type", "procuratorate"], [2]),  # a key
        (["--unit", "江州市人民檢察院"], [2]),
        (["--from", "2021-03-20", "--to", "2021-04-02"], [2, 1]),
        (["--status", "待处理", "--to", "2021-03-19"], [0]),
        (["--overdue", "2021-04-05"], [0]),
        (["--overdue", "2021-05-30"], [2, 1, 0]),
        (["--overdue"], [2, 1, 0]),  # as of today, or the campaign's last day
    ],
)
def test_list_filters(
    db: str, capsys: pytest.CaptureFixture[str], options: list[str], found: list[int]
) -> None:
    assert _listed(capsys, db, *options) == [LEADS[i][3] for i in found]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--unit-type", "部队"], "单位类型“部队”不是可选值"),
        (["--from", "2021-02-30"], "不是有效日期"),
        (["--channel", "飞鸽"], "不是可选值"),
    ],
)
def test_bad_filters_are_refused_in_chinese(
    db: str, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--db", str(db), "leads", "list", *options)
    assert code != 0
    assert message in err
    assert out == ""


def test_export_the_filtered_list(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "导出.xlsx"
    code, out, err = run(
        capsys, "--db", str(db), "leads", "export", str(target), "--from", "2021-03-20", "--json"
    )
    assert code == 0, err
    assert json.loads(out) == {"file": str(target), "rows": 2, "masked": True}
    wb = load_workbook(target, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    assert rows[0][:3] == ("序号", "线索编号", "受理时间")
    assert [r[12] for r in rows[1:]] == [LEADS[2][3], LEADS[1][3]]


def test_index_brings_the_search_index_up_to_date(
    db: str, db_sql: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    db_sql(
        db,
        "INSERT INTO lead_search_pending (lead_id) SELECT id FROM leads"
        " WHERE id NOT IN (SELECT lead_id FROM lead_search_pending)",
    )
    assert _listed(capsys, db, "--search", "接受吃请") == [LEADS[2][3]]
    code, out, err = run(capsys, "--db", str(db), "leads", "index", "--json")
    assert (code, json.loads(out)) == (0, {"indexed": 3}), err
    code, out, _ = run(capsys, "--db", str(db), "leads", "index")
    assert "检索索引已是最新" in out
    assert _listed(capsys, db, "--search", "接受吃请") == [LEADS[2][3]]


def _pending(db: str) -> int:
    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import open_store

    store = open_store(db)
    try:
        return search.index_backlog(store, IMPLICIT_ADMIN)
    finally:
        store.dispose()


def test_import_indexes_its_leads_after_it_has_committed(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workstation.importing import ImportOptions, run_import
    from workstation.services.auth import IMPLICIT_ADMIN
    from workstation.store import open_store

    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "受理时间,来源渠道,被反映人单位,主要问题\n"
        "2021-05-01,来电,江州市司法局,反映社区矫正工作人员吃拿卡要\n"
        "2021-05-02,来信,江州市看守所,反映看守所民警私自传递物品\n",
        encoding="utf-8",
    )
    # The service leaves the new leads queued (off the import's clock); search finds them.
    store = open_store(db)
    try:
        run_import(store, IMPLICIT_ADMIN, ledger, ImportOptions(kind="leads"))
    finally:
        store.dispose()
    assert _pending(db) == 2
    assert _listed(capsys, db, "--search", "私自传递") == ["反映看守所民警私自传递物品"]
    # The command indexes them once the import has committed.
    other = tmp_path / "另一台账.csv"
    other.write_text(
        "受理时间,来源渠道,被反映人单位,主要问题\n2021-05-03,来访,江州市法院,反映法官违规会见律师\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", str(db), "import", "leads", str(other))
    assert code == 0, err
    assert _pending(db) == 0
    assert _listed(capsys, db, "--search", "违规会见") == ["反映法官违规会见律师"]
    assert _listed(capsys, db, "--search", "私自传递") == ["反映看守所民警私自传递物品"]
