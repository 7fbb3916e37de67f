"""The leads filter bar: text search and filters that make a LeadQuery, remembered between runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QSettings, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.errors import WorkstationError
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery
from workstation.services.units import unit_names
from workstation.store import Store
from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS, UNIT_TYPE, Vocabulary

SEARCH_DELAY_MS = 300
UNIT_COMPLETIONS = 50
SETTINGS_KEY = "leads/filters"
# A date edit cannot be empty: its minimum date stands for "no limit" and shows as such.
NO_DATE = QDate(1900, 1, 1)

# The LeadQuery fields the bar sets (the order and the sort direction belong to the table).
FILTER_FIELDS = (
    "search",
    "channel",
    "category",
    "unit_type",
    "unit",
    "status",
    "received_from",
    "received_to",
)


def _thousands(n: int) -> str:
    return f"{n:,}"


class OptionalDateEdit(QDateEdit):
    """A date edit with a calendar whose lowest value means "no date" (shown as `blank_text`)."""

    def __init__(self, blank_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(blank_text)
        self.setDate(NO_DATE)
        # An empty field opens its calendar on this month, not on January 1900.
        self.calendarWidget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return False

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(NO_DATE if value is None else QDate(value.year, value.month, value.day))


class FilterBar(QWidget):
    """Search box and filters over the leads; emits the query they make whenever it changes.

    Typing in the search box or the unit box waits for a pause (SEARCH_DELAY_MS) before
    asking the store; Return applies at once. Drop-downs, dates and the overdue box apply at
    once. The filters are saved in QSettings and come back on the next start.

    Signals:
        changed(object): the new LeadQuery (filters only; the caller keeps its own order).
    """

    changed = Signal(object)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings,
        as_of: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._store = store
        self._actor = actor
        self._settings = settings
        self._as_of = as_of
        self._restoring = False
        self._last: LeadQuery | None = None

        self.search = QLineEdit(self)
        self.search.setObjectName("leadSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search lead no., subject, unit, reporter, case no. or summary  (Ctrl+F)")
        )
        self.search.setMinimumWidth(320)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("leadCount")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)

        self.channel = self._vocabulary_combo(CHANNEL, self.tr("All channels"))
        self.category = self._vocabulary_combo(CATEGORY, self.tr("All categories"))
        self.unit_type = self._vocabulary_combo(UNIT_TYPE, self.tr("All unit types"))
        self.status = self._vocabulary_combo(LEAD_STATUS, self.tr("All statuses"))
        self.channel.setToolTip(self.tr("Channel"))
        self.category.setToolTip(self.tr("Category"))
        self.unit_type.setToolTip(self.tr("Type of the subject's unit"))
        self.status.setToolTip(self.tr("Status"))

        self.unit = QLineEdit(self)
        self.unit.setObjectName("unitFilter")
        self.unit.setClearButtonEnabled(True)
        self.unit.setPlaceholderText(self.tr("Subject's unit"))
        self.unit.setMinimumWidth(150)
        self._unit_names = QStringListModel(self)
        completer = QCompleter(self._unit_names, self.unit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.unit.setCompleter(completer)
        self.unit_completer = completer

        self.received_from = OptionalDateEdit(self.tr("from any date"), self)
        self.received_to = OptionalDateEdit(self.tr("to any date"), self)
        self.received_from.setObjectName("receivedFrom")
        self.received_to.setObjectName("receivedTo")
        self.received_from.setToolTip(self.tr("Received on or after"))
        self.received_to.setToolTip(self.tr("Received on or before"))
        self.overdue = QCheckBox(self.tr("Overdue only"), self)
        self.overdue.setObjectName("overdueOnly")
        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setEnabled(False)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self.apply)
        self.unit.textEdited.connect(self._complete_units)
        self.unit.textChanged.connect(self._timer.start)
        self.unit.returnPressed.connect(self.apply)
        completer.activated.connect(self._unit_chosen)
        for combo in (self.channel, self.category, self.unit_type, self.status):
            combo.currentIndexChanged.connect(self.apply)
        self.received_from.dateChanged.connect(self.apply)
        self.received_to.dateChanged.connect(self.apply)
        self.overdue.toggled.connect(self.apply)
        self.clear_button.clicked.connect(self.clear)

        # The first row: the search box, then room for the caller's widgets, then the count.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        self.top_row = top
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(6)
        for widget in (self.channel, self.category, self.unit_type, self.unit, self.status):
            filters.addWidget(widget)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("Received"), self))
        filters.addWidget(self.received_from)
        filters.addWidget(QLabel("–", self))
        filters.addWidget(self.received_to)
        filters.addSpacing(8)
        filters.addWidget(self.overdue)
        filters.addStretch(1)
        filters.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        self.restore()

    def _vocabulary_combo(self, vocabulary: Vocabulary, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"{vocabulary.name}Filter")
        combo.addItem(everything, None)
        for key, label in vocabulary.choices():
            combo.addItem(label, key)
        # Long labels (categories) are elided in the box; the list shows them whole.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(4)
        combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance(everything) + 44)
        view = combo.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)
        return combo

    # --- the query --------------------------------------------------------------------------

    def query(self) -> LeadQuery:
        """The filters as a LeadQuery in the store's default order."""
        return LeadQuery(
            search=self.search.text().strip() or None,
            channel=self.channel.currentData(),
            category=self.category.currentData(),
            unit_type=self.unit_type.currentData(),
            unit=self.unit.text().strip() or None,
            status=self.status.currentData(),
            received_from=self.received_from.value(),
            received_to=self.received_to.value(),
            overdue_as_of=self._as_of() if self.overdue.isChecked() else None,
        )

    def is_filtered(self) -> bool:
        return self.query() != LeadQuery()

    def apply(self) -> None:
        """Emit the current query (at once: the pending debounce is dropped) if it changed."""
        self._timer.stop()
        if self._restoring:
            return
        query = self.query()
        self.clear_button.setEnabled(query != LeadQuery())
        if query == self._last:
            return
        self._last = query
        self.save()
        self.changed.emit(query)

    def clear(self) -> None:
        """Back to every lead, in one change (not one per widget)."""
        self.set_filters({})

    def set_filters(self, filters: Mapping[str, Any]) -> None:
        """Replace every filter at once, in one change: LeadQuery's field names and values
        ({"category": "business"}, {"received_from": date, "received_to": date}), plus
        {"overdue": True} for the overdue box; a name the bar does not have is ignored."""
        state = {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in filters.items()
        }
        self._set_state(state)
        self.apply()

    def stop(self) -> None:
        """Drop a pending debounced change (the window is closing)."""
        self._timer.stop()

    def set_count(self, count: int) -> None:
        self.count_label.setText(self.tr("Total {count}").format(count=_thousands(count)))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- completion -------------------------------------------------------------------------

    def _complete_units(self, text: str) -> None:
        try:
            names = unit_names(self._store, self._actor, text.strip(), UNIT_COMPLETIONS)
        except WorkstationError:
            names = []  # completion is a help: a store that refuses it leaves typing as it was
        self._unit_names.setStringList(names)

    def _unit_chosen(self, _name: str) -> None:
        # The completer sets the text after this signal: apply once it is in the box.
        QTimer.singleShot(0, self, self.apply)

    # --- remembering ------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        query = self.query()
        state: dict[str, Any] = {}
        for name in FILTER_FIELDS:
            value = getattr(query, name)
            if value is not None:
                state[name] = value.isoformat() if isinstance(value, dt.date) else value
        if self.overdue.isChecked():
            state["overdue"] = True
        return state

    def save(self) -> None:
        self._settings.setValue(SETTINGS_KEY, json.dumps(self._state(), ensure_ascii=False))

    def restore(self) -> None:
        """The filters saved last time; unknown or damaged values are ignored, never fatal."""
        raw = self._settings.value(SETTINGS_KEY)
        try:
            state = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            state = {}
        if not isinstance(state, dict):
            state = {}
        self._set_state(state)
        self._timer.stop()
        self._last = self.query()
        self.clear_button.setEnabled(self._last != LeadQuery())

    def _set_state(self, state: Mapping[str, Any]) -> None:
        """Set the widgets from saved values, without emitting a change per widget."""
        self._restoring = True
        try:
            self.search.setText(str(state.get("search") or ""))
            self.unit.setText(str(state.get("unit") or ""))
            for name, combo in (
                ("channel", self.channel),
                ("category", self.category),
                ("unit_type", self.unit_type),
                ("status", self.status),
            ):
                combo.setCurrentIndex(max(0, combo.findData(state.get(name))))
            for name, edit in (
                ("received_from", self.received_from),
                ("received_to", self.received_to),
            ):
                try:
                    edit.set_value(dt.date.fromisoformat(state[name]) if name in state else None)
                except (TypeError, ValueError):
                    edit.set_value(None)
            self.overdue.setChecked(state.get("overdue") is True)
        finally:
            self._restoring = False
            self._timer.stop()


def with_filters(query: LeadQuery, filters: LeadQuery) -> LeadQuery:
    """`query`'s order with the filters of `filters`."""
    return dataclasses.replace(filters, order_by=query.order_by, descending=query.descending)
