"""Named mapping profiles: saved per header layout, found again for the same headers, audited."""

from __future__ import annotations

import pytest
from importing_helpers import TODAY, Files

from workstation import settings as settings_mod
from workstation.errors import NotFound, PermissionDenied, ValidationError
from workstation.importing import preview
from workstation.importing.headers import SEQ
from workstation.importing.profiles import (
    delete_profile,
    find_profile,
    fingerprint,
    list_profiles,
    save_profile,
)
from workstation.models import AuditEvent
from workstation.services.auth import Actor
from workstation.store import Store

HEADERS = ["序号", "收到日期", "反映对象", "工作单位", "反映内容", "办理状态"]
FIELDS = [SEQ, "received_on", "subject", "subject_unit", "summary", "status"]


def _events(store: Store, action: str) -> list[AuditEvent]:
    with store.read() as session:
        rows = session.query(AuditEvent).filter(AuditEvent.action == action).all()
        session.expunge_all()
        return rows


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (["受理时间", "主要问题"], ["受理时间", "主要问题"]),
        (["受 理 时 间", "主要问题"], ["受理时间", "主要问题"]),
        (["受理时间\n（年月日）", "主要问题"], ["受理时间", "主要问题"]),
        (["受理時間", "主要問題"], ["受理时间", "主要问题"]),
        (["受理时间", "", "主要问题"], ["受理时间", "主要问题"]),
    ],
)
def test_fingerprint_folds_spelling_of_the_same_headers(a: list[str], b: list[str]) -> None:
    assert fingerprint("leads", a) == fingerprint("leads", b)


def test_fingerprint_tells_order_kind_and_headers_apart() -> None:
    base = fingerprint("leads", ["受理时间", "主要问题"])
    assert fingerprint("leads", ["主要问题", "受理时间"]) != base
    assert fingerprint("cases", ["受理时间", "主要问题"]) != base
    assert fingerprint("leads", ["受理时间", "主要问题", "备注"]) != base


def test_saved_profile_is_found_again_by_its_headers(store: Store, clerk: Actor) -> None:
    saved = save_profile(store, clerk, "  区纪委 转办 台账 ", "leads", HEADERS, FIELDS)
    assert saved.name == "区纪委 转办 台账"
    found = find_profile(store, clerk, "leads", [h + " " for h in HEADERS])
    assert found == saved
    assert found.fields[-1] == "status"
    assert find_profile(store, clerk, "cases", HEADERS) is None
    assert find_profile(store, clerk, "leads", HEADERS[:-1]) is None
    (event,) = _events(store, "import.profile.save")
    assert (event.user, event.entity_uuid, event.before) == ("clerk1", saved.uuid, None)
    assert event.after["fields"] == FIELDS


def test_saving_the_same_layout_again_replaces_it(store: Store, clerk: Actor) -> None:
    first = save_profile(store, clerk, "甲", "leads", HEADERS, FIELDS)
    changed = [*FIELDS[:-1], None]
    second = save_profile(store, clerk, "乙", "leads", HEADERS, changed)
    assert second.uuid == first.uuid
    assert [p.name for p in list_profiles(store, clerk)] == ["乙"]
    events = _events(store, "import.profile.save")
    assert events[-1].before["name"] == "甲"
    assert events[-1].after["fields"][-1] is None


def test_profiles_leave_the_domain_settings_alone(store: Store, clerk: Actor) -> None:
    save_profile(store, clerk, "甲", "leads", HEADERS, FIELDS)
    with store.read() as session:
        assert settings_mod.load(session) == settings_mod.Settings()


@pytest.mark.parametrize(
    ("name", "fields", "problem"),
    [
        ("  ", FIELDS, "name"),
        ("长" * 61, FIELDS, "name"),
        ("甲", [*FIELDS[:-1], "no_such_field"], "fields"),
    ],
)
def test_bad_profiles_are_refused_with_the_field_named(
    store: Store, clerk: Actor, name: str, fields: list[str | None], problem: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        save_profile(store, clerk, name, "leads", HEADERS, fields)
    assert problem in caught.value.problems
    assert list_profiles(store, clerk) == []


def test_a_name_is_one_layouts_only(store: Store, clerk: Actor) -> None:
    save_profile(store, clerk, "公安台账", "leads", HEADERS, FIELDS)
    with pytest.raises(ValidationError, match="已有名为“公安台账”的映射方案"):
        save_profile(store, clerk, "公安台账", "leads", HEADERS[:-1], FIELDS[:-1])


def test_delete_is_audited_and_refused_twice(store: Store, clerk: Actor) -> None:
    saved = save_profile(store, clerk, "甲", "leads", HEADERS, FIELDS)
    delete_profile(store, clerk, saved.fingerprint)
    assert list_profiles(store, clerk) == []
    (event,) = _events(store, "import.profile.delete")
    assert event.before["name"] == "甲"
    with pytest.raises(NotFound):
        delete_profile(store, clerk, saved.fingerprint)


def test_a_leader_may_not_save_profiles(store: Store, leader: Actor) -> None:
    with pytest.raises(PermissionDenied):
        save_profile(store, leader, "甲", "leads", HEADERS, FIELDS)
    with pytest.raises(PermissionDenied):
        list_profiles(store, leader)


def test_profile_overrides_turn_the_detected_mapping_into_the_saved_one(
    files: Files, store: Store, clerk: Actor
) -> None:
    rows = [HEADERS, [1, "2021-03-05", "张三", "东湖分局", "反映其违规经商", "核查中"]]
    path = files.xlsx("a.xlsx", rows)
    detected = preview(path, "leads", today=TODAY)
    assert [c.field for c in detected.columns][-1] == "status"
    wanted = [c.field for c in detected.columns]
    wanted[-1] = None  # 办理状态 kept as extra data
    wanted[2], wanted[3] = "subject_unit", "subject"  # swapped on purpose
    profile = save_profile(
        store, clerk, "甲", "leads", [c.header for c in detected.columns], wanted
    )
    overrides = profile.overrides([(c.letter, c.field) for c in detected.columns])
    assert overrides == [("C", "subject_unit"), ("D", "subject"), ("F", "")]
    again = preview(path, "leads", mapping=overrides, today=TODAY)
    assert [c.field for c in again.columns] == wanted
