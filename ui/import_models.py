"""Table models of the import screens: the preview grid with its mapping row, the rejected rows,
and the import batches; and the drop-down delegate that maps a column to a field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.rows_model import RowsTableModel
from workstation.importing import BatchRow, Preview, PreviewColumn, PreviewRow, RejectedRow
from workstation.importing.headers import SEQ, SKIP
from workstation.importing.profiles import Profile

SPECIAL = (SEQ, SKIP)  # 序号 and 问题说明 columns: recognised, never imported

AnyIndex = QModelIndex | QPersistentModelIndex
FieldRole = Qt.ItemDataRole.UserRole + 1  # row 0 of the preview: the column's field (or None)
ChoicesRole = Qt.ItemDataRole.UserRole + 2  # row 0 of the preview: [(field, label)] to offer

PROBLEM_BACKGROUND = QBrush(QColor("#fdecea"))
PROBLEM_FOREGROUND = QBrush(QColor("#a61b1b"))
MAPPING_BACKGROUND = QBrush(QColor("#eef4fb"))
MUTED_FOREGROUND = QBrush(QColor("#667085"))


def local_time(moment: dt.datetime | None) -> str:
    """A stored moment as a table cell shows it, in local time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


class PreviewModel(QAbstractTableModel):
    """The first rows of the sheet as the import would read them, one column per header.

    Row 0 is the mapping row: each cell holds the field its column feeds (FieldRole) and is
    edited with a drop-down (FieldDelegate); the rows below are the sheet's rows, those the
    import would reject tinted, with their reasons as tool tips. Without a header (the core found
    none) the raw rows are shown and there is no mapping row.

    Signals:
        field_chosen(str letter, object field): the clerk chose a field (None: extra data) for
            the column with that Excel letter.
    """

    field_chosen = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._preview: Preview | None = None
        self._columns: list[PreviewColumn] = []
        self._rows: list[PreviewRow] = []
        self._width = 0
        self._ignore = self.tr("Ignore this column (kept as extra data)")

    @property
    def preview(self) -> Preview | None:
        return self._preview

    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        self._preview = preview
        self._columns = list(preview.columns) if preview else []
        self._rows = list(preview.rows) if preview else []
        self._width = len(self._columns) or max((len(r.cells) for r in self._rows), default=0)
        self.endResetModel()

    def has_mapping_row(self) -> bool:
        return bool(self._columns)

    def _offset(self) -> int:
        return 1 if self._columns else 0

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows) + self._offset()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else self._width

    def column(self, section: int) -> PreviewColumn | None:
        return self._columns[section] if 0 <= section < len(self._columns) else None

    def choices(self, section: int) -> list[tuple[str | None, str]]:
        """What the column's drop-down offers: ignore, each field, and 序号 if it is one."""
        column = self.column(section)
        if column is None or self._preview is None:
            return []
        offered: list[tuple[str | None, str]] = [(None, self._ignore)]
        if column.field in SPECIAL:
            offered.append((column.field, column.label))
        offered.extend(self._preview.fields)
        return offered

    def label(self, column: PreviewColumn) -> str:
        """The mapping row's text: the field's label (the core's, for 序号), or ignore."""
        if column.field is None:
            return self._ignore
        if column.field in SPECIAL:
            return column.label
        labels = dict(self._preview.fields) if self._preview else {}
        return labels.get(column.field, column.field)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            column = self.column(section)
            if column is not None:
                return f"{column.letter}  {column.header}"
            return str(section + 1) if 0 <= section < self._width else None
        if self._columns and section == 0:
            return self.tr("Imports as")
        row = section - self._offset()
        if 0 <= row < len(self._rows):
            return str(self._rows[row].number)
        return None

    def _cell(self, row: PreviewRow, section: int) -> str:
        column = self.column(section)
        index = column.index if column is not None and column.index >= 0 else section
        return row.cells[index] if 0 <= index < len(row.cells) else ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < self._width:
            return None
        section = index.column()
        if self._columns and index.row() == 0:
            column = self._columns[section]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return self.label(column)
            if role == FieldRole:
                return column.field
            if role == ChoicesRole:
                return self.choices(section)
            if role == Qt.ItemDataRole.BackgroundRole:
                return MAPPING_BACKGROUND
            if role == Qt.ItemDataRole.ForegroundRole and column.field is None:
                return MUTED_FOREGROUND
            return None
        number = index.row() - self._offset()
        if not 0 <= number < len(self._rows):
            return None
        row = self._rows[number]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, section)
        if not row.problems:
            return None
        column = self.column(section)
        own = column is not None and column.field in row.problems
        if role == Qt.ItemDataRole.BackgroundRole:
            return PROBLEM_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and own:
            return PROBLEM_FOREGROUND
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(row.problems.values())
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._columns and index.row() == 0:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (index.isValid() and self._columns and index.row() == 0):
            return False
        if role not in (FieldRole, Qt.ItemDataRole.EditRole):
            return False
        column = self._columns[index.column()]
        field = value or None
        if field == column.field:
            return False
        self.field_chosen.emit(column.letter, field)
        return True

    def problem_rows(self) -> int:
        return sum(1 for r in self._rows if r.problems)


