"""The leads table view: set up for a windowed model (uniform rows, nothing reads every row)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QItemSelection, QItemSelectionModel
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QWidget

from ui.paged_view import PagedTableView
from workstation.lead_cells import Column

if TYPE_CHECKING:  # the view itself loads light: the window's first look uses it (ui.first_look)
    from ui.leads_model import LeadsModel

# Overdue leads: the row's text, and the due date's cell.
OVERDUE_BACKGROUND = QColor("#fde8e6")
OVERDUE_FOREGROUND = QColor("#a8071a")

# Reselecting after a reload looks this many rows either side of where a lead was.
RESELECT_WINDOW = 200


@dataclasses.dataclass(frozen=True)
class RememberedSelection:
    """Which leads were selected where, before a reload: (row, lead id) pairs."""

    selected: tuple[tuple[int, int], ...]
    current: tuple[int, int] | None
    scroll: int


# Text each column should fit without eliding (the summary column takes the rest; longer unit
# names and categories are elided, whole in the form beside the table).
_COLUMN_SAMPLES: dict[Column, str] = {
    Column.REF: "XS2021-00000",
    Column.RECEIVED_ON: "2021-00-00",
    Column.CHANNEL: "网络举报",
    Column.SUBJECT: "欧阳某某（副庭长）",
    Column.SUBJECT_UNIT: "江州市东湖区人民检察院",
    Column.CATEGORY: "违规违法减刑、假释",
    Column.STATUS: "暂存待查",
    Column.DUE_ON: "2021-00-00",
}


class LeadsTableView(PagedTableView):
    """The shared windowed table view, with several leads selectable at once for bulk edits,
    keeping its selection over a reload."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadsTable")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setShowGrid(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

    def fit_columns(self, samples: Mapping[int, str] | None = None) -> None:
        """Widths from the font: each column fits its typical content and its title."""
        super().fit_columns(_COLUMN_SAMPLES if samples is None else samples)

    def selected_row_numbers(self, limit: int) -> list[int] | None:
        """The selected rows in order, from the selection's ranges (not one index per cell);
        None when more than `limit` are selected."""
        selection = self.selectionModel()
        if selection is None:
            return []
        rows: set[int] = set()
        for part in selection.selection():
            if part.height() > limit:
                return None
            rows.update(range(part.top(), part.bottom() + 1))
            if len(rows) > limit:
                return None
        return sorted(rows)

    # --- keeping the selection over a reload ------------------------------------------------

    def _leads(self) -> LeadsModel:
        return cast("LeadsModel", self.model())

    def _lead_id_at(self, row: int) -> int | None:
        lead = self._leads().lead_at(row)
        return None if lead is None else lead.id

    def remember_selection(self, limit: int) -> RememberedSelection:
        """The selected leads (up to `limit` of them), the current one and the scroll."""
        pairs = []
        for row in self.selected_row_numbers(limit) or []:
            lead_id = self._lead_id_at(row)
            if lead_id is not None:
                pairs.append((row, lead_id))
        current = self.currentIndex()
        current_id = self._lead_id_at(current.row()) if current.isValid() else None
        return RememberedSelection(
            selected=tuple(pairs),
            current=(current.row(), current_id) if current_id is not None else None,
            scroll=self.verticalScrollBar().value(),
        )

    def find_row(self, lead_id: int, near: int) -> int | None:
        """Where `lead_id` is now, looking at `near` first and then around it (an edit may
        have moved it a little in the order; further away, it is let go)."""
        if self._lead_id_at(near) == lead_id:
            return near
        start = max(0, near - RESELECT_WINDOW)
        stop = min(self._leads().rowCount(), near + RESELECT_WINDOW + 1)
        for row in range(start, stop):
            if self._lead_id_at(row) == lead_id:
                return row
        return None

    def restore_selection(self, remembered: RememberedSelection) -> None:
        """Select the remembered leads where they are now (those still listed nearby)."""
        model = self._leads()
        self.verticalScrollBar().setValue(remembered.scroll)
        found = (self.find_row(lead_id, row) for row, lead_id in remembered.selected)
        rows = sorted(row for row in found if row is not None)
        selection = QItemSelection()
        last = model.columnCount() - 1
        for start, stop in _runs(rows):
            selection.select(model.index(start, 0), model.index(stop, last))
        flags = QItemSelectionModel.SelectionFlag
        selection_model = self.selectionModel()
        if remembered.current is not None:
            row = self.find_row(remembered.current[1], remembered.current[0])
            if row is not None:
                selection_model.setCurrentIndex(model.index(row, 0), flags.NoUpdate)
        selection_model.select(selection, flags.ClearAndSelect | flags.Rows)


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        elif not runs or row > runs[-1][1]:
            runs.append((row, row))
    return runs
