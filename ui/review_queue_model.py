"""The review queue's list: anomalies matching a query, a page at a time, drawn as two lines."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.anomaly_badges import badge_font, badge_size, kind_label, paint_badge, state_label
from ui.case_detail import moment
from ui.paged_model import Index, PagedTableModel
from workstation.services.auth import Actor
from workstation.services.review import (
    MANUAL,
    AnomalyQuery,
    AnomalyRow,
    count_anomalies,
    list_anomalies,
)
from workstation.store import Store

# The AnomalyRow of a row.
AnomalyRole = Qt.ItemDataRole.UserRole + 1

MUTED = QColor("#667085")
DECIDED = {"confirmed", "dismissed"}


class AnomalyQueueModel(PagedTableModel[AnomalyRow, AnomalyQuery]):
    """Anomalies matching an AnomalyQuery in the order the scans found them (oldest first), one
    column, a page at a time (see PagedTableModel).

    Signals: count_changed(int), load_failed(str) (see PagedTableModel).
    """

    def __init__(
        self,
        store: Store,
        actor: Actor,
        query: AnomalyQuery | None = None,
        *,
        page_size: int = 200,
        max_pages: int = 8,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            query or AnomalyQuery(state="suspected"),
            page_size=page_size,
            max_pages=max_pages,
            parent=parent,
        )
        self._store = store
        self._actor = actor
        self.load()

    def anomaly_at(self, row: int) -> AnomalyRow | None:
        return self.row_at(row)

    def _count_rows(self, query: AnomalyQuery) -> int:
        return count_anomalies(self._store, self._actor, query)

    def _fetch_rows(self, query: AnomalyQuery, offset: int, limit: int) -> list[AnomalyRow]:
        return list_anomalies(self._store, self._actor, query, offset=offset, limit=limit)

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else 1

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and section == 0:
                return self.tr("Anomaly")
            if orientation == Qt.Orientation.Vertical:
                return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != 0:
            return None
        flag = self.row_at(index.row())
        if flag is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"#{flag.id} {kind_label(flag.kind)} {flag.case_no}"
        if role == AnomalyRole:
            return flag
        if role == Qt.ItemDataRole.ToolTipRole:
            return flag.explanation
        return None

    def second_line(self, flag: AnomalyRow) -> str:
        """Under the case number: the agency and rule, or who decided and when."""
        rule = self.tr("manual") if flag.rule_id == MANUAL else flag.rule_id
        if flag.state in DECIDED and flag.reviewer:
            return self.tr("{state} by {user}, {time} · {agency}").format(
                state=state_label(flag.state),
                user=flag.reviewer,
                time=moment(flag.decided_at),
                agency=flag.agency,
            )
        if flag.state != "suspected":
            return f"{state_label(flag.state)} · {flag.agency}"
        return f"#{flag.id} · {rule} · {flag.agency}"


class QueueDelegate(QStyledItemDelegate):
    """Two lines per anomaly: its kind badge and case number; then agency and rule, or who
    decided it and when. Every row has the same height (the list is windowed)."""

    def __init__(self, model: AnomalyQueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def _line_height(self, font: QFont) -> int:
        return max(QFontMetrics(font).height(), QFontMetrics(badge_font(font)).height() + 4)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = self._line_height(option.font)
        return QSize(200, 2 * line + 16)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        flag = index.data(AnomalyRole)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if not isinstance(flag, AnomalyRow):
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.WindowText
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = opt.rect.adjusted(10, 8, -10, -8)
        line = self._line_height(opt.font)
        small = badge_font(opt.font)
        metrics = QFontMetrics(small)
        size = badge_size(metrics, flag.kind)
        badge = QRect(
            rect.left(), rect.top() + (line - size.height()) // 2, size.width(), size.height()
        )
        painter.setFont(small)
        paint_badge(painter, badge, flag.kind, flag.state)
        first = QRect(badge.right() + 8, rect.top(), rect.right() - badge.right() - 8, line)
        bold = QFont(opt.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(opt.palette.color(text_role))
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(
            first,
            align,
            QFontMetrics(bold).elidedText(flag.case_no, Qt.TextElideMode.ElideRight, first.width()),
        )
        second = QRect(rect.left(), rect.top() + line + 2, rect.width(), line)
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(text_role) if selected else MUTED)
        text = self._model.second_line(flag)
        painter.drawText(
            second,
            align,
            QFontMetrics(opt.font).elidedText(text, Qt.TextElideMode.ElideRight, second.width()),
        )
        painter.restore()
