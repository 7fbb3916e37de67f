"""Importing leads ledgers: every row imported, a duplicate, a repeat, or rejected with a reason."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from importing_helpers import LEAD_HEADER, TODAY, Files, counts, lead_row, naive
from openpyxl import load_workbook
from sqlalchemy import select

from workstation.cli import main
from workstation.errors import WorkstationError
from workstation.importing import Cancelled, ImportOptions, ImportResult, run_import
from workstation.models import AuditEvent, ImportBatch, Lead, Person, Unit
from workstation.services import leads as lead_service
from workstation.services.audit import verify_chain
from workstation.services.auth import Actor
from workstation.store import Store

CHANNEL_REASON = (
    "来源渠道“飞鸽传书”不是可选值（可选：来电、来信、电子邮件、来访、网络举报、上级交办、"
    "个人自查、检查发现、其他）"
)


def _import(store: Store, actor: Actor, path: Path, **options: Any) -> ImportResult:
    return run_import(store, actor, path, ImportOptions("leads", today=TODAY, **options))


def _leads(store: Store) -> list[Lead]:
    with store.read() as session:
        return list(session.scalars(select(Lead).order_by(Lead.id)))


def _ledger(n: int = 5) -> list[list[Any]]:
    return [LEAD_HEADER, *(lead_row(i) for i in range(1, n + 1))]


@pytest.mark.parametrize("form", ["xlsx", "xlsm", "xls", "utf-8", "utf-8-sig", "gb18030"])
def test_each_file_form_imports_the_same_leads(
    store: Store, admin: Actor, files: Files, form: str
) -> None:
    rows = _ledger(4)
    if form in ("xlsx", "xlsm"):
        path = files.xlsx(f"台账.{form}", rows)
    elif form == "xls":
        path = files.xls("台账.xls", rows)
    else:
        text_rows = [[c.date().isoformat() if isinstance(c, dt.datetime) else c for c in r]
                     for r in rows]  # fmt: skip
        path = files.csv("台账.csv", text_rows, encoding=form)
    result = _import(store, admin, path)
    assert (result.imported, len(result.duplicates), result.rejected) == (4, 0, [])
    got = [(x.received_on, x.channel, x.summary) for x in _leads(store)]
    assert got == [
        (dt.date(2021, 3, 2), "letter", "反映其在辖区违规经营娱乐场所第1号"),
        (dt.date(2021, 3, 3), "online", "反映其在辖区违规经营娱乐场所第2号"),
        (dt.date(2021, 3, 4), "visit", "反映其在辖区违规经营娱乐场所第3号"),
        (dt.date(2021, 3, 5), "phone", "反映其在辖区违规经营娱乐场所第4号"),
    ]
    if form in ("utf-8", "utf-8-sig", "gb18030"):
        assert result.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(form, "gb18030")


@pytest.mark.parametrize(
    "cell",
    [
        naive(2021, 3, 5), 44260.0, "2021年3月5日", "2021.3.5", "2021/03/05", "2021-3-5",
        "20210305", "２０２１年３月５日", "2021年3月5日 下午3点", "2021-03-05 09:30",
    ],
)  # fmt: skip
def test_date_forms_in_a_ledger(store: Store, admin: Actor, files: Files, cell: Any) -> None:
    path = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1, 受理时间=cell)])
    result = _import(store, admin, path)
    assert result.rejected == []
    assert _leads(store)[0].received_on == dt.date(2021, 3, 5)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"受理时间": "2021年13月5日"}, "received_on", "受理时间“2021年13月5日”无法识别"),
        ({"受理时间": None}, "received_on", "受理时间不能为空"),
        ({"受理时间": "2031-01-01"}, "received_on", "受理时间“2031-01-01”晚于今天"),
        ({"受理时间": "待定"}, "received_on", "受理时间“待定”无法识别"),
        ({"主要问题": None}, "summary", "主要问题不能为空"),
        ({"主要问题": "   "}, "summary", "主要问题不能为空"),
        ({"来源渠道": "飞鸽传书"}, "channel", CHANNEL_REASON),
        ({"被反映人": "张" * 101}, "subject", "被反映人过长（101 字，最多 100 字）"),
    ],
)  # fmt: skip
def test_rejection_reasons_name_the_field(
    store: Store, admin: Actor, files: Files, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1), lead_row(2, **changes)])
    result = _import(store, admin, path)
    assert result.imported == 1
    assert [(r.row, r.field, r.reason) for r in result.rejected] == [(3, field, reason)]


def test_record_rules_of_the_lead_service_apply(store: Store, admin: Actor, files: Files) -> None:
    header = [*LEAD_HEADER, "办理状态", "办结日期", "办理期限"]
    path = files.xlsx(
        "台账.xlsx",
        [
            header,
            [*lead_row(1), "已办结", "2021-04-01", None],
            [*lead_row(2), "核查中", "2021-04-01", None],
            [*lead_row(3), "待处理", None, "2021-01-01"],
        ],
    )
    result = _import(store, admin, path)
    assert [(r.row, r.reason) for r in result.rejected] == [
        (2, "已办结的线索必须填写核查结论"),
        (3, "未办结的线索不应有办结日期"),
        (4, "办理期限早于受理时间"),
    ]


def test_the_clerks_messy_workbook(
    store: Store, store_db: str, files: Files, capsys: pytest.CaptureFixture[str]
) -> None:
    """Title merged across, a two-row header, 序号, a blank row, a bad row or three, a 合计 row
    and footnotes, a hidden first sheet: one command, and every row accounted for."""
    rows = [
        ["江州市政法队伍教育整顿问题线索登记台账"],
        ["填报单位：江州市教育整顿办公室"],
        ["序号", "受理\n时间", "来源渠道", "被反映人", None, None, "问题类别", "主要问题", "备注"],
        [None, None, None, "姓名", "单位", "职务"],
        [1, naive(2021, 3, 5), "12389举报电话", "张三", "江州市公安局东湖分局", "民警", "违规经商",
         "反映张三在辖区开办KTV并入股经营。", "急"],
        [2, "2021年3月6日", "来信", "李四", "江州市中级人民法院", "审判员", "干预司法",
         "反映李四为其亲属案件打招呼说情。", None],
        [3, "2021.3.7 下午3点", "网上举报", "张三", "江州市公安局东湖分局", "民警", None,
         "反映张三在辖区开办KTV并入股经营", None],
        [],
        [4, "2021年13月5日", "来电", "赵六", "东湖区司法局", "科员", "作风", "反映赵六推诿", None],
        [5, "2021-03-08", "飞鸽传书", "钱七", "东湖区人民检察院", "检察官", "其他", "反映钱七"],
        [6, "2021-03-09", "来电", "孙八", "东湖派出所", "所长", "有案不立", None, None],
        [7, 44266.0, "来访", "周九", "江州市公安局", "民警", "减刑假释", "反映周九违规办理减刑"],
        [2, "2021年3月6日", "来信", "李四", "江州市中级人民法院", "审判员", "干预司法",
         "反映李四为其亲属案件打招呼说情。", None],
        ["合计", None, None, None, None, None, None, "共 7 件", None],
        ["注：本表由各单位每周五报送。"],
        ["填表人：王录入    审核人：李科长"],
    ]  # fmt: skip
    path = files.xlsx(
        "线索台账.xlsx",
        rows,
        sheet="2021年",
        merges=["A1:I1", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:G4", "H3:H4", "I3:I4", "A15:I15"],
        before=[("填表说明", [["受理时间", "主要问题"], ["说明", "说明"]], "hidden")],
    )
    rejects = files.folder / "问题行.xlsx"
    code = main(["--db", store_db, "import", "leads", str(path), "--rejects", str(rejects)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-1].startswith("批次 1，用时 ")
    assert lines[-1].endswith("如需撤销：python -m workstation import undo 1")
    assert lines[:-1] == [
        "文件：线索台账.xlsx，工作表“2021年”（跳过隐藏工作表：填表说明），表头在第 3–4 行",
        "列的对应：",
        "  A 列 序号 → 序号（不导入）",
        "  B 列 受理时间 → 受理时间",
        "  C 列 来源渠道 → 来源渠道",
        "  D 列 被反映人·姓名 → 被反映人",
        "  E 列 被反映人·单位 → 被反映人单位",
        "  F 列 被反映人·职务 → 职务",
        "  G 列 问题类别 → 问题类别",
        "  H 列 主要问题 → 主要问题",
        "  I 列 备注 → 附加数据",
        (
            "共 8 行数据：导入 4 条线索（其中 1 条是重复件：同一问题再次反映，已关联到首件），"
            "重复 1 行未导入，拒绝 3 行。"
        ),
        "跳过：空行 1 行（第 8 行）；合计行（第 14 行）；说明行（第 15、16 行）。",
        "重复（未导入）：",
        "  第 13 行 与第 6 行相同",
        "重复件（已导入并关联）：",
        "  第 7 行 是线索 XS2021-00001 的重复件",
        "拒绝（未导入，请修改后重新导入）：",
        "  第 9 行 受理时间“2021年13月5日”无法识别",
        f"  第 10 行 {CHANNEL_REASON}",
        "  第 11 行 主要问题不能为空",
        "作为附加数据保留的列：备注",
        "新建单位：江州市公安局东湖分局、江州市中级人民法院、江州市公安局",
        f"被拒绝的行已写入：{rejects}（修改后可直接再次导入）",
    ]
    leads = _leads(store)
    assert [(x.ref, x.received_on, x.channel, x.category) for x in leads] == [
        ("XS2021-00001", dt.date(2021, 3, 5), "phone", "business"),
        ("XS2021-00002", dt.date(2021, 3, 6), "letter", "interference"),
        ("XS2021-00003", dt.date(2021, 3, 7), "online", "other"),
        ("XS2021-00004", dt.date(2021, 3, 11), "visit", "sentence_reduction"),
    ]
    assert leads[0].extra == {"备注": "急"}
    assert leads[3].extra == {"问题类别": "减刑假释"}
    assert leads[2].repeat_of_id == leads[0].id
    assert leads[0].due_on == dt.date(2021, 4, 4)


def test_rejects_workbook_fixed_and_imported_again(
    store: Store, admin: Actor, files: Files
) -> None:
    def text_not_formula(ws: Any) -> None:
        ws["H5"].data_type = "s"

    path = files.xlsx(
        "台账.xlsx",
        [
            LEAD_HEADER,
            lead_row(1),
            lead_row(2, 受理时间="2021年13月5日"),
            lead_row(3, 主要问题=None),
            lead_row(4, 主要问题='=HYPERLINK("x")', 来源渠道="飞鸽"),
        ],
        edit=text_not_formula,
    )
    rejects = files.folder / "问题行.xlsx"
    first = _import(store, admin, path, rejects=rejects)
    assert (first.imported, [r.row for r in first.rejected]) == (1, [3, 4, 5])
    if os.name == "posix":  # it holds reporters' names and phones: its owner's only
        assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    ws = load_workbook(rejects).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header == [*LEAD_HEADER, "原行号", "问题说明"]
    assert [c.value for c in ws[2]][-2:] == [3, "受理时间“2021年13月5日”无法识别"]
    assert ws["H4"].value == '=HYPERLINK("x")'
    assert ws["H4"].data_type == "s"
    ws["B2"] = "2021年3月5日"
    ws["H3"] = "反映其违规经营"
    ws["C4"] = "来电"
    fixed = files.folder / "问题行-已改.xlsx"
    ws.parent.save(fixed)
    second = _import(store, admin, fixed)
    assert (second.imported, second.rejected, len(second.duplicates)) == (3, [], 0)
    assert second.extra_columns == []
    assert len(_leads(store)) == 4


def test_same_row_twice_counts_once_and_the_same_file_again_imports_nothing(
    store: Store, admin: Actor, files: Files
) -> None:
    path = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1), lead_row(2), lead_row(1, 序号=3)])
    first = _import(store, admin, path)
    assert (first.imported, first.duplicates) == (2, [(4, "第 2 行")])
    again = _import(store, admin, path)
    assert again.imported == 0
    assert again.duplicates == [(2, "线索 XS2021-00001"), (3, "线索 XS2021-00002"), (4, "第 2 行")]
    assert again.earlier_batches == [first.batch]
    assert len(_leads(store)) == 2


def test_normalised_text_makes_no_difference_to_duplicates(
    store: Store, admin: Actor, files: Files
) -> None:
    _import(store, admin, files.xlsx("a.xlsx", [LEAD_HEADER, lead_row(1)]))
    variant = lead_row(1, 主要问题="反映其在辖区违规经营娱乐场所第１号。", 被反映人=" 王二1 ",
                       受理时间="2021年3月2日", 来源渠道="信件")  # fmt: skip
    result = _import(store, admin, files.xlsx("b.xlsx", [LEAD_HEADER, variant]))
    assert (result.imported, len(result.duplicates)) == (0, 1)


def test_a_repeat_through_another_channel_is_imported_and_linked_to_the_first(
    store: Store, admin: Actor, files: Files
) -> None:
    first = _import(store, admin, files.xlsx("a.xlsx", [LEAD_HEADER, lead_row(1)]))
    assert first.imported == 1
    later = [
        LEAD_HEADER,
        lead_row(1, 来源渠道="来访", 受理时间="2021-03-20"),
        lead_row(1, 来源渠道="网上举报", 受理时间="2021-03-25",
                 主要问题="反映其在辖区违规经营娱乐场所第1号！"),
        lead_row(7),
    ]  # fmt: skip
    result = _import(store, admin, files.xlsx("b.xlsx", later))
    assert result.imported == 3
    assert result.repeats == [(2, "XS2021-00001"), (3, "XS2021-00001")]
    leads = _leads(store)
    assert [x.repeat_of_id for x in leads] == [None, leads[0].id, leads[0].id, None]
    row = lead_service.get_lead(store, admin, leads[1].ref)
    assert row.repeat_of == "XS2021-00001"


def test_repeats_within_one_file_link_to_its_first_row(
    store: Store, admin: Actor, files: Files
) -> None:
    rows = [LEAD_HEADER, lead_row(1), lead_row(1, 来源渠道="来访", 受理时间="2021-03-20")]
    rows += [lead_row(i) for i in range(2, 2500)]
    rows.append(lead_row(1, 来源渠道="电子邮件", 受理时间="2021-04-20"))
    result = _import(store, admin, files.xlsx("a.xlsx", rows))
    assert [r for r, _ in result.repeats] == [3, len(rows)]
    with store.read() as session:
        first = session.scalar(select(Lead).where(Lead.ref == "XS2021-00001"))
        assert first is not None
        linked = session.scalars(select(Lead.received_on).where(Lead.repeat_of_id == first.id))
        assert sorted(linked) == [dt.date(2021, 3, 20), dt.date(2021, 4, 20)]


def test_a_lead_entered_by_hand_is_recognised_on_import(
    store: Store, admin: Actor, files: Files
) -> None:
    lead_service.create_lead(
        store, admin,
        {"received_on": "2021-03-02", "channel": "来信", "subject": "王二1",
         "subject_unit": "江州市中级人民法院", "summary": "反映其在辖区违规经营娱乐场所第1号"},
        today=TODAY,
    )  # fmt: skip
    result = _import(store, admin, files.xlsx("a.xlsx", [LEAD_HEADER, lead_row(1)]))
    assert (result.imported, result.duplicates) == (0, [(2, "线索 XS2021-00001")])


def test_dry_run_reports_the_same_and_writes_nothing(
    store: Store, admin: Actor, files: Files
) -> None:
    path = files.xlsx(
        "台账.xlsx",
        [LEAD_HEADER, lead_row(1), lead_row(1), lead_row(2, 受理时间="x"),
         lead_row(1, 来源渠道="来访", 受理时间="2021-03-20")],
    )  # fmt: skip
    before = counts(store)
    dry = _import(store, admin, path, dry_run=True)
    assert counts(store) == before
    real = _import(store, admin, path)
    assert dry.batch is None
    assert dry.dry_run
    for name in ("imported", "duplicates", "repeats", "rejected", "units_created"):
        assert getattr(dry, name) == getattr(real, name), name


def test_extra_columns_category_unit_type_and_anonymous(
    store: Store, admin: Actor, files: Files
) -> None:
    header = [*LEAD_HEADER, "反映人", "领导批示", "备注"]
    rows = [
        header,
        [*lead_row(1, 问题类别="他在外面开公司还放高利贷"), "匿名", "请核查", None],
        [*lead_row(2, 所在单位="东湖区城关镇人民政府"), "陈某", None, "已电话回访"],
    ]
    result = _import(store, admin, files.xlsx("台账.xlsx", rows))
    assert result.extra_columns == ["领导批示", "备注"]
    first, second = _leads(store)
    assert first.category == "business"
    assert first.extra == {"领导批示": "请核查", "问题类别": "他在外面开公司还放高利贷"}
    assert (first.anonymous, first.reporter_name) == (True, None)
    assert second.extra == {"备注": "已电话回访"}
    with store.read() as session:
        types = dict(session.execute(select(Unit.name, Unit.type)).all())
    assert types["东湖区城关镇人民政府"] == "township"
    assert types["江州市中级人民法院"] == "court"


def test_map_option_and_a_missing_required_column(store: Store, admin: Actor, files: Files) -> None:
    rows = [["收件", "反映的事", "对象"], ["2021-03-05", "反映问题", "张三"]]
    path = files.xlsx("台账.xlsx", rows)
    with pytest.raises(WorkstationError, match="找不到表头"):
        _import(store, admin, path)
    result = _import(
        store, admin, path, mapping=["收件=received_on", "反映的事=主要问题", "对象=被反映人"]
    )
    assert result.imported == 1
    rows = [["受理时间", "被反映人"], ["2021-03-05", "张三"]]
    with pytest.raises(WorkstationError, match="找不到“主要问题”列"):
        _import(store, admin, files.xlsx("b.xlsx", rows))


def test_cancel_leaves_nothing_and_progress_is_reported(
    store: Store, admin: Actor, files: Files
) -> None:
    path = files.csv("台账.csv", [LEAD_HEADER] + [lead_row(i) for i in range(1, 5001)])
    before = counts(store)
    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled, match="已取消导入"):
        run_import(
            store, admin, path, ImportOptions("leads", today=TODAY),
            progress=lambda done, total: seen.append((done, total)), cancel=lambda: bool(seen),
        )  # fmt: skip
    assert counts(store) == before
    assert seen
    assert seen[0][1] >= 5000
    result = run_import(
        store, admin, path, ImportOptions("leads", today=TODAY),
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert result.imported == 5000
    assert seen[-1][0] == 5001


def test_a_failure_mid_import_leaves_the_store_as_it_was(
    store: Store, admin: Actor, files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workstation.importing import writing

    path = files.xlsx("台账.xlsx", [LEAD_HEADER] + [lead_row(i) for i in range(1, 4500)])
    calls = {"n": 0}
    original = writing.LeadWriter.add

    def failing(self: writing.LeadWriter, rows: list[Any]) -> list[Any]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original(self, rows)

    monkeypatch.setattr(writing.LeadWriter, "add", failing)
    before = counts(store)
    with pytest.raises(OSError, match="disk full"):
        _import(store, admin, path)
    assert counts(store) == before


def test_batch_and_its_one_audit_event(store: Store, clerk: Actor, files: Files) -> None:
    result = _import(store, clerk, files.xlsx("台账.xlsx", _ledger(3)))
    with store.read() as session:
        batch = session.get(ImportBatch, result.batch)
        assert batch is not None
        assert (batch.kind, batch.file_name, batch.sheet, batch.user) == (
            "leads", "台账.xlsx", "台账", "clerk1",
        )  # fmt: skip
        assert (batch.imported, batch.duplicates, batch.rejected) == (3, 0, 0)
        assert batch.file_sha256 == result.file_sha256
        assert batch.mapping is not None
        assert batch.mapping["header_rows"] == [1]
        events = list(session.scalars(select(AuditEvent)))
        assert [(e.action, e.entity_uuid) for e in events] == [("import.leads", batch.uuid)]
        assert events[0].after is not None
        assert events[0].after["imported"] == 3
        assert session.scalar(select(Person.created_by).limit(1)) == "clerk1"
    assert verify_chain(store, Actor("a", "a", "admin")).ok


def test_the_first_visible_sheet_with_a_header_is_chosen(
    store: Store, admin: Actor, files: Files
) -> None:
    path = files.xlsx(
        "台账.xlsx",
        [LEAD_HEADER, lead_row(1)],
        sheet="三月",
        before=[("封面", [["江州市线索台账"], ["2021年"]], "visible"),
                ("旧表", [LEAD_HEADER, lead_row(2), lead_row(3)], "hidden")],
    )  # fmt: skip
    assert _import(store, admin, path, dry_run=True).sheet == "三月"
    hidden = _import(store, admin, path, sheet="旧表")
    assert (hidden.sheet, hidden.imported) == ("旧表", 2)


def test_a_header_only_on_a_hidden_sheet_is_pointed_out(
    store: Store, admin: Actor, files: Files
) -> None:
    path = files.xlsx(
        "台账.xlsx",
        [["封面"]],
        sheet="封面",
        after=[("数据", [LEAD_HEADER, lead_row(1)], "hidden")],
    )
    with pytest.raises(WorkstationError, match="隐藏的工作表“数据”中有"):
        _import(store, admin, path)


def test_a_store_locked_by_another_writer_is_a_clear_error(
    store_path: Path, admin: Actor, files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from workstation.store import engine, open_store

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    store = open_store(store_path, create=True)
    other = sqlite3.connect(store_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(WorkstationError, match="数据库正被其他程序写入，请稍后再试"):
            _import(store, admin, files.xlsx("台账.xlsx", _ledger(2)))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert counts(store)["ImportBatch"] == 0
    store.dispose()


def test_the_undo_hint_names_the_command_as_it_is_started_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workstation.paths import command_name

    assert command_name() == "python -m workstation"  # pytest, from a source checkout
    monkeypatch.setattr(sys, "argv", ["/opt/venv/bin/workstation", "import"])
    assert command_name() == "workstation"  # the installed script (wheelhouse)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert command_name() == "workstation-cli"  # the PyInstaller bundle
