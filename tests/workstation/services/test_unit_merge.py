"""Merging two spellings of one unit: every reference moves, one audit event, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from workstation.errors import PermissionDenied, ValidationError
from workstation.models import AuditEvent
from workstation.services import cases, units
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery, count_leads, create_lead, list_leads
from workstation.store import Store

TODAY = dt.date(2021, 6, 30)
KEEP = "江州市公安局东湖分局"
MERGE = "东湖区公安分局"


def _lead(unit: str, subject: str, summary: str, **more: str) -> dict[str, str]:
    return {
        "received_on": "2021-04-01",
        "channel": "phone",
        "subject": subject,
        "subject_unit": unit,
        "summary": summary,
        **more,
    }


@pytest.fixture
def two_spellings(store: Store, admin: Actor) -> Store:
    create_lead(store, admin, _lead(KEEP, "王建国", "反映插手经济纠纷"), today=TODAY)
    create_lead(store, admin, _lead(KEEP, "李明", "反映违规经商"), today=TODAY)
    create_lead(store, admin, _lead(MERGE, "王建国", "反映违规查封财物"), today=TODAY)
    create_lead(
        store,
        admin,
        _lead("江州市司法局", "赵强", "反映作风粗暴", handler_unit=MERGE),
        today=TODAY,
    )
    for unit, number in ((MERGE, "1"), (KEEP, "2")):
        cases.create_case(
            store,
            admin,
            {
                "case_no": f"东公(刑)受字[2021]{number}号",
                "agency": unit,
                "accepted_on": "2021-03-01",
                "kind": "刑事",
                "cause": "盗窃",
            },
            today=TODAY,
        )
    units.add_unit(store, admin, "东湖区公安分局城关派出所")
    units.update_unit(store, admin, "东湖区公安分局城关派出所", parent=MERGE)
    return store


def _usage(store: Store, admin: Actor) -> dict[str, units.UnitUsage]:
    return {u.name: u for u in units.unit_usage(store, admin)}


def test_unit_usage_counts_every_reference(two_spellings: Store, admin: Actor) -> None:
    usage = _usage(two_spellings, admin)
    assert (usage[KEEP].leads, usage[KEEP].persons, usage[KEEP].cases) == (2, 2, 1)
    merged = usage[MERGE]
    assert (merged.leads, merged.handled, merged.persons, merged.cases) == (1, 1, 1, 1)
    assert merged.references == 4
    assert usage["东湖区公安分局城关派出所"].parent == MERGE
    assert [u.name for u in units.unit_usage(two_spellings, admin, search="東湖区")] == [
        MERGE,
        "东湖区公安分局城关派出所",
    ]


def test_merge_moves_every_reference_and_audits(two_spellings: Store, admin: Actor) -> None:
    store = two_spellings
    result = units.merge_units(store, admin, KEEP, MERGE)
    assert result.kept.name == KEEP
    assert result.merged == MERGE
    assert (result.leads, result.handled, result.cases, result.units) == (1, 1, 1, 1)
    assert (result.persons, result.persons_joined) == (1, 1)

    usage = _usage(store, admin)
    assert MERGE not in usage
    assert (usage[KEEP].leads, usage[KEEP].handled, usage[KEEP].cases) == (3, 1, 2)
    assert usage[KEEP].persons == 2  # 王建国 of both spellings is one person now
    assert usage["东湖区公安分局城关派出所"].parent == KEEP
    assert count_leads(store, admin, LeadQuery(unit=KEEP)) == 3
    assert count_leads(store, admin, LeadQuery(handler_unit=KEEP)) == 1
    subjects = {r.summary: (r.subject, r.subject_unit) for r in list_leads(store, admin)}
    assert subjects["反映违规查封财物"] == ("王建国", KEEP)
    # The search index knows the unit's name now (and no longer the old spelling).
    found = list_leads(store, admin, LeadQuery(search="公安局东湖分局"))
    assert {r.summary for r in found} >= {"反映违规查封财物"}
    assert count_leads(store, admin, LeadQuery(search="东湖区公安分局")) == 0
    assert {c.agency for c in cases.list_cases(store, admin)} == {KEEP}

    with store.read() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.merge"))
        assert event.entity_uuid == result.kept.uuid
        assert event.before is not None
        assert event.after is not None
        assert event.before["merged"]["name"] == MERGE
        assert event.before["kept"]["name"] == KEEP
        moved = event.after["moved"]
        assert (moved["leads"], moved["handled"], moved["cases"], moved["persons"]) == (1, 1, 1, 1)
        assert [p["name"] for p in moved["persons_joined"]] == ["王建国"]


def test_merging_a_unit_into_itself_is_refused(two_spellings: Store, admin: Actor) -> None:
    with pytest.raises(ValidationError) as refused:
        units.merge_units(two_spellings, admin, KEEP, KEEP)
    assert "自己" in refused.value.problems["merge"]


def test_a_case_number_in_both_units_is_refused(two_spellings: Store, admin: Actor) -> None:
    cases.create_case(
        two_spellings,
        admin,
        {
            "case_no": "东公(刑)受字[2021]1号",
            "agency": KEEP,
            "accepted_on": "2021-03-02",
            "kind": "刑事",
            "cause": "诈骗",
        },
        today=TODAY,
    )
    before = _usage(two_spellings, admin)
    with pytest.raises(ValidationError) as refused:
        units.merge_units(two_spellings, admin, KEEP, MERGE)
    assert "东公(刑)受字[2021]1号" in refused.value.problems["merge"]
    assert _usage(two_spellings, admin) == before


def test_a_clerk_may_not_merge(two_spellings: Store, clerk: Actor, admin: Actor) -> None:
    with pytest.raises(PermissionDenied):
        units.merge_units(two_spellings, clerk, KEEP, MERGE)
    assert MERGE in _usage(two_spellings, admin)
