"""Bulk lead edits: one transaction, all or nothing, one audit event per changed lead."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from workstation import search
from workstation.errors import NotFound, PermissionDenied, ValidationError, WorkstationError
from workstation.models import AuditEvent, Lead, Unit
from workstation.services import audit, leads
from workstation.services.auth import Actor
from workstation.services.leads import LeadEdit, LeadQuery
from workstation.store import Store

TODAY = dt.date(2021, 6, 30)


def _lead(i: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "received_on": "2021-03-05",
        "channel": "来信",
        "summary": f"反映第{i}件：某派出所民警违规插手经济纠纷",
        "subject": f"民警{i}",
        "subject_unit": "江州市公安局东湖分局",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def rows(store: Store, admin: Actor) -> list[leads.LeadRow]:
    return [leads.create_lead(store, admin, _lead(i), today=TODAY) for i in range(3)]


def _events(store: Store, action: str) -> list[AuditEvent]:
    with store.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _versions(store: Store) -> dict[str, int]:
    with store.read() as s:
        return dict(s.execute(select(Lead.ref, Lead.version)).all())


def test_assign_a_handler_unit_to_several_leads(
    store: Store, admin: Actor, inspector: Actor, rows: list[leads.LeadRow]
) -> None:
    changes = {"handler_unit": "江州市公安局督察支队", "status": "已分办"}
    edits = [LeadEdit(r.id, changes, r.version) for r in rows]
    saved = leads.update_leads(store, inspector, edits, today=TODAY)
    assert [r.id for r in saved] == [r.id for r in rows]
    assert {(r.handler_unit, r.status, r.version) for r in saved} == {
        ("江州市公安局督察支队", "assigned", 2)
    }
    assert all(r.updated_by == inspector.login for r in saved)
    events = _events(store, "lead.update")
    assert sorted(e.entity_uuid for e in events) == sorted(r.uuid for r in rows)
    assert all(e.user == inspector.login for e in events)
    assert events[0].before == {"status": "new", "handler_unit": None}
    assert events[0].after == {"status": "assigned", "handler_unit": "江州市公安局督察支队"}
    assert audit.verify_chain(store, admin).ok
    assert len(_events(store, "unit.create")) == 2  # the subject's unit, then the handler once


def test_a_problem_in_one_lead_writes_nothing_and_names_the_lead(
    store: Store, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    before = _versions(store)
    edits = [
        LeadEdit(rows[0].id, {"status": "核查中", "handler_unit": "江州市新单位"}),
        LeadEdit(rows[1].id, {"status": "已办结"}),  # concluded needs a result
        LeadEdit(rows[2].id, {"disposition": "飞鸽传书"}),
    ]
    with pytest.raises(ValidationError) as info:
        leads.update_leads(store, admin, edits, today=TODAY)
    assert set(info.value.problems) == {f"{rows[1].ref}.result", f"{rows[2].ref}.disposition"}
    assert "核查结论" in info.value.problems[f"{rows[1].ref}.result"]
    assert _versions(store) == before
    assert _events(store, "lead.update") == []
    with store.read() as s:
        assert s.scalar(select(func.count()).where(Unit.name == "江州市新单位")) == 0


def test_a_lead_saved_since_is_refused_with_who_and_when(
    store: Store, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    leads.update_lead(store, admin, rows[1].id, {"status": "assigned"}, today=TODAY)
    before = _versions(store)
    edits = [LeadEdit(r.id, {"disposition": "初步核实"}, r.version) for r in rows]
    with pytest.raises(WorkstationError, match=rf"线索“{rows[1].ref}”已被 管理员 于 .* 修改（您"):
        leads.update_leads(store, admin, edits, today=TODAY)
    assert _versions(store) == before


def test_roles_unknown_leads_and_empty_batches(
    store: Store, clerk: Actor, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    with pytest.raises(PermissionDenied):
        leads.update_leads(store, clerk, [LeadEdit(rows[0].id, {"status": "assigned"})])
    with pytest.raises(NotFound):
        leads.update_leads(store, admin, [LeadEdit("XS2099-00001", {"status": "assigned"})])
    assert leads.update_leads(store, admin, []) == []


def test_leads_named_by_number_or_uuid_and_unchanged_ones_not_audited(
    store: Store, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    edits = [
        LeadEdit(rows[0].ref, {"status": "assigned"}),
        LeadEdit(rows[1].uuid, {"status": "new"}),  # already so: nothing to write
        LeadEdit(str(rows[2].id), {"disposition": "谈话函询"}),
    ]
    saved = leads.update_leads(store, admin, edits, today=TODAY)
    assert [(r.ref, r.version) for r in saved] == [
        (rows[0].ref, 2), (rows[1].ref, 1), (rows[2].ref, 2),
    ]  # fmt: skip
    assert len(_events(store, "lead.update")) == 2


def test_undo_is_the_inverse_edit_at_the_new_versions(
    store: Store, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    forward = [LeadEdit(r.id, {"status": "verifying", "disposition": "初步核实"}, r.version)
               for r in rows]  # fmt: skip
    saved = leads.update_leads(store, admin, forward, today=TODAY)
    back = [
        LeadEdit(r.id, {"status": old.status, "disposition": old.disposition}, r.version)
        for r, old in zip(saved, rows, strict=True)
    ]
    undone = leads.update_leads(store, admin, back, today=TODAY)
    assert [(r.status, r.disposition, r.version) for r in undone] == [("new", None, 3)] * 3


def test_edited_text_is_searchable_at_once(
    store: Store, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    edits = [LeadEdit(rows[0].id, {"summary": "反映某所长收受购物卡"}),
             LeadEdit(rows[1].id, {"subject_unit": "江州市司法局"})]  # fmt: skip
    leads.update_leads(store, admin, edits, today=TODAY)
    with store.read() as s:
        assert search.pending_count(s) == 0
    found = leads.list_leads(store, admin, LeadQuery(search="收受购物卡"))
    assert [r.ref for r in found] == [rows[0].ref]
    found = leads.list_leads(store, admin, LeadQuery(search="江州市司法局"))
    assert [r.ref for r in found] == [rows[1].ref]


def test_a_thousand_leads_in_one_call(store: Store, admin: Actor) -> None:
    from workstation import demo

    demo.generate(store, admin, leads=1000, cases=0, seed=3)
    everything = leads.list_leads(store, admin)
    edits = [LeadEdit(r.id, {"handler_unit": "江州市纪委监委"}, r.version) for r in everything]
    saved = leads.update_leads(store, admin, edits, today=dt.date(2030, 1, 1))
    assert len(saved) == 1000
    assert {r.handler_unit for r in saved} == {"江州市纪委监委"}
    changed = sum(
        1 for old, new in zip(everything, saved, strict=True) if new.version > old.version
    )
    assert len(_events(store, "lead.update")) == changed > 900
    assert audit.verify_chain(store, admin).ok


def test_single_edits_keep_plain_field_names_in_problems(
    store: Store, admin: Actor, rows: list[leads.LeadRow]
) -> None:
    with pytest.raises(ValidationError) as info:
        leads.update_lead(store, admin, rows[0].id, {"status": "已办结"}, today=TODAY)
    assert set(info.value.problems) == {"result"}
