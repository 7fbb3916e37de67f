"""The audit trail: every change leaves an event; altering, removing or inserting breaks it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from workstation.errors import PermissionDenied
from workstation.models import AuditEvent
from workstation.services import audit, leads
from workstation.services.auth import Actor
from workstation.store import Store


@pytest.fixture
def filled(store: Store, admin: Actor) -> Store:
    for day in range(1, 6):
        leads.create_lead(
            store,
            admin,
            {
                "received_on": f"2021-03-0{day}",
                "summary": f"第{day}条",
                "subject_unit": "江州市司法局",
            },
            today=dt.date(2021, 6, 30),
        )
    return store


def test_chain_of_real_changes_verifies(filled: Store, admin: Actor) -> None:
    result = audit.verify_chain(filled, admin)
    assert result.ok
    assert result.checked == 6  # one unit and five leads


def test_altered_event_is_found(filled: Store, admin: Actor) -> None:
    with filled.engine.begin() as conn:
        conn.execute(text("""UPDATE audit_events SET "user" = 'mallory' WHERE id = 4"""))
    result = audit.verify_chain(filled, admin)
    assert not result.ok
    assert result.broken_at == 4
    assert "被修改" in result.message


def test_removed_event_is_found(filled: Store, admin: Actor) -> None:
    with filled.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = 3"))
    result = audit.verify_chain(filled, admin)
    assert (result.ok, result.broken_at) == (False, 4)


def test_rehashed_event_still_breaks_the_next_link(filled: Store, admin: Actor) -> None:
    with filled.write() as session:
        event = session.get(AuditEvent, 2)
        assert event is not None
        event.after = {"summary": "篡改"}
        event.hash = audit.event_hash(event.prev_hash, event)
    result = audit.verify_chain(filled, admin)
    assert (result.ok, result.broken_at) == (False, 3)


def test_history_lists_a_records_events(filled: Store, admin: Actor) -> None:
    with filled.read() as session:
        lead_uuid = session.scalars(
            select(AuditEvent.entity_uuid).where(AuditEvent.action == "lead.create")
        ).first()
    assert lead_uuid is not None
    events = audit.history(filled, admin, lead_uuid)
    assert [e["action"] for e in events] == ["lead.create"]


def test_clerk_cannot_verify(filled: Store, clerk: Actor) -> None:
    with pytest.raises(PermissionDenied):
        audit.verify_chain(filled, clerk)
