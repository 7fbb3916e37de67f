"""Windowed table models over the store: row counts from the services, rows a page at a time."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from workstation.errors import WorkstationError

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
# A frozen dataclass of filters; sortable models' queries have `order_by` and `descending`.
QueryT = TypeVar("QueryT")


class PagedTableModel(QAbstractTableModel, Generic[RowT, QueryT]):
    """Rows matching a query, in the store's order, loaded a page at a time.

    The row count comes from `_count_rows(query)`; rows come from `_fetch_rows(query, offset,
    limit)` when a view first asks for them, and are kept in a small LRU of pages, so a store of
    a million rows opens at once and memory stays flat however far the user scrolls. Sorting and
    filtering go to the store (a new query and a reset), never to a proxy.

    Subclasses implement `_count_rows`, `_fetch_rows`, `columnCount` and `data`; a sortable one
    sets SORT_KEYS (column -> the query's order_by key, or None for a column the store cannot
    sort by) and NEWEST_FIRST (columns whose first click sorts descending).

    Signals:
        count_changed(int): the number of matching rows, after every (re)load.
        load_failed(str): the store refused a read; the Chinese message for the user.
    """

    count_changed = Signal(int)
    load_failed = Signal(str)

    SORT_KEYS: Mapping[int, str | None] = {}
    NEWEST_FIRST: frozenset[int] = frozenset()

    def __init__(
        self,
        query: QueryT,
        *,
        page_size: int = 200,
        max_pages: int = 8,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if page_size < 1 or max_pages < 1:
            raise ValueError("page_size and max_pages must be positive")
        self._query = query
        self._page_size = page_size
        self._max_pages = max_pages
        self._pages: OrderedDict[int, list[RowT]] = OrderedDict()
        self._count = 0
        # How many times the store was asked for a page: the measure of the window working.
        self.page_loads = 0

    # --- for subclasses ------------------------------------------------------------------------

    def _count_rows(self, query: QueryT) -> int:
        raise NotImplementedError

    def _fetch_rows(self, query: QueryT, offset: int, limit: int) -> list[RowT]:
        raise NotImplementedError

    def _before_reload(self) -> None:
        """Called inside every reset, before the count is read again (e.g. to move `today`)."""

    # --- the query -----------------------------------------------------------------------------

    @property
    def query(self) -> QueryT:
        return self._query

    @property
    def page_size(self) -> int:
        return self._page_size

    @property
    def max_pages(self) -> int:
        return self._max_pages

    def set_query(self, query: QueryT) -> None:
        if query != self._query:
            self._query = query
            self.refresh()

    def is_filtered(self) -> bool:
        """Whether the query leaves out some rows (so the row count is not the store's total)."""
        order = {
            name: getattr(self._query, name)
            for name in ("order_by", "descending")
            if hasattr(self._query, name)
        }
        unfiltered = type(self._query)(**order)
        return bool(self._query != unfiltered)

    def load(self) -> None:
        """The first count, without a reset (for the end of a subclass's __init__)."""
        self._count = self._load_count()

    def refresh(self) -> None:
        """Reload the count and forget cached pages (after edits, or on F5)."""
        self.beginResetModel()
        self._pages.clear()
        self._before_reload()
        self._count = self._load_count()
        self.endResetModel()
        self.count_changed.emit(self._count)

    # --- sorting -------------------------------------------------------------------------------

    def sort_column(self) -> int:
        """The column whose sort key the query orders by, or -1 when no column shows it."""
        order_by = getattr(self._query, "order_by", None)
        for column, key in self.SORT_KEYS.items():
            if key is not None and key == order_by:
                return int(column)
        return -1

    def sort_order(self) -> Qt.SortOrder:
        if getattr(self._query, "descending", False):
            return Qt.SortOrder.DescendingOrder
        return Qt.SortOrder.AscendingOrder

    def is_sortable(self, column: int) -> bool:
        return self.SORT_KEYS.get(column) is not None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(dataclasses.replace(self._query, order_by=key, descending=descending))

    # --- the window of pages -------------------------------------------------------------------

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    def row_at(self, row: int) -> RowT | None:
        if not 0 <= row < self._count:
            return None
        number, within = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._load_page(number)
        else:
            self._pages.move_to_end(number)
        # A page may come back short when rows were removed since the count: blank rows
        # until the next refresh, rather than an error.
        return page[within] if within < len(page) else None

    def _load_count(self) -> int:
        try:
            return self._count_rows(self._query)
        except WorkstationError as exc:
            self.load_failed.emit(exc.message)
            return 0

    def _reversible(self) -> bool:
        return dataclasses.is_dataclass(self._query) and hasattr(self._query, "descending")

    def _load_page(self, number: int) -> list[RowT]:
        self.page_loads += 1
        page: list[RowT] = []
        start = number * self._page_size
        end = min(start + self._page_size, self._count)
        try:
            if start > self._count - end and self._reversible():
                # Nearer the end: read it from the other end, in the reversed order, so that
                # the database skips fewer rows (a deep OFFSET costs as much as the rows it
                # skips). Exact when the store's order ends in a unique id tie-break.
                descending = not self._query.descending  # type: ignore[attr-defined]
                reverse = dataclasses.replace(self._query, descending=descending)
                page = self._fetch_rows(reverse, self._count - end, end - start)
                page.reverse()
            else:
                page = self._fetch_rows(self._query, start, self._page_size)
        except WorkstationError as exc:
            self.load_failed.emit(exc.message)
        finally:
            # Kept even when empty after a failure, so painting does not retry on every frame.
            self._pages[number] = page
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
        return page

    # --- QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else self._count

    def _sort_header_data(self, section: int, role: int) -> Any:
        """Header roles every paged model answers the same way; None for the others."""
        if role == Qt.ItemDataRole.ToolTipRole and not self.is_sortable(section) and self.SORT_KEYS:
            return self.tr("This column cannot be sorted")
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # The first click on a date column shows the newest first.
            newest_first = section in self.NEWEST_FIRST
            order = Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
            return order.value
        return None
