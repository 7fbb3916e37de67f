"""Undoing a batch: all of it when nobody touched it since, otherwise a refusal naming why."""

from __future__ import annotations

from pathlib import Path

import pytest
from importing_helpers import LEAD_HEADER, TODAY, Files, counts, lead_row
from sqlalchemy import select

from workstation.errors import NotFound, PermissionDenied, WorkstationError
from workstation.importing import ImportOptions, ImportResult, list_batches, run_import, undo_batch
from workstation.models import Anomaly, AuditEvent, Case, ImportBatch
from workstation.services import leads as lead_service
from workstation.services.audit import verify_chain
from workstation.services.auth import Actor
from workstation.store import Store


def _import(store: Store, actor: Actor, path: Path, kind: str = "leads") -> ImportResult:
    return run_import(store, actor, path, ImportOptions(kind, today=TODAY))


def _batch(result: ImportResult) -> int:
    assert result.batch is not None
    return result.batch


def test_undo_removes_the_batch_and_what_it_created(
    store: Store, clerk: Actor, admin: Actor, files: Files
) -> None:
    before = counts(store)
    path = files.xlsx("台账.xlsx", [LEAD_HEADER] + [lead_row(i) for i in range(1, 8)])
    result = _import(store, clerk, path)
    assert counts(store)["Lead"] == 7
    undone = undo_batch(store, clerk, _batch(result))
    assert (undone.removed, undone.units_removed, undone.persons_removed) == (7, 3, 7)
    after = counts(store)
    assert {k: after[k] for k in ("Lead", "Unit", "Person")} == {"Lead": 0, "Unit": 0, "Person": 0}
    assert after["ImportBatch"] == before["ImportBatch"] + 1
    with store.read() as session:
        batch = session.get(ImportBatch, result.batch)
        assert batch is not None
        assert batch.undone_at is not None
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["import.leads", "import.undo"]
    assert verify_chain(store, admin).ok
    listed = list_batches(store, clerk)
    assert [(b.id, b.imported, b.undone_at is not None) for b in listed] == [
        (result.batch, 7, True)
    ]
    # Importing the file again works as the first time.
    assert _import(store, clerk, path).imported == 7


def test_units_still_used_by_other_records_stay(store: Store, clerk: Actor, files: Files) -> None:
    lead_service.create_lead(
        store, clerk,
        {"received_on": "2021-03-01", "summary": "另一条", "subject_unit": "新单位甲"},
        today=TODAY,
    )  # fmt: skip
    path = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1, 所在单位="新单位乙")])
    result = _import(store, clerk, path)
    undone = undo_batch(store, clerk, _batch(result))
    assert undone.units_removed == 1
    assert counts(store)["Unit"] == 1


def test_undo_is_refused_when_a_lead_was_edited_since(
    store: Store, clerk: Actor, inspector: Actor, files: Files
) -> None:
    path = files.xlsx("台账.xlsx", [LEAD_HEADER, lead_row(1), lead_row(2)])
    result = _import(store, clerk, path)
    lead_service.update_lead(store, inspector, "XS2021-00002", {"status": "已分办"}, today=TODAY)
    before = counts(store)
    with pytest.raises(WorkstationError, match=r"线索 XS2021-00002 已于 .* 被 insp1 修改过"):
        undo_batch(store, clerk, _batch(result))
    assert counts(store) == before


def test_undo_is_refused_when_a_later_lead_repeats_one_of_the_batch(
    store: Store, clerk: Actor, files: Files
) -> None:
    first = _import(store, clerk, files.xlsx("a.xlsx", [LEAD_HEADER, lead_row(1)]))
    later = [LEAD_HEADER, lead_row(1, 来源渠道="来访", 受理时间="2021-04-01")]
    second = _import(store, clerk, files.xlsx("b.xlsx", later))
    assert second.repeats == [(2, "XS2021-00001")]
    with pytest.raises(WorkstationError, match="XS2021-00002 是本批次线索 XS2021-00001 的重复件"):
        undo_batch(store, clerk, _batch(first))
    undo_batch(store, clerk, _batch(second))
    undo_batch(store, clerk, _batch(first))
    assert counts(store)["Lead"] == 0


def test_only_the_importer_or_an_admin_may_undo_and_only_once(
    store: Store, clerk: Actor, admin: Actor, files: Files
) -> None:
    result = _import(store, clerk, files.xlsx("a.xlsx", [LEAD_HEADER, lead_row(1)]))
    other = Actor(login="clerk2", display_name="张录入", role="clerk")
    with pytest.raises(PermissionDenied, match="只有本人或管理员可以撤销"):
        undo_batch(store, other, _batch(result))
    undo_batch(store, admin, _batch(result))
    with pytest.raises(WorkstationError, match=r"已于 .* 撤销过"):
        undo_batch(store, admin, _batch(result))
    with pytest.raises(NotFound, match="找不到导入批次 99"):
        undo_batch(store, admin, 99)


def test_undo_of_cases_is_refused_once_a_scan_flagged_them(
    store: Store, inspector: Actor, files: Files
) -> None:
    header = ["案号", "办案单位", "受案日期"]
    path = files.xlsx("案件.xlsx", [header, ["刑字1号", "江州市公安局", "2021-01-05"]])
    result = _import(store, inspector, path, kind="cases")
    with store.write() as session:
        case = session.scalar(select(Case))
        assert case is not None
        session.add(Anomaly(case_id=case.id, kind="not_filed", rule_id="NF-1", explanation="x"))
    with pytest.raises(WorkstationError, match="案件 刑字1号 已有异常标记"):
        undo_batch(store, inspector, _batch(result))
