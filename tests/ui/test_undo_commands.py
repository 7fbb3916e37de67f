"""Undo commands of lead edits over a real store: what they record, write back and refuse."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from ui.undo import LeadEditCommand, LeadVersions, lead_change
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadRow, get_lead, update_lead
from workstation.store import Store

pytestmark = pytest.mark.gui


class Stack:
    """A QUndoStack with the callbacks the leads view gives its commands."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.undo_stack = QUndoStack()
        self.book = LeadVersions()
        self.applied: list[list[int]] = []
        self.failures: list[str] = []

    def edit(self, ref: str, changes: dict[str, object]) -> LeadRow:
        """Edit a lead through the service, then push the command, as the view does."""
        before = get_lead(self.store, IMPLICIT_ADMIN, ref)
        after = update_lead(
            self.store, IMPLICIT_ADMIN, before.id, changes, expected_version=before.version
        )
        command = LeadEditCommand(
            self.store,
            IMPLICIT_ADMIN,
            [lead_change(before, after, changes)],
            {after.id: after.version},
            f"edit {ref}",
            book=self.book,
            on_applied=self.applied.append,
            on_failed=self.failures.append,
        )
        self.undo_stack.push(command)
        return after


def _lead(store: Store, ref: str = "XS2021-00001") -> LeadRow:
    return get_lead(store, IMPLICIT_ADMIN, ref)


def test_lead_change_records_what_the_store_changed_too(lead_store: Store) -> None:
    before = _lead(lead_store)
    changes = {"status": "concluded", "result": "partly"}
    after = update_lead(lead_store, IMPLICIT_ADMIN, before.id, changes)
    change = lead_change(before, after, changes)
    # Concluding fills in the concluded date: undo must clear it again.
    assert dict(change.before) == {"status": "new", "result": None, "concluded_on": None}
    assert change.after["concluded_on"] is not None
    assert change.ref == "XS2021-00001"


def test_masked_reporter_fields_are_recorded_only_when_written(lead_store: Store) -> None:
    before = _lead(lead_store)
    after = update_lead(lead_store, IMPLICIT_ADMIN, before.id, {"reporter_name": "张三"})
    assert "reporter_name" not in lead_change(before, after).after  # masked rows alike
    unmasked = get_lead(lead_store, IMPLICIT_ADMIN, before.id, unmask=True)
    change = lead_change(before, after, {"reporter_name": "李四"}, unmasked_before=unmasked)
    assert change.before["reporter_name"] == "张三"
    assert change.after["reporter_name"] == "李四"


def test_push_does_not_write_again_undo_and_redo_do(lead_store: Store) -> None:
    stack = Stack(lead_store)
    after = stack.edit("XS2021-00001", {"category": "business"})
    assert _lead(lead_store).version == after.version  # pushing wrote nothing
    assert stack.applied == []
    stack.undo_stack.undo()
    assert _lead(lead_store).category == "interference"
    stack.undo_stack.redo()
    assert _lead(lead_store).category == "business"
    assert stack.applied == [[after.id], [after.id]]
    assert stack.failures == []


def test_two_edits_of_one_lead_undo_in_turn(lead_store: Store) -> None:
    stack = Stack(lead_store)
    stack.edit("XS2021-00001", {"handler_unit": "江州市司法局"})
    stack.edit("XS2021-00001", {"disposition": "talk_inquiry"})
    stack.undo_stack.undo()
    stack.undo_stack.undo()
    lead = _lead(lead_store)
    assert (lead.handler_unit, lead.disposition) == (None, None)
    stack.undo_stack.redo()
    stack.undo_stack.redo()
    lead = _lead(lead_store)
    assert (lead.handler_unit, lead.disposition) == ("江州市司法局", "talk_inquiry")
    assert stack.failures == []


def test_a_change_by_someone_else_is_not_overwritten(lead_store: Store, inspector: Actor) -> None:
    stack = Stack(lead_store)
    after = stack.edit("XS2021-00002", {"status": "assigned"})
    update_lead(lead_store, inspector, after.id, {"status": "verifying"})
    stack.undo_stack.undo()
    assert _lead(lead_store, "XS2021-00002").status == "verifying"
    assert len(stack.failures) == 1
    assert "已被 insp1" in stack.failures[0]
    assert stack.undo_stack.count() == 0  # dropped: it can no longer be undone cleanly


def test_an_edit_that_changed_nothing_is_not_pushed(lead_store: Store) -> None:
    stack = Stack(lead_store)
    stack.edit("XS2021-00001", {"category": "interference"})  # its category already
    assert stack.undo_stack.count() == 0
