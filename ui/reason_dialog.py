"""The reason dialog: a reviewer's decision or mark, with its (usually required) reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.anomaly_badges import KIND_COLOURS
from workstation.services.review import MAX_REASON

ERROR_COLOUR = "#b42318"


class ReasonDialog(QDialog):
    """Asks for a reason (and, for a manual mark, the anomaly kind) for a decision.

    Keyboard-first: the reason field has the focus, Enter submits, Esc cancels; recent reasons
    complete inline as they are typed. An empty required reason is refused here. The receiver
    of `reason_given` does the work (a service call), then calls `succeed()` to close the
    dialog, or `show_error(message)` to keep it open with the problem under the field.

    The dialog holds no callback into the window that opened it, so deleting it never
    releases that window (see the tests of the cases view).

    Signals:
        reason_given(str, object): the reason (trimmed) and the chosen kind key (or None).
    """

    reason_given = Signal(str, object)

    def __init__(
        self,
        title: str,
        subject: str,
        action: str,
        *,
        kinds: Sequence[tuple[str, str]] = (),
        required: bool = True,
        suggestions: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self._required = required

        self.subject_label = QLabel(subject, self)
        self.subject_label.setWordWrap(True)
        self.subject_label.setTextFormat(Qt.TextFormat.PlainText)

        self.kind_combo: QComboBox | None = None
        if kinds:
            self.kind_combo = QComboBox(self)
            self.kind_combo.setObjectName("kindCombo")
            for key, label in kinds:
                self.kind_combo.addItem(label, key)
                colour = KIND_COLOURS.get(key)
                if colour is not None:
                    self.kind_combo.setItemData(
                        self.kind_combo.count() - 1, colour, Qt.ItemDataRole.ForegroundRole
                    )

        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setMaxLength(MAX_REASON)
        self.reason_edit.setMinimumWidth(420)
        self.reason_edit.setPlaceholderText(
            self.tr("Required: why, in a sentence")
            if required
            else self.tr("Optional: why, in a sentence")
        )
        if suggestions:
            completer = QCompleter(QStringListModel(list(suggestions), self), self)
            # Inline: no popup to steer around, Enter takes the completed text.
            completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.reason_edit.setCompleter(completer)
        self.reason_edit.textEdited.connect(self._clear_error)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("reasonError")
        self.error_label.setWordWrap(True)
        palette = self.error_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
        self.error_label.setPalette(palette)
        # Room for two lines, kept while empty: the dialog does not change size when a message
        # comes or goes.
        self.error_label.setMinimumHeight(2 * self.error_label.fontMetrics().lineSpacing())
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        # Enter in the reason field submits, through returnPressed only: a default button
        # would also fire, and an inline completion swallows the key before the dialog sees it.
        self.ok_button.setAutoDefault(False)
        self.reason_edit.returnPressed.connect(self.try_submit)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        buttons.accepted.connect(self.try_submit)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        if self.kind_combo is not None:
            form.addRow(self.tr("Kind"), self.kind_combo)
        form.addRow(self.tr("Reason"), self.reason_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self.subject_label)
        layout.addLayout(form)
        # Under the form at full width: a wrapped label in a form's field column is given the
        # width of its first line only.
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        # Sized now, before the window exists: an explicit minimum is never resent to the
        # window system later.
        layout.activate()
        self.setMinimumSize(self.minimumSizeHint())
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def kind(self) -> str | None:
        if self.kind_combo is None:
            return None
        key = self.kind_combo.currentData()
        return str(key) if key is not None else None

    def error_text(self) -> str:
        return self.error_label.text()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.reason_edit.selectAll()

    @Slot()
    def _clear_error(self) -> None:
        self.error_label.clear()

    @Slot()
    def try_submit(self) -> None:
        reason = self.reason()
        if self._required and not reason:
            self.show_error(self.tr("Please give a reason: it is kept with the decision."))
            return
        self.reason_given.emit(reason, self.kind())

    def succeed(self) -> None:
        """The receiver did the work: close."""
        self.accept()
