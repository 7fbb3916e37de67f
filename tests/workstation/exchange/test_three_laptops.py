"""Three laptops (issue 9): 丙 seeds 甲 and 乙; 甲 and 乙 change overlapping records, exchange
only through 丙, in both directions; a reviewer resolves the conflicts on one machine; after the
next rounds all three hold the same data, no open conflicts, and verifiable audit trails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from exchange_helpers import Laptop, dump

from workstation.importing import ImportOptions, run_import, undo_batch
from workstation.services import audit, cases, exchange, leads, review, scan, units
from workstation.services.auth import IMPLICIT_ADMIN as ADMIN
from workstation.services.auth import Actor

TODAY = dt.date(2021, 6, 30)


def _lead(n: int, unit: str = "江州市公安局东湖分局") -> dict[str, str]:
    return {"ref": f"XS2021-{n:05d}", "received_on": "2021-03-05", "channel": "phone",
            "subject": f"王{n}", "subject_unit": unit, "summary": f"反映第{n}件问题"}  # fmt: skip


def _status(laptop: Laptop, ref: str) -> str:
    return leads.get_lead(laptop.store, ADMIN, ref).status


def test_three_laptops_converge(
    laptops: Callable[[str], Laptop], tmp_path: Path, inspector: Actor
) -> None:
    a, b, c = laptops("甲"), laptops("乙"), laptops("丙")

    # 丙 seeds the other two with everything it has.
    for n in (1, 2, 3):
        leads.create_lead(c.store, ADMIN, _lead(n), today=TODAY)
    leads.create_lead(c.store, ADMIN, _lead(4, unit="东湖分局（旧称）"), today=TODAY)
    case = cases.create_case(
        c.store, ADMIN,
        {"case_no": "东公(刑)受字[2021]1号", "agency": "江州市公安局东湖分局", "kind": "刑事",
         "cause": "盗窃", "accepted_on": "2021-01-01"},
        today=TODAY,
    )  # fmt: skip
    scan.scan(c.store, ADMIN, as_of=TODAY)
    flag = review.list_anomalies(c.store, ADMIN)[0]
    c.pass_to(a, everything=True)
    c.pass_to(b, everything=True)
    assert dump(a.store) == dump(b.store) == dump(c.store)

    # 甲 imports a small ledger; it reaches 乙 through 丙.
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "受理时间,来源渠道,被反映人,所在单位,主要问题\n"
        "2021-04-01,来电,赵六,江州市东湖区人民法院,反映赵六违规经商\n"
        "2021-04-02,来信,钱七,江州市东湖区人民法院,反映钱七违规借贷\n",
        encoding="utf-8",
    )
    batch = run_import(a.store, ADMIN, ledger, ImportOptions("leads", today=TODAY)).batch
    a.pass_to(c)
    c.pass_to(b)
    imported = [r for r in leads.list_leads(b.store, ADMIN) if r.subject in ("赵六", "钱七")]
    assert len(imported) == 2

    # Overlapping work, apart.
    leads.update_lead(a.store, ADMIN, "XS2021-00001", {"status": "verifying"})
    leads.update_lead(b.store, ADMIN, "XS2021-00001", {"status": "shelved"})
    cases.update_case(a.store, ADMIN, case.id, {"cause": "诈骗"}, today=TODAY)
    cases.update_case(b.store, ADMIN, case.id, {"complainant": "李四"}, today=TODAY)
    review.confirm(a.store, ADMIN, flag.uuid, "超期未立案属实")
    undo_batch(a.store, ADMIN, batch)  # 甲 deletes what 乙 is editing
    leads.update_lead(b.store, ADMIN, imported[0].ref, {"status": "assigned"})
    units.merge_units(a.store, ADMIN, "江州市公安局东湖分局", "东湖分局（旧称）")
    units.update_unit(b.store, ADMIN, "东湖分局（旧称）", type="police")
    leads.create_lead(a.store, ADMIN, _lead(11), today=TODAY)
    leads.create_lead(b.store, ADMIN, _lead(21, unit="江州市中级人民法院"), today=TODAY)

    # Through 丙, both ways.
    a.pass_to(c)
    b.pass_to(c)
    c.pass_to(a)
    c.pass_to(b)
    conflicts = exchange.list_conflicts(c.store, inspector)
    assert [(x.entity_label, x.field) for x in conflicts] == [("线索 XS2021-00001", "status")]
    assert exchange.count_open_conflicts(a.store, ADMIN) >= 1
    assert exchange.count_open_conflicts(b.store, ADMIN) >= 1

    # A reviewer on 丙 keeps 乙's value; then the rounds go on until nothing moves.
    (conflict,) = conflicts
    keep = "local" if conflict.local_value == "暂存待查" else "remote"
    exchange.resolve_conflict(c.store, inspector, conflict.id, keep)
    for _ in range(2):
        c.pass_to(a)
        c.pass_to(b)
        a.pass_to(c)
        b.pass_to(c)
    c.pass_to(a)
    c.pass_to(b)

    final = dump(c.store)
    assert dump(a.store) == final
    assert dump(b.store) == final
    for laptop in (a, b, c):
        assert exchange.count_open_conflicts(laptop.store, ADMIN) == 0
        resolved = exchange.list_conflicts(laptop.store, ADMIN, open_only=False)
        assert resolved
        assert all(x.state == "resolved" for x in resolved)
        assert _status(laptop, "XS2021-00001") == "shelved"
        got = cases.get_case(laptop.store, ADMIN, case.uuid)
        assert (got.cause, got.complainant) == ("诈骗", "李四")
        assert review.get_anomaly(laptop.store, ADMIN, flag.uuid).state == "confirmed"
        names = {r.subject for r in leads.list_leads(laptop.store, ADMIN)}
        assert "赵六" not in names
        assert "钱七" not in names
        assert {"王11", "王21"} <= names
        assert "东湖分局（旧称）" not in {u.name for u in units.list_units(laptop.store, ADMIN)}
        assert leads.get_lead(laptop.store, ADMIN, "XS2021-00004").subject_unit == (
            "江州市公安局东湖分局"
        )
        verdict = audit.verify_chain(laptop.store, ADMIN)
        assert verdict.ok, verdict.message
        assert len(exchange.verify_peer_audit(laptop.store, ADMIN)) == 2
