"""Single-letter keys of a page (C confirm, D dismiss, L keep local...): actions whose shortcut
works only while that page has the focus."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def page_action(page: QWidget, text: str, key: str, slot: Any) -> QAction:
    """An action on `page` with the shortcut `key`, live only while the page (or a child) has
    the focus: the letters mean nothing elsewhere, and a line edit that takes the letter keeps
    it."""
    action = QAction(text, page)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    page.addAction(action)
    return action
