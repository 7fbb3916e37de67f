"""The main window's pages: keys and titles, the side list that switches them, placeholders."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

# The pages in the order of the side list (and of Ctrl+1..Ctrl+8).
PAGE_KEYS = ("overview", "leads", "cases", "review", "import", "briefs", "settings", "exchange")
# Qt's values, spelt out: the side list is also the window's first look's (ui.first_look),
# painted before anything touches PySide6's `Qt` namespace (93 enums, ~25 ms to set up at the
# first use of any).
KeyRole = 0x0100 + 1  # Qt.ItemDataRole.UserRole + 1
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff


def page_title(key: str) -> str:
    titles = {
        "overview": QCoreApplication.translate("Navigation", "Overview"),
        "leads": QCoreApplication.translate("Navigation", "Leads"),
        "cases": QCoreApplication.translate("Navigation", "Cases"),
        "review": QCoreApplication.translate("Navigation", "Anomaly review"),
        "import": QCoreApplication.translate("Navigation", "Import"),
        "briefs": QCoreApplication.translate("Navigation", "Briefs"),
        "settings": QCoreApplication.translate("Navigation", "Settings"),
        "exchange": QCoreApplication.translate("Navigation", "Data exchange"),
    }
    return titles[key]


class PagePlaceholder(QWidget):
    """A page whose view is not plugged in (yet): its title and a short note."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"placeholder_{key}")
        self.key = key
        title = QLabel(page_title(key), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.text = QLabel(
            QCoreApplication.translate("Navigation", "This page comes in a later version."), self
        )
        self.text.setWordWrap(True)
        from PySide6.QtCore import Qt  # not at import: see SCROLL_BAR_ALWAYS_OFF

        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setMaximumWidth(640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 36, 40, 36)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(self.text)
        layout.addStretch(1)


class NavigationList(QListWidget):
    """The side list of pages; the window follows `page_chosen`.

    Signals:
        page_chosen(str): the key of the page the user picked.
    """

    page_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setProperty("horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        self.setUniformItemSizes(True)
        self.setSpacing(1)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.setFont(font)
        height = self.fontMetrics().height() + 18
        widest = 0
        for number, key in enumerate(PAGE_KEYS, start=1):
            item = QListWidgetItem(page_title(key))
            item.setData(KeyRole, key)
            item.setSizeHint(QSize(0, height))
            item.setToolTip(
                QCoreApplication.translate("Navigation", "{page} (Ctrl+{number})").format(
                    page=page_title(key), number=number
                )
            )
            self.addItem(item)
            widest = max(widest, self.fontMetrics().horizontalAdvance(page_title(key)))
        self.setFixedWidth(max(132, widest + 48))
        self.setStyleSheet(
            "QListWidget#navigation { background: palette(window);"
            " border-right: 1px solid palette(mid); padding-top: 8px; }"
            "QListWidget#navigation::item { padding-left: 18px; border: none; }"
            "QListWidget#navigation::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        self.currentItemChanged.connect(self._on_current)

    def key_at(self, row: int) -> str:
        return PAGE_KEYS[row]

    def current_key(self) -> str | None:
        item = self.currentItem()
        return None if item is None else str(item.data(KeyRole))

    def set_current_key(self, key: str) -> None:
        """Select `key` without emitting page_chosen (the window already shows it)."""
        blocked = self.blockSignals(True)
        try:
            self.setCurrentRow(PAGE_KEYS.index(key))
        finally:
            self.blockSignals(blocked)

    def _on_current(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self.page_chosen.emit(str(current.data(KeyRole)))
