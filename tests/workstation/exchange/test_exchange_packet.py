"""The packet file: a round trip of every kind of record, its manifest, and refusals of
packets that are not intact (wrong passphrase, truncated, altered, newer, oversized)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from exchange_helpers import PASSPHRASE, Laptop, dump, store_state

from workstation.errors import PermissionDenied, ValidationError, WorkstationError
from workstation.exchange import packet as packet_module
from workstation.exchange.packet import PacketError, write_packet
from workstation.services import cases, exchange, leads, review, scan, units
from workstation.services.auth import IMPLICIT_ADMIN as ADMIN
from workstation.services.auth import Actor
from workstation.store import head_revision

TODAY = dt.date(2021, 6, 30)


def seed(laptop: Laptop) -> dict[str, str]:
    """One of everything carried: units (one with a parent), persons, a case with an officer,
    leads (one repeating another), anomalies with a decision."""
    s, a = laptop.store, laptop.actor
    parent = units.add_unit(s, a, "江州市公安局")
    child = units.add_unit(s, a, "江州市公安局东湖分局")
    units.update_unit(s, a, child.id, parent="江州市公安局")
    lead = leads.create_lead(
        s, a,
        {"received_on": "2021-03-05", "channel": "phone", "reporter_name": "陈晓梅",
         "reporter_phone": "13912345678", "subject": "王建国", "subject_position": "所长",
         "subject_unit": "江州市公安局东湖分局城关派出所", "category": "interference",
         "summary": "反映王建国插手他人经济纠纷", "handler_unit": "江州市公安局东湖分局",
         "case_no": "东公(刑)受字[2021]1号"},
        today=TODAY,
    )  # fmt: skip
    case = cases.create_case(
        s, a,
        {"case_no": "东公(刑)受字[2021]1号", "agency": "江州市公安局东湖分局", "kind": "刑事",
         "cause": "盗窃", "accepted_on": "2021-01-01", "officer": "赵承办", "amount": 1234500,
         "complex": True},
        today=TODAY,
    )  # fmt: skip
    scan.scan(s, a, as_of=TODAY)
    flag = review.list_anomalies(s, a)[0]
    review.dismiss(s, a, flag.id, "已补办立案手续")
    marked = review.mark(s, a, case.id, "suppressed", "长期未开展侦查")
    return {"lead": lead.uuid, "case": case.uuid, "flag": flag.uuid, "marked": marked.uuid,
            "parent": parent.uuid, "child": child.uuid}  # fmt: skip


def test_round_trip_of_every_kind_of_record(laptops: Callable[[str], Laptop]) -> None:
    a, b = laptops("甲"), laptops("乙")
    ids = seed(a)
    packet = a.send(b, everything=True)
    summary = exchange.read_packet(packet, PASSPHRASE)
    assert summary.source_store_id == exchange.store_id(a.store)
    assert summary.source_name == "甲"
    assert summary.schema_revision == head_revision()
    assert summary.counts["unit"] == 3  # 公安局, 分局 (also the case's agency), 派出所
    assert summary.counts["lead"] == 1
    assert summary.counts["case"] == 1
    assert summary.counts["anomaly"] == 2
    assert summary.counts["person"] == 2
    assert summary.counts["audit"] > 5
    assert summary.changes_from is not None
    assert summary.changes_to is not None
    assert summary.changes_from <= summary.changes_to <= summary.created_at

    result = b.receive(packet)
    assert result.inserted == {"unit": 3, "person": 2, "case": 1, "lead": 1, "anomaly": 2}
    assert not result.already_imported
    assert result.new_conflicts == 0
    assert dump(b.store) == dump(a.store)
    lead = leads.get_lead(b.store, ADMIN, ids["lead"], unmask=True)
    assert (lead.subject, lead.subject_unit, lead.handler_unit) == (
        "王建国",
        "江州市公安局东湖分局城关派出所",
        "江州市公安局东湖分局",
    )
    assert lead.reporter_name == "陈晓梅"
    case = cases.get_case(b.store, ADMIN, ids["case"])
    assert (case.agency, case.officer, case.complex) == ("江州市公安局东湖分局", "赵承办", True)
    assert case.amount is not None
    flag = review.get_anomaly(b.store, ADMIN, ids["flag"])
    assert (flag.state, flag.reason, flag.reviewer) == ("dismissed", "已补办立案手续", "admin")
    assert review.get_anomaly(b.store, ADMIN, ids["marked"]).rule_id == "manual"
    child = next(u for u in units.list_units(b.store, ADMIN) if u.uuid == ids["child"])
    assert child.parent == "江州市公安局"
    # The receiver's search index knows the new lead.
    found = leads.list_leads(b.store, ADMIN, leads.LeadQuery(search="插手他人"))
    assert [r.uuid for r in found] == [ids["lead"]]


def test_the_import_is_one_audit_event_plus_one_per_record(
    laptops: Callable[[str], Laptop],
) -> None:
    from workstation.services import audit

    a, b = laptops("甲"), laptops("乙")
    ids = seed(a)
    b.receive(a.send(b))
    events = audit.history(b.store, ADMIN, ids["lead"], entity_type="lead")
    assert [e["action"] for e in events] == ["sync.insert"]
    assert events[0]["after"]["source"] == "合并自 甲"
    assert audit.verify_chain(b.store, ADMIN).ok
    checks = exchange.verify_peer_audit(b.store, ADMIN)
    assert [(c.origin, c.ok) for c in checks] == [(exchange.store_id(a.store), True)]


@pytest.fixture
def sent(laptops: Callable[[str], Laptop]) -> tuple[Laptop, Laptop, Path]:
    a, b = laptops("甲"), laptops("乙")
    seed(a)
    leads.create_lead(b.store, ADMIN, {"received_on": "2021-04-01", "summary": "乙的线索"})
    return a, b, a.send(b)


def _refused(b: Laptop, path: Path, passphrase: str = PASSPHRASE) -> str:
    before = store_state(b.store)
    with pytest.raises(WorkstationError) as refused:
        exchange.import_packet(b.store, ADMIN, path, passphrase)
    assert store_state(b.store) == before
    assert "未写入任何内容" in refused.value.message
    return refused.value.message


def test_wrong_passphrase(sent: tuple[Laptop, Laptop, Path]) -> None:
    _a, b, path = sent
    assert "口令不正确" in _refused(b, path, "另一个口令12345")
    with pytest.raises(PacketError, match="口令不正确"):
        exchange.read_packet(path, "另一个口令12345")


def test_truncated_file(sent: tuple[Laptop, Laptop, Path]) -> None:
    _a, b, path = sent
    data = path.read_bytes()
    for keep in (len(data) - 1, len(data) // 2, 40, 10):
        cut = path.with_name(f"cut{keep}.pkt")
        cut.write_bytes(data[:keep])
        message = _refused(b, cut)
        assert "截断" in message or "口令不正确，或文件已被改动" in message


@pytest.mark.parametrize("where", ["header", "middle", "tag"])
def test_one_flipped_byte(sent: tuple[Laptop, Laptop, Path], where: str) -> None:
    _a, b, path = sent
    data = bytearray(path.read_bytes())
    offset = {"header": 30, "middle": len(data) // 2, "tag": len(data) - 3}[where]
    data[offset] ^= 0x01
    altered = path.with_name("altered.pkt")
    altered.write_bytes(bytes(data))
    message = _refused(b, altered)
    assert "改动" in message or "损坏" in message


def test_not_a_packet(sent: tuple[Laptop, Laptop, Path], tmp_path: Path) -> None:
    _a, b, _path = sent
    other = tmp_path / "ledger.xlsx"
    other.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert "不是工作站交换包" in _refused(b, other)
    empty = tmp_path / "empty.pkt"
    empty.write_bytes(b"")
    assert "不是工作站交换包" in _refused(b, empty)
    with pytest.raises(PacketError, match="不存在"):
        exchange.import_packet(b.store, ADMIN, tmp_path / "none.pkt", PASSPHRASE)


def _forged(path: Path, manifest: dict[str, object], items: list[dict[str, object]]) -> Path:
    write_packet(path, PASSPHRASE, {"kind": "manifest", **manifest}, iter(items))
    return path


def test_packet_of_a_newer_schema(sent: tuple[Laptop, Laptop, Path], tmp_path: Path) -> None:
    _a, b, path = sent
    summary = exchange.read_packet(path, PASSPHRASE)
    manifest = summary.to_json() | {"source_store": summary.source_store_id,
                                    "schema_revision": "9999"}  # fmt: skip
    newer = _forged(
        tmp_path / "newer.pkt",
        manifest,
        [{"k": "r", "t": "unit", "u": "u-1", "v": {"name": "新单位"}, "d": {}, "vv": {"x": 1}}],
    )
    assert "更新版本" in _refused(b, newer)
    # Only reading its manifest is fine.
    assert exchange.read_packet(newer, PASSPHRASE).schema_revision == "9999"


def test_oversized_payload(
    sent: tuple[Laptop, Laptop, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a, b, _path = sent
    # A payload that inflates far beyond what it weighs (a "zip bomb" of repeated text).
    bomb = _forged(
        tmp_path / "bomb.pkt",
        {"packet_id": "x", "source_store": "y", "schema_revision": head_revision()},
        [{"k": "z", "pad": "交" * 1000} for _ in range(3000)],
    )
    assert bomb.stat().st_size < 200_000
    monkeypatch.setattr(packet_module, "MAX_PAYLOAD_BYTES", 1024 * 1024)
    assert "上限" in _refused(b, bomb)


def test_passphrase_and_permissions(
    laptops: Callable[[str], Laptop], tmp_path: Path, inspector: Actor
) -> None:
    a = laptops("甲")
    with pytest.raises(ValidationError, match="至少 8 个字符"):
        exchange.export_packet(a.store, ADMIN, tmp_path / "p.pkt", "short")
    with pytest.raises(PermissionDenied):
        exchange.export_packet(a.store, inspector, tmp_path / "p.pkt", PASSPHRASE)
    assert not (tmp_path / "p.pkt").exists()
    path = a.send(None)
    with pytest.raises(PermissionDenied):
        exchange.import_packet(a.store, inspector, path, PASSPHRASE)
    with pytest.raises(WorkstationError, match="本机导出"):
        exchange.import_packet(a.store, ADMIN, path, PASSPHRASE)


def test_the_manifest_is_not_readable_without_the_passphrase(
    laptops: Callable[[str], Laptop],
) -> None:
    a = laptops("甲")
    seed(a)
    data = a.send(None).read_bytes()
    assert "甲".encode() not in data
    assert b"manifest" not in data
    header = json.loads(data[13 : 13 + int.from_bytes(data[9:13], "big")])
    assert header["kdf"] == "argon2id"
    assert header["m"] >= 65536


def test_a_sealed_packet_of_nonsense_is_refused(
    sent: tuple[Laptop, Laptop, Path], tmp_path: Path
) -> None:
    _a, b, _path = sent
    manifest = {"packet_id": "p-1", "source_store": "s-1", "schema_revision": head_revision()}
    for items in (
        [{"k": "r", "t": "lead", "u": "x", "v": ["not", "a", "record"]}],
        [{"k": "x", "t": "unit"}],
        [{"k": "a", "o": "s-1"}],
    ):
        odd = _forged(tmp_path / "odd.pkt", manifest, items)
        assert "不符合交换包格式" in _refused(b, odd)
