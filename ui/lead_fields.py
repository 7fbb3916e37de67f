"""The editors of a lead's fields, built once for both the lead form and the quick-entry dialog.

Each field has a label, an editor and a line under the editor that says what is wrong with it
(a service's ValidationError names fields; their messages are shown there, in red).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.completion import StoreCompleter, person_completer, unit_completer
from workstation.importing.dates import DateUnreadable, parse_text
from workstation.services.auth import Actor
from workstation.services.leads import VOCAB_FIELDS
from workstation.services.units import PersonRow
from workstation.store import Store
from workstation.vocab import Vocabulary, clean_text

PROBLEM_COLOUR = "#b42318"
INVALID_BACKGROUND = "#fef3f2"
INVALID_TINT = "#fecdca"
MUTED = "#667085"

# The groups of the lead form, in reading (and tab) order.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("source", ("ref", "received_on", "channel", "reporter_name", "reporter_phone", "anonymous")),
    ("subject", ("subject", "subject_position", "subject_unit")),
    ("problem", ("category", "summary", "case_no")),
    ("handling", ("status", "disposition", "result", "handler_unit", "due_on", "concluded_on")),
)
ALL_FIELDS: tuple[str, ...] = tuple(name for _, names in GROUPS for name in names)
DATE_FIELDS = frozenset({"received_on", "due_on", "concluded_on"})
UNIT_FIELDS = frozenset({"subject_unit", "handler_unit"})
# Vocabulary fields a lead may leave empty (the others always hold a value).
OPTIONAL_CHOICES = frozenset({"disposition", "result"})


def field_labels() -> dict[str, str]:
    """The label of each field, in the UI's language."""
    return {
        "ref": QCoreApplication.translate("LeadFields", "Lead No."),
        "received_on": QCoreApplication.translate("LeadFields", "Received on"),
        "channel": QCoreApplication.translate("LeadFields", "Channel"),
        "reporter_name": QCoreApplication.translate("LeadFields", "Reporter"),
        "reporter_phone": QCoreApplication.translate("LeadFields", "Phone"),
        "anonymous": QCoreApplication.translate("LeadFields", "Anonymous"),
        "subject": QCoreApplication.translate("LeadFields", "Subject"),
        "subject_position": QCoreApplication.translate("LeadFields", "Position"),
        "subject_unit": QCoreApplication.translate("LeadFields", "Subject's unit"),
        "category": QCoreApplication.translate("LeadFields", "Category"),
        "summary": QCoreApplication.translate("LeadFields", "Summary"),
        "case_no": QCoreApplication.translate("LeadFields", "Linked case No."),
        "status": QCoreApplication.translate("LeadFields", "Status"),
        "disposition": QCoreApplication.translate("LeadFields", "Disposition"),
        "result": QCoreApplication.translate("LeadFields", "Finding"),
        "handler_unit": QCoreApplication.translate("LeadFields", "Handling unit"),
        "due_on": QCoreApplication.translate("LeadFields", "Due on"),
        "concluded_on": QCoreApplication.translate("LeadFields", "Concluded on"),
    }


def group_titles() -> dict[str, str]:
    return {
        "source": QCoreApplication.translate("LeadFields", "Source"),
        "subject": QCoreApplication.translate("LeadFields", "Person reported"),
        "problem": QCoreApplication.translate("LeadFields", "Problem"),
        "handling": QCoreApplication.translate("LeadFields", "Handling"),
    }


def unreadable_date_message(text: str) -> str:
    return QCoreApplication.translate(
        "LeadFields", "“{text}” is not a date: write 2021-03-05, 2021年3月5日 or 20210305"
    ).format(text=text)


class Field:
    """One field: a label, an editor, and the line under the editor saying what is wrong."""

    def __init__(self, name: str, label: str, editor: QWidget, parent: QWidget) -> None:
        self.name = name
        self.editor = editor
        editor.setObjectName(f"field_{name}")
        self.label = QLabel(label, parent)
        self.label.setObjectName(f"label_{name}")
        self.label.setBuddy(editor)
        self.problem = QLabel(parent)
        self.problem.setObjectName(f"problem_{name}")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.problem.hide()
        self.cell = QWidget(parent)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)
        self.row.addWidget(editor, 1)
        column = QVBoxLayout(self.cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(self.row)
        column.addWidget(self.problem)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_editable(self, editable: bool) -> None:
        self.editor.setEnabled(editable)

    def connect_edited(self, callback: Callable[[], None]) -> None:
        raise NotImplementedError

    def add_beside(self, widget: QWidget) -> None:
        """Put a small widget (a button) to the right of the editor."""
        self.row.addWidget(widget)

    def problem_text(self) -> str:
        return self.problem.text() if not self.problem.isHidden() else ""

    def set_problem(self, message: str | None) -> None:
        if message:
            self.problem.setText(message)
            self.problem.show()
            self._mark(True)
            self.editor.setToolTip(message)
        else:
            self.problem.clear()
            self.problem.hide()
            self._mark(False)
            self.editor.setToolTip("")

    def _mark(self, invalid: bool) -> None:
        """A red frame and a pale red ground on the editor of a field that has a problem."""
        if not invalid:
            self.editor.setStyleSheet("")
            return
        kind = type(self.editor).__name__
        self.editor.setStyleSheet(
            f"{kind} {{ border: 1px solid {PROBLEM_COLOUR}; border-radius: 3px;"
            f" background-color: {INVALID_BACKGROUND}; padding: 2px 4px; }}"
        )


class TextField(Field):
    def __init__(self, name: str, label: str, parent: QWidget, *, max_length: int = 200) -> None:
        editor = QLineEdit(parent)
        editor.setMaxLength(max_length)
        super().__init__(name, label, editor, parent)
        self.line = editor

    def value(self) -> str | None:
        return clean_text(self.line.text())

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))
        self.line.setCursorPosition(0)

    def set_editable(self, editable: bool) -> None:
        self.line.setReadOnly(not editable)

    def connect_edited(self, callback: Callable[[], None]) -> None:
        # textChanged, not textEdited: picking a completion sets the text too.
        self.line.textChanged.connect(lambda _text: callback())


