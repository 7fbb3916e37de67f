"""Quick entry of phone leads: type, press Enter, and the next lead's form is ready."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.lead_fields import MUTED, LeadFields, SummaryField
from workstation import clock
from workstation.errors import ValidationError, WorkstationError
from workstation.services.auth import Actor
from workstation.services.leads import LeadRow, create_lead
from workstation.store import Store
from workstation.vocab import CATEGORY, classify_category

PHONE_CHANNEL = "phone"  # 来电
SOURCE = ("received_on", "channel", "reporter_name", "reporter_phone", "anonymous")
SUBJECT = ("subject", "subject_position", "subject_unit")
PROBLEM = ("category", "summary")
# Kept from one lead to the next: calls of one sitting share the day and the channel.
KEPT = ("received_on", "channel")
SAVED_COLOUR = "#067647"
ERROR_COLOUR = "#b42318"


class _EnterSaves(QObject):
    """Enter in the summary saves the lead instead of starting a new line (a summary is
    stored as one paragraph anyway)."""

    def __init__(self, dialog: QuickEntryDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._dialog.save()
                return True
        return super().eventFilter(watched, event)


class QuickEntryDialog(QDialog):
    """A keyboard-first form for leads taken by phone.

    It opens with the cursor in the first field; Tab walks the fields in reading order.
    Enter saves (services.leads.create_lead) and clears the form for the next call, keeping
    the date and the channel; a line confirms the lead number given. Problems appear next to
    their fields, as in the lead form. Esc closes. An empty category is judged from the summary.

    Signals:
        created(object): the LeadRow of each lead saved.
    """

    created = Signal(object)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quickEntry")
        self.setWindowTitle(self.tr("Phone lead: quick entry"))
        self._store = store
        self._actor = actor
        self._today = today or clock.today()
        self.saved_refs: list[str] = []

        self.fields = LeadFields(
            store,
            actor,
            self,
            names=SOURCE + SUBJECT + PROBLEM,
            empty_texts={"category": self.tr("(judge from the summary)")},
        )
        self.fields.align_labels()
        summary = self.fields["summary"]
        assert isinstance(summary, SummaryField)
        summary.text.installEventFilter(_EnterSaves(self))
        summary.text.setPlaceholderText(self.tr("What the caller reports"))
        self.fields["reporter_phone"].editor.setPlaceholderText(self.tr("e.g. 13812345678"))

        hint = QLabel(self.tr("Enter saves the lead and starts the next one · Esc closes"), self)
        hint.setObjectName("quickEntryHint")
        hint.setStyleSheet(f"color: {MUTED};")
        self.confirmation = QLabel(self)
        self.confirmation.setObjectName("quickEntrySaved")
        self.confirmation.setTextFormat(Qt.TextFormat.PlainText)
        self.confirmation.setWordWrap(True)

        self.save_button = QPushButton(self.tr("Save and next"), self)
        self.save_button.setObjectName("saveAndNext")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setObjectName("closeQuickEntry")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(self.fields.group("source", SOURCE, self))
        left.addWidget(self.fields.group("subject", SUBJECT, self))
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.fields.group("problem", PROBLEM, self), 1)
        groups = QHBoxLayout()
        groups.setSpacing(14)
        groups.addLayout(left, 1)
        groups.addLayout(right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirmation, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        # A fixed minimum, never recomputed by the layout when a message appears (a window
        # that changes its minimum once shown resends size hints to the window system).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(hint)
        layout.addLayout(groups, 1)
        layout.addLayout(buttons)
        self.setMinimumSize(layout.totalMinimumSize().expandedTo(self.minimumSizeHint()))
        self.resize(max(880, self.minimumWidth()), max(480, self.minimumHeight()))

        self.fields.set_values({"received_on": self._today, "channel": PHONE_CHANNEL})
        self.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def first_field(self) -> QWidget:
        return self.fields["received_on"].editor

    def values(self) -> dict[str, Any]:
        """What would be sent to create_lead: the filled fields (and the anonymous flag)."""
        return {
            name: value
            for name, value in self.fields.values().items()
            if value is not None or name == "anonymous"
        }

    @Slot()
    def save(self) -> LeadRow | None:
        """Store the lead; on success clear for the next one. None when the store refused it."""
        fields = self.values()
        judged = None
        if not fields.get("category"):
            judged = classify_category(fields.get("summary")) or "other"
            fields["category"] = judged
        self.fields.clear_problems()
        try:
            row = create_lead(self._store, self._actor, fields, today=self._today)
        except ValidationError as exc:
            elsewhere = self.fields.show_problems(exc.problems)
            self._say(ERROR_COLOUR, "；".join(elsewhere.values()) or self._not_saved())
            first = self.fields.first_with_problem()
            if first is not None:
                first.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        except WorkstationError as exc:
            self._say(ERROR_COLOUR, exc.message)
            return None
        self.saved_refs.append(row.ref)
        if judged is not None:
            # The label without its gloss: 违规经商办企业, not the whole parenthesis.
            category = CATEGORY.label(row.category).split("（")[0]
            text = self.tr("Saved {ref} (category from the summary: {category})").format(
                ref=row.ref, category=category
            )
        else:
            text = self.tr("Saved {ref}").format(ref=row.ref)
        self._say(SAVED_COLOUR, text)
        self._start_next()
        self.created.emit(row)
        return row

    def _not_saved(self) -> str:
        return self.tr("Not saved: correct the marked fields.")

    def _say(self, colour: str, text: str) -> None:
        self.confirmation.setStyleSheet(f"color: {colour};")
        self.confirmation.setText(text)

    def _start_next(self) -> None:
        blank = {name: None for name in self.fields.fields if name not in KEPT}
        self.fields.set_values(blank)
        self.fields.clear_problems()
        # The first field the next call fills (the date and channel are kept).
        self.fields["reporter_name"].editor.setFocus(Qt.FocusReason.OtherFocusReason)
