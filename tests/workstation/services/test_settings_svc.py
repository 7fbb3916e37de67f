"""Changing the domain settings: checked field by field, refused for non-admins, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from workstation import settings as settings_mod
from workstation.errors import PermissionDenied, ValidationError
from workstation.models import AuditEvent
from workstation.services import settings_svc
from workstation.services.auth import Actor
from workstation.settings import Settings
from workstation.store import Store


def _events(store: Store) -> list[AuditEvent]:
    with store.read() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.update")
        ).all()
        session.expunge_all()
        return list(rows)


def test_valid_changes_are_saved_and_audited(store: Store, admin: Actor) -> None:
    saved = settings_svc.update_settings(
        store,
        admin,
        {
            "nf1_days": "10",
            "lead_due_days": 45,
            "phase_rectify_start": "2021年4月6日",
            "brief_send_to": "市委政法委\n市教育整顿领导小组\n",
            "issuing_unit": " 江州市教育整顿办 ",
        },
    )
    assert saved.nf1_days == 10
    with store.read() as session:
        loaded = settings_mod.load(session)
    assert loaded == saved
    assert loaded.phase_rectify_start == dt.date(2021, 4, 6)
    assert loaded.brief_send_to == ("市委政法委", "市教育整顿领导小组")
    assert loaded.issuing_unit == "江州市教育整顿办"
    [event] = _events(store)
    assert event.user == admin.login
    assert event.before == {
        "nf1_days": 7,
        "lead_due_days": 30,
        "phase_rectify_start": "2021-04-01",
        "brief_send_to": ["教育整顿领导小组组长、副组长"],
        "issuing_unit": "教育整顿领导小组办公室",
    }
    assert event.after is not None
    assert event.after["nf1_days"] == 10


def test_nothing_changed_writes_no_event(store: Store, admin: Actor) -> None:
    settings_svc.update_settings(store, admin, {"nf1_days": 7})
    assert _events(store) == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"nf1_days": "七"}, "nf1_days", "整数"),
        ({"nf1_days": 0}, "nf1_days", "1 到 365"),
        ({"lead_due_days": True}, "lead_due_days", "整数"),
        ({"nf1_complex_days": 5}, "nf1_complex_days", "不应短于"),
        ({"sp2_days": 60}, "sp2_days", "应长于"),
        ({"campaign_end": "2021-01-01"}, "campaign_end", "不能早于"),
        ({"campaign_start": "某天"}, "campaign_start", "不是有效日期"),
        ({"phase_rectify_start": "2021-07-15"}, "phase_rectify_start", "教育整顿期间"),
        ({"phase_summary_start": "2021-03-15"}, "phase_summary_start", "应晚于"),
        ({"issuing_unit": "  "}, "issuing_unit", "不能为空"),
        ({"brief_copies": 501}, "brief_copies", "1 到 500"),
        ({"watch_categories": 7}, "watch_categories", "1 到 6"),
        ({"no_such": 1}, "no_such", "未知"),
    ],
)
def test_invalid_values_are_named_and_nothing_is_saved(
    store: Store, admin: Actor, changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        settings_svc.update_settings(store, admin, {"lead_due_days": 40, **changes})
    assert field in refused.value.problems
    assert words in refused.value.problems[field]
    assert settings_svc.current(store, admin) == Settings()
    assert _events(store) == []


def test_only_an_administrator_changes_settings(store: Store, inspector: Actor) -> None:
    assert settings_svc.current(store, inspector) == Settings()
    assert not settings_svc.may_edit(inspector)
    with pytest.raises(PermissionDenied):
        settings_svc.update_settings(store, inspector, {"nf1_days": 9})
    assert settings_svc.current(store, inspector).nf1_days == 7
