"""The settings page's list of units with how much names each, and merging two spellings of one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.lead_fields import MUTED, PROBLEM_COLOUR
from ui.login import fix_size
from ui.rows_model import RowsTableModel
from workstation.errors import WorkstationError
from workstation.services import units
from workstation.services.auth import Actor, can
from workstation.services.units import MergeResult, UnitUsage
from workstation.store import Store
from workstation.vocab import UNIT_TYPE

AnyIndex = QModelIndex | QPersistentModelIndex
SEARCH_DELAY_MS = 250


def _type_label(key: str) -> str:
    try:
        return UNIT_TYPE.label(key)
    except KeyError:
        return key


class UnitsModel(RowsTableModel):
    """Units with their counts (a few thousand at most: held as rows, reloaded after a merge)."""

    NAME, TYPE, PARENT, LEADS, HANDLED, PERSONS, CASES = range(7)
    NUMBERS = (LEADS, HANDLED, PERSONS, CASES)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[UnitUsage] = []
        self._titles = [
            self.tr("Unit"),
            self.tr("Type"),
            self.tr("Parent unit"),
            self.tr("Leads about it"),
            self.tr("Leads it handles"),
            self.tr("Persons"),
            self.tr("Cases"),
        ]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                row.name,
                _type_label(row.type),
                row.parent or "",
                row.leads,
                row.handled,
                row.persons,
                row.cases,
            )
            value = values[column]
            return f"{value:,}" if isinstance(value, int) else value
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NAME:
            return row.name
        return None

    def row_at(self, index: int) -> UnitUsage | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None


class MergeDialog(QDialog):
    """Which of two units to keep; the other's leads, persons and cases move to it."""

    def __init__(self, first: UnitUsage, second: UnitUsage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeUnitsDialog")
        self.setWindowTitle(self.tr("Merge two units"))
        self.units = (first, second)
        intro = QLabel(
            self.tr(
                "Two spellings of one unit become one. Keep which name? Every lead, person, "
                "case and unit that names the other one will name the one kept, and the other "
                "is removed. The merge is recorded in the audit trail."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.choices = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for index, unit in enumerate(self.units):
            button = QRadioButton(
                self.tr("{name}  ({type}; {leads} leads, {cases} cases)").format(
                    name=unit.name,
                    type=_type_label(unit.type),
                    leads=f"{unit.leads + unit.handled:,}",
                    cases=f"{unit.cases:,}",
                ),
                self,
            )
            button.setObjectName(f"keep{index}")
            self.choices.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button)
        # The unit more of the store names is usually the right spelling.
        busier = 0 if first.references >= second.references else 1
        self.buttons[busier].setChecked(True)
        self.message = QLabel(self)
        self.message.setObjectName("mergeProblem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.message.hide()
        self.box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.box.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(self.tr("Merge"))
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.message)
        layout.addWidget(self.box)
        fix_size(self, 520)

    def kept_and_merged(self) -> tuple[UnitUsage, UnitUsage]:
        keep = max(0, self.choices.checkedId())
        return self.units[keep], self.units[1 - keep]

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


class UnitsTab(QWidget):
    """The units of the store with the leads, persons and cases naming each; two selected can be
    merged (those who may edit units and leads).

    Signals:
        merged(object): the MergeResult of a merge done here.
    """

    merged = Signal(object)

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitsTab")
        self._store = store
        self._actor = actor
        self._loaded = False
        self.dialog: MergeDialog | None = None
        self.search = QLineEdit(self)
        self.search.setObjectName("unitSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Find a unit (any spelling)"))
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet(f"color: {MUTED};")
        self.model = UnitsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("unitsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.merge_button = QPushButton(self.tr("Merge…"), self)
        self.merge_button.setObjectName("mergeUnits")
        self.merge_button.setToolTip(self.tr("Select the two spellings of one unit, then merge"))
        self.merge_button.clicked.connect(self.ask_merge)
        self.hint = QLabel(
            self.tr("Select two units that are one (two spellings of a name) to merge them."),
            self,
        )
        self.hint.setStyleSheet(f"color: {MUTED};")
        self.message = QLabel(self)
        self.message.setObjectName("unitsMessage")
        self.message.setWordWrap(True)
        may_merge = can(actor, "unit.edit") and can(actor, "lead.edit")
        self.merge_button.setVisible(may_merge)
        self.hint.setVisible(may_merge)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        self._update_buttons()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        self._timer.stop()
        try:
            rows = units.unit_usage(self._store, self._actor, search=self.search.text())
        except WorkstationError as exc:
            self.show_message(exc.message, error=True)
            return
        self._loaded = True
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("{count} units").format(count=f"{len(rows):,}"))
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.resizeSection(UnitsModel.NAME, max(header.sectionSize(UnitsModel.NAME), 280))
        self._update_buttons()

    def selected(self) -> list[UnitUsage]:
        selection = self.table.selectionModel()
        rows = sorted({index.row() for index in selection.selectedRows()})
        return [row for r in rows if (row := self.model.row_at(r)) is not None]

    def select_names(self, *names: str) -> None:
        """Select the units of these names (as a user would with Ctrl+click)."""
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row, unit in enumerate(self.model.rows):
            if unit.name in names:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    @Slot()
    def _update_buttons(self) -> None:
        self.merge_button.setEnabled(len(self.selected()) == 2)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR if error else '#067647'};")

    @Slot()
    def ask_merge(self) -> MergeDialog | None:
        chosen = self.selected()
        if len(chosen) != 2:
            return None
        dialog = MergeDialog(chosen[0], chosen[1], self)
        dialog.accepted.connect(lambda: self._merge(dialog))
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self, _result: int) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    def _merge(self, dialog: MergeDialog) -> None:
        keep, merge = dialog.kept_and_merged()
        try:
            result = units.merge_units(self._store, self._actor, keep.id, merge.id)
        except WorkstationError as exc:
            self.show_message(exc.message, error=True)
            return
        self.show_message(self.describe(result))
        self.refresh()
        self.merged.emit(result)

    def describe(self, result: MergeResult) -> str:
        return self.tr(
            "“{merged}” merged into “{kept}”: {leads} leads, {persons} persons and {cases} "
            "cases now name it."
        ).format(
            merged=result.merged,
            kept=result.kept.name,
            leads=f"{result.leads + result.handled:,}",
            persons=f"{result.persons:,}",
            cases=f"{result.cases:,}",
        )
