"""Exporting a filtered list of leads to Excel: read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from workstation.errors import Cancelled, PermissionDenied, WorkstationError
from workstation.exporting.leads_xlsx import COLUMNS, SHEET_TITLE
from workstation.models import AuditEvent
from workstation.services import audit, leads
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery
from workstation.store import Store

TODAY = dt.date(2021, 6, 30)
HEADINGS = [label for _, label, _ in COLUMNS]


def _lead(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "received_on": "2021-03-05",
        "channel": "12389",
        "summary": "反映东湖分局城关派出所民警王某插手他人经济纠纷。",
        "subject": "王建国",
        "subject_position": "民警",
        "subject_unit": "江州市公安局东湖分局城关派出所",
        "category": "干预司法",
        "reporter_name": "陈晓梅",
        "reporter_phone": "13912345678",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def filled(store: Store, admin: Actor) -> list[leads.LeadRow]:
    return [
        leads.create_lead(store, admin, _lead(), today=TODAY),
        leads.create_lead(
            store, admin,
            _lead(received_on="2021-04-01", summary="=HYPERLINK(\"http://x\")违规经商",
                  subject="@李四", channel="来信", reporter_name="-刘", reporter_phone=None),
            today=TODAY,
        ),
        leads.create_lead(
            store, admin,
            _lead(received_on="2021-05-01", summary="+86 举报\x07饮酒", channel="来信"),
            today=TODAY,
        ),
    ]  # fmt: skip


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _read(path: Path) -> tuple[list[Any], list[list[Any]], Any]:
    wb = load_workbook(path)
    ws = wb[SHEET_TITLE]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    return values[0], values[1:], ws


def test_the_list_in_its_order_with_chinese_headings_and_masked_reporters(
    store: Store, admin: Actor, filled: list[leads.LeadRow], out: Path
) -> None:
    path = out / "线索.xlsx"
    query = LeadQuery(channel="letter", descending=False)
    assert leads.export_leads(store, admin, query, path) == 2
    header, rows, ws = _read(path)
    assert header == HEADINGS
    assert header[:4] == ["序号", "线索编号", "受理时间", "来源渠道"]
    expected = [r.ref for r in leads.list_leads(store, admin, query)]
    assert [row[1] for row in rows] == expected == [filled[1].ref, filled[2].ref]
    first = dict(zip(header, rows[0], strict=True))
    assert first["序号"] == 1
    assert first["受理时间"].date() == dt.date(2021, 4, 1)
    assert first["来源渠道"] == "来信"
    assert first["问题类别"].startswith("违反防止干预司法")
    assert first["办理状态"] == "待处理"
    assert first["单位类型"] == "公安"
    assert first["反映人"] == "-**"
    assert first["联系电话"] is None
    assert first["是否匿名"] == "否"
    second = dict(zip(header, rows[1], strict=True))
    assert second["反映人"] == "陈**"
    assert second["联系电话"] == "139****5678"
    assert second["主要问题"] == "+86 举报饮酒"  # the control character dropped
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:T{len(rows) + 1}"


def test_text_that_looks_like_a_formula_stays_text(
    store: Store, admin: Actor, filled: list[leads.LeadRow], out: Path
) -> None:
    path = out / "out.xlsx"
    leads.export_leads(store, admin, LeadQuery(search="违规经商"), path)
    header, _, ws = _read(path)
    cells = dict(zip(header, next(ws.iter_rows(min_row=2)), strict=True))
    assert cells["主要问题"].value == '=HYPERLINK("http://x")违规经商'
    assert cells["主要问题"].data_type == "s"
    assert cells["被反映人"].value == "@李四"
    assert cells["被反映人"].data_type == "s"
    assert cells["反映人"].value == "-**"
    assert cells["反映人"].data_type == "s"


def test_unmasked_export_needs_the_right_and_is_audited(
    store: Store, admin: Actor, inspector: Actor, leader: Actor,
    filled: list[leads.LeadRow], out: Path,
) -> None:  # fmt: skip
    path = out / "full.xlsx"
    with pytest.raises(PermissionDenied, match="无权查看反映人完整信息"):
        leads.export_leads(store, inspector, LeadQuery(), path, unmask=True)
    assert list(out.iterdir()) == []
    assert leads.export_leads(store, leader, LeadQuery(), path, unmask=True) == 3
    header, rows, _ = _read(path)
    phones = {row[header.index("联系电话")] for row in rows}
    assert "13912345678" in phones
    with store.read() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.user == leader.login)))
    assert [e.action for e in events] == ["lead.export", "reporter.unmask"]
    assert events[0].after["rows"] == 3
    assert events[0].after["masked"] is False
    assert events[0].after["sha256"] == audit.file_sha256(path)
    assert events[1].after == {"purpose": "lead.export", "file": "full.xlsx"}


def test_a_cancelled_export_leaves_no_file_and_no_event(
    store: Store, admin: Actor, filled: list[leads.LeadRow], out: Path
) -> None:
    path = out / "out.xlsx"
    with pytest.raises(Cancelled, match="已取消导出"):
        leads.export_leads(store, admin, LeadQuery(), path, cancelled=lambda: True)
    assert list(out.iterdir()) == []
    with store.read() as s:
        actions = list(s.scalars(select(AuditEvent.action)))
    assert "lead.export" not in actions


def test_an_existing_file_is_replaced_only_when_the_export_completes(
    store: Store, admin: Actor, filled: list[leads.LeadRow], out: Path
) -> None:
    path = out / "out.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(Cancelled):
        leads.export_leads(store, admin, LeadQuery(), path, cancelled=lambda: True)
    assert path.read_bytes() == b"old"
    leads.export_leads(store, admin, LeadQuery(), path)
    assert len(_read(path)[1]) == 3
    assert [p.name for p in out.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no/such/folder/out.xlsx", "不存在"),
        ("out.csv", "应以 .xlsx 结尾"),
        ("", "应以 .xlsx 结尾"),
    ],
)
def test_unwritable_targets_are_refused_before_reading(
    store: Store, admin: Actor, out: Path, name: str, message: str
) -> None:
    with pytest.raises(WorkstationError, match=message):
        leads.export_leads(store, admin, LeadQuery(), out / name)


def test_large_exports_report_progress_and_stream_every_row(
    store: Store, admin: Actor, out: Path
) -> None:
    from workstation import demo

    demo.generate(store, admin, leads=2_500, cases=0, seed=5)
    seen: list[tuple[int, int]] = []
    path = out / "all.xlsx"
    query = LeadQuery(order_by="ref", descending=False)
    count = leads.export_leads(store, admin, query, path, progress=lambda d, t: seen.append((d, t)))
    assert count == leads.count_leads(store, admin) == 2_500
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]
    wb = load_workbook(path, read_only=True)
    refs = [row[1] for row in wb[SHEET_TITLE].iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert refs == sorted(refs)
    assert len(refs) == 2_500