class DateField(TextField):
    """A date typed as 2021-03-05, 2021年3月5日, 2021.3.5 or 20210305 (shown as 2021-03-05)."""

    def __init__(self, name: str, label: str, parent: QWidget) -> None:
        super().__init__(name, label, parent, max_length=40)
        self.line.setPlaceholderText("YYYY-MM-DD")
        self.line.editingFinished.connect(self._tidy)

    def value(self) -> dt.date | str | None:
        """The date, or the text as typed when it is not one (the service then says so)."""
        text = self.line.text().strip()
        if not text:
            return None
        try:
            return parse_text(text)
        except DateUnreadable:
            return text

    def set_value(self, value: Any) -> None:
        super().set_value(value.isoformat() if isinstance(value, dt.date) else value)

    def unreadable(self) -> str | None:
        """The text typed, when it is not a date."""
        value = self.value()
        return value if isinstance(value, str) else None

    def _tidy(self) -> None:
        value = self.value()
        if isinstance(value, dt.date) and self.line.text() != value.isoformat():
            self.line.setText(value.isoformat())


class _SummaryEdit(QPlainTextEdit):
    """A text box that asks for a few lines, and takes more only where there is room."""

    LINES = 6

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        frame = 2 * self.frameWidth() + int(self.document().documentMargin() * 2)
        return QSize(hint.width(), self.fontMetrics().lineSpacing() * self.LINES + frame)


class SummaryField(Field):
    def __init__(self, name: str, label: str, parent: QWidget) -> None:
        editor = _SummaryEdit(parent)
        editor.setTabChangesFocus(True)
        editor.setMinimumHeight(editor.fontMetrics().lineSpacing() * 3 + 12)
        editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        super().__init__(name, label, editor, parent)
        self.text = editor

    def value(self) -> str | None:
        return clean_text(self.text.toPlainText())

    def set_value(self, value: Any) -> None:
        self.text.setPlainText("" if value is None else str(value))

    def set_editable(self, editable: bool) -> None:
        self.text.setReadOnly(not editable)

    def connect_edited(self, callback: Callable[[], None]) -> None:
        self.text.textChanged.connect(callback)


class ChoiceField(Field):
    """A vocabulary as a drop-down of Chinese labels; the value is the key."""

    def __init__(
        self,
        name: str,
        label: str,
        vocabulary: Vocabulary,
        parent: QWidget,
        *,
        empty_text: str | None = None,
    ) -> None:
        combo = QComboBox(parent)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        if empty_text is not None:
            combo.addItem(empty_text, None)
        for key, text in vocabulary.choices():
            combo.addItem(text, key)
            combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        # The list may be wider than the box: long category labels are shown whole there.
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
        super().__init__(name, label, combo, parent)
        self.combo = combo

    def value(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data is not None else None

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else self.combo.findData(None)
        if index < 0 and value is not None:
            # A key this version does not know: shown as it is rather than hidden.
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self.combo.setToolTip(self.combo.currentText())

    def connect_edited(self, callback: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _index: callback())

    def _mark(self, invalid: bool) -> None:
        # A style sheet on a drop-down would replace the style's arrow: tint it instead.
        if not invalid:
            self.combo.setPalette(QPalette())  # an empty palette: inherit the window's again
            return
        palette = self.combo.palette()
        palette.setColor(QPalette.ColorRole.Button, QColor(INVALID_TINT))
        palette.setColor(QPalette.ColorRole.ButtonText, QColor(PROBLEM_COLOUR))
        self.combo.setPalette(palette)


class FlagField(Field):
    def __init__(self, name: str, label: str, text: str, parent: QWidget) -> None:
        box = QCheckBox(text, parent)
        super().__init__(name, label, box, parent)
        self.box = box

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))

    def connect_edited(self, callback: Callable[[], None]) -> None:
        self.box.toggled.connect(lambda _checked: callback())


