"""Undo and redo of lead edits: commands for a QUndoStack that write through the services."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from workstation.errors import WorkstationError
from workstation.services.auth import Actor
from workstation.services.leads import EDITABLE, LeadEdit, LeadRow, update_leads
from workstation.store import Store

# Shown masked in a LeadRow: their before values come from the edit itself, never from a row.
MASKED_FIELDS = frozenset({"reporter_name", "reporter_phone"})


@dataclasses.dataclass(frozen=True)
class LeadChange:
    """One lead's changed fields: the values before the edit and after it."""

    lead_id: int
    ref: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]


def lead_change(
    before: LeadRow,
    after: LeadRow,
    written: Mapping[str, Any] | None = None,
    *,
    unmasked_before: LeadRow | None = None,
) -> LeadChange:
    """What an edit changed, from the rows before and after it.

    Every editable field that differs is recorded, including the ones the store changed on its
    own (concluding a lead fills in its concluded date), so that undo puts all of them back.
    Reporter fields are masked in rows: they are recorded only when the edit wrote them, with
    the value written and the value read unmasked before the edit.
    """
    written = written or {}
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name in sorted(EDITABLE - MASKED_FIELDS):
        if getattr(before, name) != getattr(after, name):
            old[name] = getattr(before, name)
            new[name] = getattr(after, name)
    for name in sorted(MASKED_FIELDS & set(written)):
        source = unmasked_before if unmasked_before is not None else before
        old[name] = getattr(source, name)
        new[name] = written[name]
    return LeadChange(lead_id=after.id, ref=after.ref, before=old, after=new)


class LeadVersions:
    """The version each lead had after the last write of one undo stack's commands.

    Commands of a stack undo and redo in a line: the step that touches a lead next expects the
    version the previous step (of any command) left, not the one its own command saw when it
    was made. A version that differs from this book means someone else changed the lead.
    """

    def __init__(self) -> None:
        self._versions: dict[int, int] = {}

    def get(self, lead_id: int, default: int) -> int:
        return self._versions.get(lead_id, default)

    def update(self, versions: Mapping[int, int]) -> None:
        self._versions.update(versions)


class LeadEditCommand(QUndoCommand):
    """Edits of one or more leads that have already been written to the store.

    Pushing the command does not write again. Undo writes the before values back, redo the
    after values, each as one all-or-nothing `update_leads` call that expects the versions
    the stack's previous step left (see LeadVersions): when someone else changed a lead in
    between, the store refuses with its conflict message instead of overwriting their change.
    Such a step is reported through `on_failed` and the command leaves the stack (it can no
    longer be undone cleanly).

    `on_applied(ids)` is called after every successful undo or redo, for views to refresh.
    """

    def __init__(
        self,
        store: Store,
        actor: Actor,
        changes: Sequence[LeadChange],
        versions: Mapping[int, int],
        text: str,
        *,
        book: LeadVersions,
        on_applied: Callable[[list[int]], None],
        on_failed: Callable[[str], None],
    ) -> None:
        super().__init__(text)
        self._store = store
        self._actor = actor
        self.changes = tuple(c for c in changes if c.before or c.after)
        self._book = book
        book.update({c.lead_id: versions[c.lead_id] for c in self.changes})
        self._on_applied = on_applied
        self._on_failed = on_failed
        self._written = True  # pushed after the edit: the first redo has nothing to do
        if not self.changes:
            self.setObsolete(True)

    def lead_ids(self) -> list[int]:
        return [c.lead_id for c in self.changes]

    def redo(self) -> None:
        if self._written:
            self._written = False
            return
        self._write(after=True)

    def undo(self) -> None:
        self._write(after=False)

    def _write(self, *, after: bool) -> None:
        edits = [
            LeadEdit(
                key=c.lead_id,
                changes=dict(c.after if after else c.before),
                expected_version=self._book.get(c.lead_id, -1),
            )
            for c in self.changes
        ]
        try:
            rows = update_leads(self._store, self._actor, edits)
        except WorkstationError as exc:
            # The stack drops an obsolete command once this call returns.
            self.setObsolete(True)
            self._on_failed(exc.message)
            return
        self._book.update({row.id: row.version for row in rows})
        self._on_applied(self.lead_ids())
