"""Merging packets: one-sided changes, conflicts and their resolution, deletions, the same
packet twice, records two machines made from the same ledger, and changes the services make
without the usual path (bulk edits, import undo, unit merges)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from exchange_helpers import PASSPHRASE, Laptop, dump, store_state
from sqlalchemy import func, select, update

from workstation.errors import Cancelled, PermissionDenied, ValidationError
from workstation.exchange.packet import PacketError
from workstation.importing import ImportOptions, run_import, undo_batch
from workstation.models import Lead, PeerAuditEvent, SyncTombstone
from workstation.services import audit, cases, exchange, leads, units
from workstation.services.auth import IMPLICIT_ADMIN as ADMIN
from workstation.services.auth import Actor

TODAY = dt.date(2021, 6, 30)
LEAD = {"received_on": "2021-03-05", "channel": "phone", "subject": "王建国",
        "subject_unit": "江州市公安局东湖分局", "summary": "反映王建国插手经济纠纷"}  # fmt: skip


@pytest.fixture
def pair(laptops: Callable[[str], Laptop]) -> tuple[Laptop, Laptop, str]:
    """Two machines holding the same lead (甲 made it, 乙 received it)."""
    a, b = laptops("甲"), laptops("乙")
    lead = leads.create_lead(a.store, ADMIN, LEAD, today=TODAY)
    a.pass_to(b)
    return a, b, lead.ref


def _lead(laptop: Laptop, ref: str) -> leads.LeadRow:
    return leads.get_lead(laptop.store, ADMIN, ref)


def test_a_change_on_one_side_is_taken(pair: tuple[Laptop, Laptop, str]) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"status": "verifying", "category": "business"})
    result = a.pass_to(b)
    assert result.updated == {"lead": 1}
    assert result.new_conflicts == 0
    assert (_lead(b, ref).status, _lead(b, ref).category) == ("verifying", "business")
    # And back: 乙 has nothing newer, 甲 stays as it is.
    back = b.pass_to(a)
    assert back.updated == {}
    assert back.new_conflicts == 0
    assert dump(a.store) == dump(b.store)


def test_different_fields_changed_on_both_sides_merge(pair: tuple[Laptop, Laptop, str]) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"status": "verifying"})
    leads.update_lead(b.store, ADMIN, ref, {"summary": "乙补充了情况"})
    assert a.pass_to(b).new_conflicts == 0
    assert b.pass_to(a).new_conflicts == 0
    for laptop in (a, b):
        assert (_lead(laptop, ref).status, _lead(laptop, ref).summary) == (
            "verifying", "乙补充了情况"
        )  # fmt: skip
    assert dump(a.store) == dump(b.store)


def test_one_field_changed_on_both_sides_is_a_conflict_until_resolved(
    pair: tuple[Laptop, Laptop, str], inspector: Actor, clerk: Actor
) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"status": "verifying"})
    leads.update_lead(b.store, ADMIN, ref, {"status": "shelved"})
    result = a.pass_to(b)
    assert result.new_conflicts == 1
    assert _lead(b, ref).status == "shelved"  # the local value stays
    (conflict,) = exchange.list_conflicts(b.store, inspector)
    assert (conflict.entity_label, conflict.field, conflict.field_label) == (
        f"线索 {ref}", "status", "办理状态"
    )  # fmt: skip
    assert (conflict.local_value, conflict.remote_value) == ("暂存待查", "核查中")
    assert (conflict.remote_store, conflict.state) == ("甲", "open")
    assert exchange.count_open_conflicts(b.store, clerk) == 1
    with pytest.raises(PermissionDenied):
        exchange.resolve_conflict(b.store, clerk, conflict.id, "remote")
    with pytest.raises(ValidationError):
        exchange.resolve_conflict(b.store, inspector, conflict.id, "both")

    # 甲 learns of the conflict too when 乙's packet comes back.
    assert b.pass_to(a).new_conflicts == 1
    assert _lead(a, ref).status == "verifying"
    assert exchange.count_open_conflicts(a.store, ADMIN) == 1

    # Resolved on 乙 (keep 甲's value): the choice travels and closes 甲's conflict.
    row = exchange.resolve_conflict(b.store, inspector, conflict.id, "remote")
    assert (row.state, row.resolution, row.resolved_by) == ("resolved", "remote", "insp1")
    assert _lead(b, ref).status == "verifying"
    back = b.pass_to(a)
    assert back.auto_resolved == 1
    assert back.new_conflicts == 0
    assert exchange.count_open_conflicts(a.store, ADMIN) == 0
    (closed,) = exchange.list_conflicts(a.store, ADMIN, open_only=False)
    assert closed.state == "resolved"
    assert closed.resolved_by == "同步：乙"
    assert a.pass_to(b).new_conflicts == 0
    assert dump(a.store) == dump(b.store)
    history = audit.history(b.store, ADMIN, _lead(b, ref).uuid, entity_type="lead")
    assert "sync.resolve" in [e["action"] for e in history]


def test_a_deletion_wins_and_is_never_undone(
    laptops: Callable[[str], Laptop], tmp_path: Path
) -> None:
    a, b = laptops("甲"), laptops("乙")
    batch = tmp_path / "leads.csv"
    batch.write_text(
        "受理时间,来源渠道,被反映人,所在单位,主要问题\n"
        "2021-04-01,来电,王五,江州市公安局东湖分局,反映王五插手经济纠纷\n",
        encoding="utf-8",
    )
    imported = run_import(a.store, ADMIN, batch, ImportOptions("leads", today=TODAY))
    a.pass_to(b)
    (row,) = leads.list_leads(b.store, ADMIN)
    stale = b.send(a)  # 乙's packet holding the lead, made before the deletion reaches it
    leads.update_lead(b.store, ADMIN, row.ref, {"status": "verifying"})
    undo_batch(a.store, ADMIN, imported.batch)  # 甲 deletes it (its import undone)
    result = a.pass_to(b)
    assert result.deleted.get("lead") == 1
    assert leads.list_leads(b.store, ADMIN) == []
    # Neither an older packet nor 乙's own export brings it back.
    assert a.receive(stale).inserted == {}
    assert b.pass_to(a).inserted == {}
    assert leads.list_leads(a.store, ADMIN) == []
    with a.store.read() as session:
        assert session.scalar(select(func.count()).select_from(SyncTombstone)) >= 1
    assert dump(a.store)["lead"] == dump(b.store)["lead"] == {}


def test_the_same_packet_twice_changes_nothing(pair: tuple[Laptop, Laptop, str]) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"status": "verifying"})
    packet = a.send(b)
    first = b.receive(packet)
    assert first.updated == {"lead": 1}
    state = store_state(b.store)
    again = b.receive(packet)
    assert again.already_imported
    assert (again.inserted, again.updated, again.deleted, again.new_conflicts) == ({}, {}, {}, 0)
    assert store_state(b.store) == state
    # The same content in a new packet (everything again) changes no record either.
    before = dump(b.store)
    resent = b.receive(a.send(b, everything=True))
    assert (resent.inserted, resent.updated, resent.deleted, resent.new_conflicts) == (
        {}, {}, {}, 0
    )  # fmt: skip
    assert dump(b.store) == before


LEDGER_HEADER = ["受理时间", "来源渠道", "被反映人", "所在单位", "职务", "问题类别", "主要问题"]
CASE_HEADER = ["案号", "办案单位", "案件类型", "案由", "受案日期"]


def _ledgers(folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(LEDGER_HEADER)
    for n in range(1, 6):
        sheet.append([dt.date(2021, 3, n), "来电", f"王{n}号", "江州市公安局东湖分局",
                      "民警", "违规经商", f"反映其违规经营第{n}号"])  # fmt: skip
    leads_path = folder / "线索台账.xlsx"
    book.save(leads_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(CASE_HEADER)
    for n in range(1, 4):
        sheet.append([f"东公(刑)受字[2021]{n}号", "江州市公安局东湖分局", "刑事", "盗窃",
                      dt.date(2021, 2, n)])  # fmt: skip
    cases_path = folder / "案件台账.xlsx"
    book.save(cases_path)
    return leads_path, cases_path


def test_the_same_ledger_imported_on_two_machines_is_matched_by_natural_keys(
    laptops: Callable[[str], Laptop], tmp_path: Path
) -> None:
    a, b = laptops("甲"), laptops("乙")
    leads_path, cases_path = _ledgers(tmp_path)
    for laptop in (a, b):
        run_import(laptop.store, ADMIN, leads_path, ImportOptions("leads", today=TODAY))
        run_import(laptop.store, ADMIN, cases_path, ImportOptions("cases", today=TODAY))
    assert {r.uuid for r in leads.list_leads(a.store, ADMIN)}.isdisjoint(
        {r.uuid for r in leads.list_leads(b.store, ADMIN)}
    )
    result = a.pass_to(b)
    assert result.inserted == {}
    assert result.new_conflicts == 0
    assert leads.count_leads(b.store, ADMIN) == 5
    assert cases.count_cases(b.store, ADMIN) == 3
    assert len(units.list_units(b.store, ADMIN)) == 1
    # Later changes travel to the matched records.
    first = min(leads.list_leads(a.store, ADMIN), key=lambda r: r.ref)
    leads.update_lead(a.store, ADMIN, first.ref, {"status": "verifying"})
    assert a.pass_to(b).updated == {"lead": 1}
    assert _lead(b, first.ref).status == "verifying"
    assert b.pass_to(a).new_conflicts == 0
    assert leads.count_leads(a.store, ADMIN) == 5


def _bump_nothing(laptop: Laptop) -> None:
    """Make the last capture look recent, so only the watermark finds changes."""


def test_changes_made_in_bulk_or_by_undo_or_unit_merge_are_captured(
    laptops: Callable[[str], Laptop], tmp_path: Path
) -> None:
    a, b = laptops("甲"), laptops("乙")
    made = [
        leads.create_lead(a.store, ADMIN, LEAD | {"summary": f"反映第{n}件"}, today=TODAY)
        for n in range(3)
    ]
    units.add_unit(a.store, ADMIN, "江州市公安局东湖分局（旧称）")
    batch = tmp_path / "leads.csv"
    batch.write_text(
        "受理时间,来源渠道,被反映人,所在单位,主要问题\n"
        "2021-04-01,来电,赵六,江州市东湖区人民法院,反映赵六违规经商\n",
        encoding="utf-8",
    )
    imported = run_import(a.store, ADMIN, batch, ImportOptions("leads", today=TODAY))
    a.pass_to(b)
    assert leads.count_leads(b.store, ADMIN) == 4
    # A bulk edit, an import undone, two units merged: each captured by the next export.
    leads.update_leads(
        a.store, ADMIN, [leads.LeadEdit(r.ref, {"status": "assigned"}) for r in made]
    )
    undo_batch(a.store, ADMIN, imported.batch)
    units.merge_units(a.store, ADMIN, "江州市公安局东湖分局", "江州市公安局东湖分局（旧称）")
    result = a.pass_to(b)
    assert result.updated.get("lead") == 3
    assert result.deleted.get("lead") == 1
    assert result.deleted.get("unit", 0) >= 2
    assert dump(a.store) == dump(b.store)


def test_a_change_that_moves_no_timestamp_is_found_by_a_full_export(
    pair: tuple[Laptop, Laptop, str],
) -> None:
    a, b, ref = pair
    # A write outside the services that leaves updated_at as it was.
    with a.store.write() as session:
        session.execute(
            update(Lead.__table__).where(Lead.__table__.c.ref == ref).values(category="business")
        )
    a.pass_to(b)  # the watermark's margin covers recent rows; a full export covers any
    b.receive(a.send(b, everything=True))
    assert _lead(b, ref).category == "business"


def test_peer_audit_chains_are_verified(pair: tuple[Laptop, Laptop, str]) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"status": "verifying"})
    a.pass_to(b)
    assert all(c.ok for c in exchange.verify_peer_audit(b.store, ADMIN))
    assert audit.verify_chain(b.store, ADMIN).ok
    with b.store.write() as session:
        event = session.scalars(select(PeerAuditEvent).order_by(PeerAuditEvent.id)).first()
        assert event is not None
        session.execute(
            update(PeerAuditEvent).where(PeerAuditEvent.id == event.id).values(user="mallory")
        )
    (check,) = exchange.verify_peer_audit(b.store, ADMIN)
    assert not check.ok
    assert "被修改过" in check.message
    verdict = audit.verify_chain(b.store, ADMIN)
    assert not verdict.ok
    assert "被修改过" in verdict.message


def test_a_cancelled_import_writes_nothing(pair: tuple[Laptop, Laptop, str]) -> None:
    a, b, _ref = pair
    for n in range(600):
        leads.create_lead(a.store, ADMIN, LEAD | {"summary": f"反映第{n}件"}, today=TODAY)
    packet = a.send(b)
    state = store_state(b.store)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    with pytest.raises(Cancelled):
        exchange.import_packet(
            b.store, ADMIN, packet, PASSPHRASE, progress=progress, cancel=lambda: bool(seen)
        )
    assert seen
    assert store_state(b.store) == state
    result = exchange.import_packet(b.store, ADMIN, packet, PASSPHRASE, progress=progress)
    assert result.inserted.get("lead") == 600
    assert seen[-1][0] == seen[-1][1]


def test_conflicting_reporters_are_masked_for_who_may_not_see_them(
    pair: tuple[Laptop, Laptop, str], inspector: Actor
) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"reporter_phone": "13912345678"})
    leads.update_lead(b.store, ADMIN, ref, {"reporter_phone": "13800001111"})
    assert a.pass_to(b).new_conflicts == 1
    (masked,) = exchange.list_conflicts(b.store, inspector)
    assert (masked.local_value, masked.remote_value) == ("138****1111", "139****5678")
    (full,) = exchange.list_conflicts(b.store, ADMIN)
    assert (full.local_value, full.remote_value) == ("13800001111", "13912345678")


def test_since_last_carries_only_what_changed_since_and_what_was_relayed(
    laptops: Callable[[str], Laptop],
) -> None:
    a, b, c = laptops("甲"), laptops("乙"), laptops("丙")
    for n in range(3):
        leads.create_lead(a.store, ADMIN, LEAD | {"summary": f"反映第{n}件"}, today=TODAY)
    a.pass_to(b)
    assert b.pass_to(a).inserted == {}  # nothing new for 甲
    first = a.send(b)
    assert "lead" not in exchange.read_packet(first, PASSPHRASE).counts  # nothing changed
    b.receive(first)
    # 丙's lead reaches 乙 through 甲 (relayed), with 甲's own change.
    leads.create_lead(c.store, ADMIN, LEAD | {"summary": "丙的线索"}, today=TODAY)
    c.pass_to(a)
    (row,) = [r for r in leads.list_leads(a.store, ADMIN) if r.summary == "反映第0件"]
    leads.update_lead(a.store, ADMIN, row.ref, {"status": "assigned"})
    packet = a.send(b)
    assert exchange.read_packet(packet, PASSPHRASE).counts["lead"] == 2
    result = b.receive(packet)
    assert result.inserted.get("lead") == 1
    assert result.updated["lead"] == 1  # (its unit and person: stamps settled with 丙's)
    assert {r.summary for r in leads.list_leads(b.store, ADMIN)} >= {"丙的线索"}
    assert exchange.verify_peer_audit(b.store, ADMIN)[0].ok
    assert len(exchange.verify_peer_audit(b.store, ADMIN)) == 2  # 甲's and 丙's chains
    # 丙 numbered its lead XS2021-00001 as 甲 did another: 甲 renumbered the newcomer, and
    # the new number travels back to 丙.
    refs = {r.uuid: r.ref for r in leads.list_leads(a.store, ADMIN)}
    assert len(set(refs.values())) == 4
    a.pass_to(c)
    assert {r.uuid: r.ref for r in leads.list_leads(c.store, ADMIN)} == refs


def test_a_cancelled_export_leaves_no_file(
    laptops: Callable[[str], Laptop], tmp_path: Path
) -> None:
    a = laptops("甲")
    for n in range(1200):
        leads.create_lead(a.store, ADMIN, LEAD | {"summary": f"反映第{n}件"}, today=TODAY)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.pkt"
    with pytest.raises(Cancelled):
        exchange.export_packet(a.store, ADMIN, target, PASSPHRASE, cancel=lambda: True)
    calls: list[int] = []

    def later() -> bool:
        calls.append(1)
        return len(calls) > 1  # lets the export start writing, then cancels it

    with pytest.raises(Cancelled):
        exchange.export_packet(a.store, ADMIN, target, PASSPHRASE, cancel=later)
    assert calls
    assert list(folder.iterdir()) == []
    assert exchange.list_peers(a.store, ADMIN) == []


def test_a_packet_after_one_that_never_arrived_is_refused(
    pair: tuple[Laptop, Laptop, str],
) -> None:
    a, b, ref = pair
    leads.update_lead(a.store, ADMIN, ref, {"status": "verifying"})
    lost = a.send(b)
    leads.update_lead(a.store, ADMIN, ref, {"category": "business"})
    later = a.send(b)
    state = store_state(b.store)
    with pytest.raises(PacketError, match="尚未导入"):
        b.receive(later)
    assert store_state(b.store) == state
    b.receive(lost)
    b.receive(later)
    assert (_lead(b, ref).status, _lead(b, ref).category) == ("verifying", "business")
    # A packet of everything stands on its own.
    leads.update_lead(a.store, ADMIN, ref, {"status": "assigned"})
    a.send(b)  # lost as well
    b.receive(a.send(b, everything=True))
    assert _lead(b, ref).status == "assigned"
    assert audit.verify_chain(b.store, ADMIN).ok
