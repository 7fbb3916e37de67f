"""The conflicts an exchange packet brought (a field changed on both machines since their last
exchange): each one decided from the keyboard, L keeps this machine's value, R takes the other's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.import_widgets import NOTE_COLOR, show_failure, text_label
from ui.rows_model import AnyIndex, RowsTableModel
from ui.shortcuts import page_action
from workstation.errors import WorkstationError
from workstation.services import exchange
from workstation.services.auth import PERMISSIONS, Actor, can
from workstation.services.exchange import ConflictRow
from workstation.store import Store

# Who may decide conflicts (workstation.services.auth).
RESOLVE_PERMISSION = "conflict.resolve"
MUTED = QBrush(QColor("#667085"))
OPEN_BACKGROUND = QBrush(QColor("#fff6e5"))
# A value longer than this is cut in its cell (the whole of it is in the tooltip and below).
CELL_CHARACTERS = 60


def may_resolve(actor: Actor) -> bool:
    return RESOLVE_PERMISSION in PERMISSIONS and can(actor, RESOLVE_PERMISSION)


def moment_cell(moment: dt.datetime | None) -> str:
    """A moment as a table cell shows it, in local time (a naive one is taken as UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= CELL_CHARACTERS else flat[: CELL_CHARACTERS - 1] + "…"


class ConflictsModel(RowsTableModel):
    """The conflicts listed by services.exchange.list_conflicts (a few hundred at most)."""

    OBJECT, FIELD, LOCAL, REMOTE, SOURCE, DETECTED, OUTCOME = range(7)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ConflictRow] = []
        self._titles = [
            self.tr("Record"),
            self.tr("Field"),
            self.tr("This machine's value"),
            self.tr("The other value"),
            self.tr("From"),
            self.tr("Detected"),
            self.tr("Decision"),
        ]

    def row_at(self, row: int) -> ConflictRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def value_text(self, value: str | None) -> str:
        return self.tr("(empty)") if value is None or value == "" else value

    def resolution_text(self, row: ConflictRow) -> str:
        if row.resolution == "local":
            return self.tr("Kept this machine's")
        if row.resolution == "remote":
            return self.tr("Took the other")
        return row.resolution or ""

    def outcome_text(self, row: ConflictRow) -> str:
        if row.state == "open":
            return self.tr("Open")
        return self.tr("{decision} · {who} {when}").format(
            decision=self.resolution_text(row),
            who=row.resolved_by or "",
            when=moment_cell(row.resolved_at),
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                self.OBJECT: row.entity_label,
                self.FIELD: row.field_label,
                self.LOCAL: _one_line(self.value_text(row.local_value)),
                self.REMOTE: _one_line(self.value_text(row.remote_value)),
                self.SOURCE: row.remote_store,
                self.DETECTED: moment_cell(row.detected_at),
                self.OUTCOME: self.outcome_text(row),
            }.get(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.LOCAL:
                return self.value_text(row.local_value)
            if column == self.REMOTE:
                return self.value_text(row.remote_value)
            if column == self.OBJECT:
                return row.entity_label
            if column == self.OUTCOME:
                return self.outcome_text(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            empty = (column == self.LOCAL and not row.local_value) or (
                column == self.REMOTE and not row.remote_value
            )
            if empty or (row.state != "open" and column != self.OUTCOME):
                return MUTED
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and row.state == "open"
            and column == self.OUTCOME
        ):
            return OPEN_BACKGROUND
        return None


class ConflictsView(QWidget):
    """The 冲突 list: the record, the field, this machine's value beside the other machine's,
    where the other came from and when the conflict was found. "Keep this machine's" (L) and
    "Take the other" (R) decide the selected one through services.exchange.resolve_conflict,
    and the next one is selected. Open conflicts by default; "All" also lists decided ones with
    who decided and when. Roles without "conflict.resolve" see the list read-only.

    Signals:
        open_count_changed(int): the number of open conflicts, after each reload or decision.
        resolved(object): the ConflictRow just decided (its record may have changed).
        status_message(str): a decision made, for the window's status bar.
    """

    open_count_changed = Signal(int)
    resolved = Signal(object)
    status_message = Signal(str)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsView")
        self._store = store
        self._actor = actor
        self.may_decide = may_resolve(actor)
        self.open_count = 0

        self.filter_combo = QComboBox(self)
        self.filter_combo.setObjectName("conflictsFilter")
        self.filter_combo.addItem(self.tr("Open conflicts"), True)
        self.filter_combo.addItem(self.tr("All conflicts"), False)
        self.filter_combo.currentIndexChanged.connect(self.refresh)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("conflictsCount")
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)

        self.model = ConflictsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("conflictsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # The two values share what the short columns leave (a few hundred rows at most, so
        # sizing those to their contents is cheap).
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (ConflictsModel.LOCAL, ConflictsModel.REMOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("conflictsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMinimumHeight(80)
        self.empty_label.setStyleSheet(f"color: {NOTE_COLOR};")

        self.detail = self._detail_box()
        self._build_actions()

        bar = QHBoxLayout()
        bar.addWidget(self.filter_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.empty_label, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("conflictsSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([400, 160])

        self.message = text_label(self, "conflictsMessage")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self._buttons_row())
        layout.addWidget(self.message)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.refresh()

    # --- building ------------------------------------------------------------------------------

    def _detail_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Selected conflict"), self)
        box.setObjectName("conflictDetail")
        self.detail_title = text_label(box, "conflictTitle")
        font = self.detail_title.font()
        font.setBold(True)
        self.detail_title.setFont(font)
        self.local_caption = QLabel(self.tr("This machine's value"), box)
        self.remote_caption = QLabel(self.tr("The other value"), box)
        for caption in (self.local_caption, self.remote_caption):
            caption.setStyleSheet(f"color: {NOTE_COLOR};")
        self.local_text = QPlainTextEdit(box)
        self.local_text.setObjectName("localValue")
        self.remote_text = QPlainTextEdit(box)
        self.remote_text.setObjectName("remoteValue")
        for edit in (self.local_text, self.remote_text):
            edit.setReadOnly(True)
            edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # L and R stay with the table
            edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 2 + 16)
        local = QVBoxLayout()
        local.addWidget(self.local_caption)
        local.addWidget(self.local_text, 1)
        remote = QVBoxLayout()
        remote.addWidget(self.remote_caption)
        remote.addWidget(self.remote_text, 1)
        sides = QHBoxLayout()
        sides.addLayout(local, 1)
        sides.addSpacing(12)
        sides.addLayout(remote, 1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.detail_title)
        layout.addLayout(sides, 1)
        return box

    def _action(self, text: str, key: str, slot: Any) -> QAction:
        return page_action(self, text, key, slot)

    def _build_actions(self) -> None:
        self.keep_local_action = self._action(self.tr("Keep this machine's"), "L", self.keep_local)
        self.take_remote_action = self._action(self.tr("Take the other"), "R", self.take_remote)
        for action in (self.keep_local_action, self.take_remote_action):
            action.setEnabled(False)
            action.setVisible(self.may_decide)

    def _buttons_row(self) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)

        def button(action: QAction, key: str, name: str) -> QPushButton:
            widget = QPushButton(f"{action.text()}  {key}", row)
            widget.setObjectName(name)
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys act on the table
            widget.clicked.connect(action.trigger)
            widget.setEnabled(action.isEnabled())
            widget.setVisible(self.may_decide)
            action.enabledChanged.connect(widget.setEnabled)
            return widget

        self.keep_local_button = button(self.keep_local_action, "L", "keepLocalButton")
        self.take_remote_button = button(self.take_remote_action, "R", "takeRemoteButton")
        self.keys_label = QLabel(self)
        self.keys_label.setObjectName("conflictKeys")
        self.keys_label.setStyleSheet(f"color: {NOTE_COLOR};")
        self.keys_label.setText(
            self.tr("L keeps this machine's value · R takes the other machine's")
            if self.may_decide
            else self.tr("Read only: deciding conflicts needs an inspector's role.")
        )
        layout.addWidget(self.keep_local_button)
        layout.addWidget(self.take_remote_button)
        layout.addSpacing(12)
        layout.addWidget(self.keys_label, 1)
        return row

    # --- loading -------------------------------------------------------------------------------

    def open_only(self) -> bool:
        return bool(self.filter_combo.currentData())

    def show_open(self) -> None:
        """List the open conflicts (the filter back on "open")."""
        self.filter_combo.setCurrentIndex(0)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Reload the list (after an import), keeping the selected conflict when it is listed."""
        current = self.current_conflict()
        if not self._load():
            return
        row = 0
        if current is not None:
            row = next((i for i, c in enumerate(self.model.rows) if c.id == current.id), 0)
        self._select(row)

    def _load(self) -> bool:
        try:
            rows = exchange.list_conflicts(self._store, self._actor, open_only=self.open_only())
            self.open_count = (
                len(rows) if self.open_only() else sum(1 for row in rows if row.state == "open")
            )
        except WorkstationError as exc:
            show_failure(self.message, exc)
            return False
        self.model.set_rows(rows)
        self._show_counts()
        return True

    def _show_counts(self) -> None:
        listed = self.model.rowCount()
        if self.open_only():
            text = self.tr("{count} open").format(count=f"{self.open_count:,}")
        else:
            text = self.tr("{count} listed, {open} open").format(
                count=f"{listed:,}", open=f"{self.open_count:,}"
            )
        self.count_label.setText(text)
        empty = listed == 0
        self.table.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if empty:
            self.empty_label.setText(
                self.tr(
                    "No open conflicts. When a field was changed on both machines since their "
                    "last exchange, importing the packet lists it here for a decision."
                )
                if self.open_only()
                else self.tr("No conflicts yet: no exchange packet has brought any.")
            )
        self.open_count_changed.emit(self.open_count)

    # --- moving --------------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current_conflict(self) -> ConflictRow | None:
        return self.model.row_at(self.current_row())

    def _select(self, row: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            self._show_detail(None)
            return
        row = min(max(row, 0), count - 1)
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._show_detail(self.model.row_at(row))

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.row_at(current.row()) if current.isValid() else None)

    def _show_detail(self, conflict: ConflictRow | None) -> None:
        self.detail.setVisible(conflict is not None)
        may = self.may_decide and conflict is not None and conflict.state == "open"
        self.keep_local_action.setEnabled(may)
        self.take_remote_action.setEnabled(may)
        if conflict is None:
            return
        self.detail_title.setText(
            self.tr("{record}, field “{field}”").format(
                record=conflict.entity_label, field=conflict.field_label
            )
        )
        self.local_caption.setText(self.tr("This machine's value"))
        self.remote_caption.setText(
            self.tr("The value from {store}").format(store=conflict.remote_store)
        )
        self.local_text.setPlainText(self.model.value_text(conflict.local_value))
        self.remote_text.setPlainText(self.model.value_text(conflict.remote_value))

    # --- deciding ------------------------------------------------------------------------------

    @Slot()
    def keep_local(self) -> ConflictRow | None:
        return self.decide("local")

    @Slot()
    def take_remote(self) -> ConflictRow | None:
        return self.decide("remote")

    def decide(self, keep: str) -> ConflictRow | None:
        """Resolve the selected conflict keeping "local" or "remote"; then the next one."""
        conflict = self.current_conflict()
        if conflict is None or conflict.state != "open" or not self.may_decide:
            return None
        row = self.current_row()
        try:
            resolved = exchange.resolve_conflict(self._store, self._actor, conflict.id, keep)
        except WorkstationError as exc:
            show_failure(self.message, exc)
            self.refresh()
            return None
        self.message.hide()
        self.resolved.emit(resolved)
        self.status_message.emit(
            self.tr("{record}, “{field}”: {decision}").format(
                record=resolved.entity_label,
                field=resolved.field_label,
                decision=self.model.resolution_text(resolved),
            )
        )
        if not self._load():
            return resolved
        # The conflict just decided left the open list (the next one moved up into its row) or
        # stayed, decided, in the full list (the next one is in the row below).
        same = self.model.row_at(row)
        if same is not None and same.id == resolved.id:
            row = next(
                (
                    i
                    for i in range(row + 1, self.model.rowCount())
                    if self.model.rows[i].state == "open"
                ),
                row + 1,
            )
        self._select(row)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return resolved

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
