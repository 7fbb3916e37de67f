"""Completion of unit and person names from the store, as the user types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from workstation.errors import WorkstationError
from workstation.services.auth import Actor
from workstation.services.units import person_choices, unit_names
from workstation.store import Store

# The text a candidate puts into the field (what the completer matches and inserts).
InsertRole = Qt.ItemDataRole.UserRole + 1
# What picking the candidate means (e.g. the person's unit and position).
PayloadRole = Qt.ItemDataRole.UserRole + 2
LIMIT = 30


class Candidate(NamedTuple):
    text: str  # inserted into the field
    shown: str  # shown in the list
    payload: Any = None


Fetch = Callable[[str], list[Candidate]]


class StoreCompleter(QCompleter):
    """A completer whose candidates are asked of the store for the text typed so far.

    The store is asked again only when the text no longer narrows the last answer (the last
    text made longer, when that answer was not cut at LIMIT, is filtered here without a query).

    Signals:
        picked(object): the payload of the candidate the user chose.
    """

    picked = Signal(object)

    def __init__(self, fetch: Fetch, editor: QLineEdit) -> None:
        super().__init__(editor)
        self._fetch = fetch
        self._fetched_for: str | None = None
        self._complete_answer = False
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setCompletionRole(InsertRole)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        # Before setCompleter: the editor's own handler then completes over the fresh list.
        editor.textEdited.connect(self.refresh)
        editor.setCompleter(self)
        self.activated[QModelIndex].connect(self._activated)

    @Slot(str)
    def refresh(self, text: str) -> None:
        """Ask the store for candidates matching `text`, unless the last answer covers it."""
        text = text.strip()
        last = self._fetched_for
        if last and self._complete_answer and text.startswith(last):
            return
        try:
            candidates = self._fetch(text)
        except WorkstationError:
            candidates = []  # completion is a convenience: a failing store shows no list
        self._fetched_for = text
        self._complete_answer = len(candidates) < LIMIT
        self._model.clear()
        for candidate in candidates:
            item = QStandardItem(candidate.shown)
            item.setData(candidate.text, InsertRole)
            item.setData(candidate.payload, PayloadRole)
            item.setEditable(False)
            self._model.appendRow(item)

    def candidates(self) -> list[str]:
        """The texts currently offered for the typed prefix (for tests and accessibility)."""
        model = self.completionModel()
        return [str(model.index(r, 0).data(InsertRole)) for r in range(model.rowCount())]

    @Slot(QModelIndex)
    def _activated(self, index: QModelIndex) -> None:
        self.picked.emit(index.data(PayloadRole))


def unit_completer(store: Store, actor: Actor, editor: QLineEdit) -> StoreCompleter:
    """Completes unit names (any part of the name) from the store's units."""

    def fetch(text: str) -> list[Candidate]:
        return [Candidate(name, name) for name in unit_names(store, actor, text, limit=LIMIT)]

    return StoreCompleter(fetch, editor)


def person_completer(store: Store, actor: Actor, editor: QLineEdit) -> StoreCompleter:
    """Completes person names from their start (surname first); the list shows each person's
    position and unit, and picking one emits `picked` with the PersonRow (so a form can fill
    in the unit and position)."""

    def fetch(text: str) -> list[Candidate]:
        if not text:
            return []  # every person of the store, unordered by relevance, helps nobody
        return [
            Candidate(p.name, _person_text(p.name, p.position, p.unit), p)
            for p in person_choices(store, actor, text, limit=LIMIT)
        ]

    return StoreCompleter(fetch, editor)


def _person_text(name: str, position: str | None, unit: str | None) -> str:
    details = " · ".join(part for part in (position, unit) if part)
    return f"{name}（{details}）" if details else name
