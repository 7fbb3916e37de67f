"""Guard: Qt calling Python overrides that return None must not leak references to None.

PySide6 6.12.0 on Python 3.11 drops a reference to None each time Qt calls a Python override
that returns None (data() for an unhandled role, fetchMore, paintEvent, sort); after a few
thousand calls the process dies with "Fatal Python error: none_dealloc". 6.11.3 does not.
Each test makes C++ call such an override at least CALLS times, counts the calls inside the
override (so a call that never crossed from C++ cannot pass unnoticed), and checks that
sys.getrefcount(None) did not fall. A leak of one reference per call would make it fall by
at least CALLS; the count is allowed to rise (objects created meanwhile may hold None).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QTableView, QWidget
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui

CALLS = 2_000
UNHANDLED_ROLE = Qt.ItemDataRole.UserRole + 77
Index = QModelIndex | QPersistentModelIndex


class CountingModel(QAbstractTableModel):
    """A model whose overrides return None where Qt allows it, counting how often Qt calls them."""

    def __init__(self, rows: int = 20, columns: int = 4) -> None:
        super().__init__()
        self.rows = rows
        self.columns = columns
        self.none_returns = {"data": 0, "headerData": 0, "fetchMore": 0, "sort": 0}

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self.rows

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self.columns

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return f"{index.row()},{index.column()}"
        self.none_returns["data"] += 1
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section)
        self.none_returns["headerData"] += 1
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return False

    def fetchMore(self, parent: Index) -> None:
        self.none_returns["fetchMore"] += 1

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.none_returns["sort"] += 1


class CountingWidget(QWidget):
    """A widget whose paintEvent (returning None) counts its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1


def _none_refs() -> int:
    gc.collect()
    return sys.getrefcount(None)


def _flush_earlier_tests() -> None:
    """Free what earlier tests left to be deleted (windows closed with deleteLater...): freed
    during a measurement, they would give back their references to None and hide a leak, or
    look like one when counted in the other direction."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        gc.collect()


@pytest.fixture
def none_refcount() -> Iterator[Callable[[], tuple[int, int]]]:
    """Call the returned function after the work: it gives (refs before, refs after)."""
    _flush_earlier_tests()
    gc.disable()  # a collection in the middle would free objects holding None and add noise
    before = _none_refs()
    try:
        yield lambda: (before, _none_refs())
    finally:
        gc.enable()


def _assert_not_leaked(refs: tuple[int, int], calls: int) -> None:
    before, after = refs
    assert calls >= CALLS, f"only {calls} calls crossed from C++ into the override"
    assert after >= before, (
        f"{before - after} references to None lost over {calls} calls from Qt into Python "
        "overrides returning None: this PySide6 leaks None (see pyproject.toml, gui extra)"
    )


def test_data_returning_none_called_from_cpp_through_a_proxy(
    none_refcount: Callable[[], tuple[int, int]],
) -> None:
    model = CountingModel()
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(1, 1)
    # QIdentityProxyModel::data and ::headerData are C++; each forwards to the Python override.
    for _ in range(CALLS):
        assert proxy.data(index, UNHANDLED_ROLE) is None
        assert proxy.headerData(0, Qt.Orientation.Horizontal, UNHANDLED_ROLE) is None
    refs = none_refcount()
    _assert_not_leaked(refs, model.none_returns["data"])
    _assert_not_leaked(refs, model.none_returns["headerData"])


def test_data_returning_none_called_by_a_painting_view(
    qtbot: QtBot, none_refcount: Callable[[], tuple[int, int]]
) -> None:
    model = CountingModel(rows=10, columns=3)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 400)
    with qtbot.waitExposed(view):
        view.show()
    rounds = 0
    # Every paint asks each visible cell for font, colours, decoration... all unhandled: None.
    while model.none_returns["data"] < CALLS and rounds < 1_000:
        view.grab()
        rounds += 1
    _assert_not_leaked(none_refcount(), model.none_returns["data"])


def test_fetch_more_called_from_cpp_through_a_proxy(
    none_refcount: Callable[[], tuple[int, int]],
) -> None:
    model = CountingModel()
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    root = QModelIndex()
    for _ in range(CALLS):
        proxy.fetchMore(root)
    _assert_not_leaked(none_refcount(), model.none_returns["fetchMore"])


def test_sort_called_by_a_view(qtbot: QtBot, none_refcount: Callable[[], tuple[int, int]]) -> None:
    model = CountingModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    orders = (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)
    # QTableView::sortByColumn is C++: it calls the model's sort() override each time.
    for i in range(CALLS):
        view.sortByColumn(i % model.columns, orders[i % 2])
    _assert_not_leaked(none_refcount(), model.none_returns["sort"])


def test_data_returning_none_called_by_a_sorting_proxy(
    none_refcount: Callable[[], tuple[int, int]],
) -> None:
    model = CountingModel()
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    # The C++ proxy's sort compares rows by a role the Python override does not handle.
    proxy.setSortRole(UNHANDLED_ROLE)
    sorts = 0
    while model.none_returns["data"] < CALLS and sorts < 10_000:
        # Another column each time: sorting again by the same column is skipped.
        proxy.sort(sorts % model.columns)
        sorts += 1
    _assert_not_leaked(none_refcount(), model.none_returns["data"])


def test_paint_event_called_by_repaint(
    qtbot: QtBot, none_refcount: Callable[[], tuple[int, int]]
) -> None:
    widget = CountingWidget()
    qtbot.addWidget(widget)
    widget.resize(50, 50)
    with qtbot.waitExposed(widget):
        widget.show()
    start = widget.paints
    for _ in range(CALLS):
        widget.repaint()  # synchronous: QWidget::repaint calls the paintEvent override
    _assert_not_leaked(none_refcount(), widget.paints - start)


def test_the_guard_sees_a_simulated_leak(
    none_refcount: Callable[[], tuple[int, int]],
) -> None:
    """The measurement is sensitive enough: an override that loses None once per call fails it."""
    import ctypes

    lost = 0

    class LeakingModel(CountingModel):
        def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            nonlocal lost
            result = super().data(index, role)
            if result is None:
                ctypes.pythonapi.Py_DecRef(ctypes.py_object(None))
                lost += 1
            return result

    model = LeakingModel()
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    index = proxy.index(0, 0)
    try:
        for _ in range(CALLS):
            proxy.data(index, UNHANDLED_ROLE)
        refs = none_refcount()
    finally:
        for _ in range(lost):  # give back what the simulation took
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    with pytest.raises(AssertionError, match="references to None lost"):
        _assert_not_leaked(refs, model.none_returns["data"])
