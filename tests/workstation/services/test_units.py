"""Units and persons: one record per normalised name, edits audited, clashes refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workstation.errors import NotFound, PermissionDenied, ValidationError
from workstation.models import AuditEvent
from workstation.services import units
from workstation.services.auth import Actor
from workstation.store import Store


def test_add_unit_infers_its_type_and_finds_variants(store: Store, admin: Actor) -> None:
    first = units.add_unit(store, admin, "江州市 东湖区人民法院")
    again = units.add_unit(store, admin, "江州市東湖區人民法院")
    assert first.id == again.id
    assert first.type == "court"
    assert [u.name for u in units.list_units(store, admin)] == ["江州市 东湖区人民法院"]


def test_rename_retype_and_parent_are_audited(store: Store, admin: Actor) -> None:
    court = units.add_unit(store, admin, "江州市中级人民法院")
    tribunal = units.add_unit(store, admin, "城关法庭")
    row = units.update_unit(
        store, admin, tribunal.name, name="东湖区人民法院城关人民法庭", parent=court.name
    )
    assert (row.name, row.type, row.parent) == ("东湖区人民法院城关人民法庭", "court", court.name)
    with store.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "unit.update")).one()
    assert event.before["name"] == "城关法庭"
    assert event.after["name"] == "东湖区人民法院城关人民法庭"


def test_rename_onto_an_existing_unit_is_refused(store: Store, admin: Actor) -> None:
    units.add_unit(store, admin, "江州市司法局")
    other = units.add_unit(store, admin, "江州市司法局办公室")
    with pytest.raises(ValidationError, match="已存在"):
        units.update_unit(store, admin, other.id, name="江州市 司法局")
    assert {u.name for u in units.list_units(store, admin)} == {
        "江州市司法局",
        "江州市司法局办公室",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"type": "银行"}, "单位类型“银行”不是可选值"), ({"name": "  "}, "单位名称不能为空")],
)
def test_bad_unit_edits(store: Store, admin: Actor, changes: dict[str, str], message: str) -> None:
    unit = units.add_unit(store, admin, "江州市公安局")
    with pytest.raises(ValidationError, match=message):
        units.update_unit(store, admin, unit.id, **changes)


def test_unknown_unit(store: Store, admin: Actor) -> None:
    with pytest.raises(NotFound):
        units.update_unit(store, admin, "不存在的单位", type="court")


def test_person_edits_are_audited_and_role_checked(
    store: Store, admin: Actor, leader: Actor
) -> None:
    with store.write() as session:
        unit = units.ensure_unit(session, admin, "江州市公安局东湖分局")
        person_id = units.ensure_person(session, admin, "王建国", unit, position="民警").id
    row = units.update_person(store, admin, person_id, {"position": "副所长", "badge_no": "031245"})
    assert (row.position, row.badge_no, row.unit) == ("副所长", "031245", "江州市公安局东湖分局")
    assert [p.name for p in units.list_persons(store, admin, unit="江州市公安局东湖分局")] == [
        "王建国"
    ]
    with pytest.raises(PermissionDenied):
        units.update_person(store, leader, person_id, {"position": "所长"})
    with pytest.raises(ValidationError, match="未知字段"):
        units.update_person(store, admin, person_id, {"rank": "一级警长"})


def test_person_choices_for_completion(store: Store, admin: Actor) -> None:
    from workstation.services.leads import create_lead

    fields = {"received_on": "2021-03-05", "summary": "反映问题", "subject_unit": "江州市司法局"}
    create_lead(store, admin, {**fields, "subject": "王建国", "subject_position": "科长"})
    create_lead(store, admin, {**fields, "subject": "王建", "subject_unit": "江州市中级人民法院"})
    create_lead(store, admin, {**fields, "subject": "李明"})
    found = units.person_choices(store, admin, "王建")
    assert [(p.name, p.unit, p.position) for p in found] == [
        ("王建", "江州市中级人民法院", None),
        ("王建国", "江州市司法局", "科长"),
    ]
    assert [p.name for p in units.person_choices(store, admin, "王建國")] == ["王建国"]
    assert units.person_choices(store, admin, "建国") == []  # names are completed from the start
    assert [p.name for p in units.person_choices(store, admin, "%")] == []
    assert len(units.person_choices(store, admin, "", limit=2)) == 2
