"""The table view of the windowed models (ui.paged_model): uniform rows, a placeholder text.

The leads table is also the window's first look's (ui.first_look), painted before anything
touches PySide6's `Qt` namespace, whose 93 enums take ~25 ms to set up at the first use of
any: this module does not import it until a method needs it, and spells out the values it
sets at construction.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

# Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter: column titles on the left.
HEADER_ALIGNMENT = 0x0001 | 0x0080


class PagedTableView(QTableView):
    """A table view set up for a windowed model: uniform rows, nothing that reads every row,
    and a placeholder text painted when the model is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)  # long text is elided on the right (the view's default)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setCornerButtonEnabled(False)
        rows = self.verticalHeader()
        rows.setVisible(False)
        # Fixed heights: resizing rows to contents would fetch every row of the store.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 12)
        columns = self.horizontalHeader()
        columns.setSectionsMovable(True)
        columns.setHighlightSections(False)
        columns.setStretchLastSection(True)
        columns.setProperty("defaultAlignment", HEADER_ALIGNMENT)
        columns.setSortIndicatorShown(True)

    def set_placeholder_text(self, text: str) -> None:
        """What the empty table says (nothing stored, or nothing matching the filters)."""
        self._placeholder = text
        self.viewport().update()

    def placeholder_text(self) -> str:
        return self._placeholder

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() > 0 or not self._placeholder:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(12, 24, -12, 0)
        from PySide6.QtCore import Qt

        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self._placeholder)
        painter.end()

    def fit_columns(self, samples: Mapping[int, str]) -> None:
        """Widths from the font: each column fits its typical content and its title."""
        from PySide6.QtCore import Qt

        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        model = self.model()
        arrow_and_margins = 36
        for column, sample in samples.items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(
                metrics.horizontalAdvance(sample) + 20,
                metrics.horizontalAdvance(title) + arrow_and_margins,
            )
            header.resizeSection(column, width)