class LeadFields(QObject):
    """The fields of a lead named in `names`, their editors made once, laid out in groups.

    Unit fields complete from the store's units; the subject completes from its persons, and
    picking one fills in their unit and position.

    Signals:
        edited(str): the user changed the field of that name (not emitted by set_values).
    """

    edited = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget,
        *,
        names: Iterable[str] = ALL_FIELDS,
        empty_texts: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._setting = False
        labels = field_labels()
        empty = dict(empty_texts or {})
        for name in OPTIONAL_CHOICES:
            empty.setdefault(name, "")
        self.fields: dict[str, Field] = {}
        self.completers: dict[str, StoreCompleter] = {}
        for name in names:
            label = labels[name]
            field: Field
            if name in DATE_FIELDS:
                field = DateField(name, label, parent)
            elif name in VOCAB_FIELDS:
                field = ChoiceField(
                    name, label, VOCAB_FIELDS[name], parent, empty_text=empty.get(name)
                )
            elif name == "summary":
                field = SummaryField(name, label, parent)
            elif name == "anonymous":
                field = FlagField(name, label, self.tr("The reporter gave no name"), parent)
            else:
                field = TextField(name, label, parent, max_length=_MAX_LENGTHS.get(name, 100))
            self.fields[name] = field
            field.connect_edited(lambda n=name: self._edited(n))
        for name in UNIT_FIELDS & set(self.fields):
            self.completers[name] = unit_completer(store, actor, self._line(name))
        if "subject" in self.fields:
            people = person_completer(store, actor, self._line("subject"))
            people.picked.connect(self._person_picked)
            self.completers["subject"] = people
        order = [field.editor for field in self.fields.values()]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _line(self, name: str) -> QLineEdit:
        field = self.fields[name]
        assert isinstance(field, TextField)
        return field.line

    # --- reading and writing ------------------------------------------------------------------

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def values(self) -> dict[str, Any]:
        """Each field's value: text tidied (None when blank), dates as dates, vocabulary keys."""
        return {name: field.value() for name, field in self.fields.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the named fields (from a lead, or blanks); not reported as edits."""
        self._setting = True
        try:
            for name, value in values.items():
                if name in self.fields:
                    self.fields[name].set_value(value)
        finally:
            self._setting = False

    def set_editable(self, editable: bool, names: Iterable[str] | None = None) -> None:
        for name in self.fields if names is None else names:
            self.fields[name].set_editable(editable)

    def _edited(self, name: str) -> None:
        if self._setting:
            return
        self.fields[name].set_problem(None)
        self.edited.emit(name)

    def _person_picked(self, person: object) -> None:
        if not isinstance(person, PersonRow):
            return
        if person.unit and "subject_unit" in self.fields:
            self.fields["subject_unit"].set_value(person.unit)
        if person.position and "subject_position" in self.fields:
            self.fields["subject_position"].set_value(person.position)

    # --- problems -----------------------------------------------------------------------------

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Put each message next to its field; returns the messages no field here can show."""
        self.clear_problems()
        elsewhere: dict[str, str] = {}
        for name, message in problems.items():
            field = self.fields.get(name)
            if field is None:
                elsewhere[name] = message
                continue
            if isinstance(field, DateField) and (typed := field.unreadable()) is not None:
                message = unreadable_date_message(typed)
            field.set_problem(message)
        return elsewhere

    def clear_problems(self) -> None:
        for field in self.fields.values():
            field.set_problem(None)

    def problems(self) -> dict[str, str]:
        """The messages shown now, by field."""
        return {n: f.problem_text() for n, f in self.fields.items() if f.problem_text()}

    def first_with_problem(self) -> Field | None:
        return next((f for f in self.fields.values() if f.problem_text()), None)

    # --- layout -------------------------------------------------------------------------------

    def group(self, key: str, names: Sequence[str], parent: QWidget) -> QGroupBox:
        """A titled box of fields (key: source, subject, problem or handling)."""
        box = QGroupBox(group_titles()[key], parent)
        box.setObjectName(f"group_{key}")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setContentsMargins(12, 12, 12, 10)
        for name in names:
            field = self.fields[name]
            form.addRow(field.label, field.cell)
        return box

    def align_labels(self) -> None:
        """One label width for every group, so the editors of all groups line up."""
        labels = [field.label for field in self.fields.values()]
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            # Labels sit on the editor's first text line, not above it.
            label.setContentsMargins(0, 4, 0, 0)


_MAX_LENGTHS = {
    "ref": 64,
    "reporter_name": 100,
    "reporter_phone": 50,
    "subject": 100,
    "subject_position": 100,
    "subject_unit": 200,
    "handler_unit": 200,
    "case_no": 100,
}
