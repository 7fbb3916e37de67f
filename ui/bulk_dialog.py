"""The small dialog of a bulk change: one field's new value for the selected leads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import ValidationError, WorkstationError
from workstation.services.auth import Actor
from workstation.services.leads import LABELS
from workstation.services.units import unit_names
from workstation.store import Store
from workstation.vocab import DISPOSITION, LEAD_STATUS

UNIT_COMPLETIONS = 50
# The fields a bulk change can set, and the vocabulary of each (None: a unit name).
BULK_FIELDS = {"handler_unit": None, "status": LEAD_STATUS, "disposition": DISPOSITION}


class BulkEditDialog(QDialog):
    """Asks for the new value of one field (handler unit, status or disposition).

    A unit is typed with completion from the store's units (a new name creates the unit);
    a vocabulary field is a drop-down of its Chinese labels. OK stays disabled until there is
    a value. The caller reads `value()` when the dialog is accepted.
    """

    def __init__(
        self,
        store: Store,
        actor: Actor,
        field: str,
        count: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if field not in BULK_FIELDS:
            raise ValueError(f"not a bulk field: {field}")
        self.setObjectName("bulkEditDialog")
        self.field = field
        self._store = store
        self._actor = actor
        titles = {
            "handler_unit": self.tr("Assign handler unit"),
            "status": self.tr("Change status"),
            "disposition": self.tr("Set disposition"),
        }
        self.setWindowTitle(titles[field])
        intro = QLabel(
            self.tr("{count} selected leads get this value. Ctrl+Z undoes the change.").format(
                count=f"{count:,}"
            ),
            self,
        )
        intro.setWordWrap(True)

        self.combo: QComboBox | None = None
        self.unit: QLineEdit | None = None
        editor: QWidget
        vocabulary = BULK_FIELDS[field]
        if vocabulary is None:
            self.unit = QLineEdit(self)
            self.unit.setObjectName("bulkUnit")
            self.unit.setPlaceholderText(self.tr("Type to find a unit"))
            self.unit.setMinimumWidth(320)
            self._names = QStringListModel(self)
            completer = QCompleter(self._names, self.unit)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setMaxVisibleItems(12)
            self.unit.setCompleter(completer)
            self.unit.textEdited.connect(self._complete)
            self.unit.textChanged.connect(self._update_ok)
            self._complete("")
            editor = self.unit
        else:
            self.combo = QComboBox(self)
            self.combo.setObjectName("bulkChoice")
            for key, label in vocabulary.choices():
                self.combo.addItem(label, key)
            editor = self.combo

        form = QFormLayout()
        form.addRow(LABELS[field] + "：", editor)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()
        editor.setFocus()

    def value(self) -> Any:
        if self.combo is not None:
            return self.combo.currentData()
        assert self.unit is not None
        return self.unit.text().strip()

    def set_value(self, value: str) -> None:
        """Choose a key (vocabulary fields) or type a unit name, as the user would."""
        if self.combo is not None:
            self.combo.setCurrentIndex(self.combo.findData(value))
        else:
            assert self.unit is not None
            self.unit.setText(value)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.value()))

    def _complete(self, text: str) -> None:
        try:
            names = unit_names(self._store, self._actor, text.strip(), UNIT_COMPLETIONS)
        except WorkstationError:
            names = []
        self._names.setStringList(names)


def describe_bulk(changes: dict[str, Any], count: int) -> str:
    """The undo history's name of a bulk change: "12 条线索：办理状态 → 已分办"."""
    parts = []
    for name, value in changes.items():
        vocabulary = BULK_FIELDS.get(name)
        shown = vocabulary.label(value) if vocabulary is not None and value in vocabulary else value
        parts.append(f"{LABELS.get(name, name)} → {shown or '—'}")
    return QCoreApplication.translate("BulkEditDialog", "{count} leads: {changes}").format(
        count=f"{count:,}", changes="；".join(parts)
    )


def show_problems(parent: QWidget, exc: ValidationError) -> None:
    """The problems that stopped a bulk change, each with its lead and field."""
    lines = []
    for key, message in exc.problems.items():
        ref, _, field = key.rpartition(".")
        label = LABELS.get(field, field) if ref else LABELS.get(key, key)
        lines.append(f"{ref}　{label}：{message}" if ref else f"{label}：{message}")
    translate = QCoreApplication.translate
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        translate("BulkEditDialog", "No lead was changed"),
        translate("BulkEditDialog", "No lead was changed: {count} problems were found.").format(
            count=len(lines)
        ),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setInformativeText("\n".join(lines[:8]) + ("\n…" if len(lines) > 8 else ""))
    box.setDetailedText("\n".join(lines))
    box.exec()