class FieldDelegate(QStyledItemDelegate):
    """A drop-down of fields for the preview's mapping row (a field per column)."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName(f"field_{index.column()}")
        combo.setFrame(False)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        for field, label in index.data(ChoicesRole) or []:
            combo.addItem(label, field)
        # Commit as soon as the clerk picks: the mapping row is always open for editing.
        combo.activated.connect(lambda _i, combo=combo: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(FieldRole))
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), FieldRole)


class RejectsModel(RowsTableModel):
    """Rows the import would refuse: the sheet's row number, the field at fault, every reason."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RejectedRow] = []
        self._labels: dict[str, str] = {}
        self._titles = [self.tr("Row"), self.tr("Field"), self.tr("Reason")]

    def set_rows(self, rows: Sequence[RejectedRow], labels: dict[str, str]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._labels = dict(labels)
        self.endResetModel()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [str(row.row), self._labels.get(row.field, row.field), row.reason][
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return row.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BatchesModel(RowsTableModel):
    """Import batches, newest first (a few hundred at most: held as rows, reloaded on change)."""

    NUMBER, TIME, FILE, KIND, IMPORTED, DUPLICATES, REJECTED, USER, STATE = range(9)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BatchRow] = []
        self._titles = [
            self.tr("Batch"),
            self.tr("Time"),
            self.tr("File"),
            self.tr("Kind"),
            self.tr("Imported"),
            self.tr("Duplicates"),
            self.tr("Rejected"),
            self.tr("By"),
            self.tr("State"),
        ]

    def row_at(self, index: int) -> BatchRow | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def kind_label(self, kind: str) -> str:
        return self.tr("Leads") if kind == "leads" else self.tr("Cases")

    def state_text(self, row: BatchRow) -> str:
        if row.undone_at is not None:
            return self.tr("Undone {time}").format(time=local_time(row.undone_at))
        return self.tr("In effect")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            imported = str(row.imported)
            if row.updated:
                imported += self.tr(" (+{n} updated)").format(n=row.updated)
            return [
                str(row.id),
                local_time(row.created_at),
                row.file_name,
                self.kind_label(row.kind),
                imported,
                str(row.duplicates),
                str(row.rejected),
                row.user or "",
                self.state_text(row),
            ][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.FILE:
            return self.tr("SHA-256: {sha}").format(sha=row.file_sha256)
        if role == Qt.ItemDataRole.ForegroundRole and row.undone_at is not None:
            return MUTED_FOREGROUND
        numeric = (self.NUMBER, self.IMPORTED, self.DUPLICATES, self.REJECTED)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ProfilesModel(RowsTableModel):
    """Saved mapping profiles: name, kind, the headers they are for, who saved them and when."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Profile] = []
        self._titles = [
            self.tr("Name"),
            self.tr("Kind"),
            self.tr("Headers"),
            self.tr("Saved by"),
            self.tr("Saved at"),
        ]

    def row_at(self, index: int) -> Profile | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                row.name,
                self.tr("Leads") if row.kind == "leads" else self.tr("Cases"),
                "、".join(row.headers),
                row.saved_by,
                local_time(row.saved_at),
            ][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return "\n".join(row.headers)
        return None
