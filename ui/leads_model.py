"""The leads table model: a window over the store, fetched page by page through the services."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from ui.leads_table import OVERDUE_BACKGROUND, OVERDUE_FOREGROUND
from workstation.errors import WorkstationError
from workstation.lead_cells import (
    DISPLAY_SUMMARY_CHARS,
    SORT_KEYS,
    Column,
    one_line,
    subject_text,
)
from workstation.services import campaign
from workstation.services.auth import Actor
from workstation.services.leads import LeadQuery, LeadRow, count_leads, list_leads
from workstation.store import Store
from workstation.vocab import CATEGORY, CHANNEL, LEAD_STATUS, Vocabulary

Index = QModelIndex | QPersistentModelIndex

# The LeadRow of a row, for views and dialogs that need more than the cells show.
LeadRole = Qt.ItemDataRole.UserRole + 1

_VOCABULARY_COLUMNS: dict[Column, tuple[str, Vocabulary]] = {
    Column.CHANNEL: ("channel", CHANNEL),
    Column.CATEGORY: ("category", CATEGORY),
    Column.STATUS: ("status", LEAD_STATUS),
}


def _label(vocabulary: Vocabulary, key: str | None) -> str:
    if not key:
        return ""
    try:
        return vocabulary.label(key)
    except KeyError:
        return key  # a key this version does not know yet: show it rather than nothing


class LeadsModel(QAbstractTableModel):
    """Leads matching a LeadQuery, in the store's order, loaded a page at a time.

    The row count comes from `count_leads`; rows come from `list_leads(offset, limit)` when a
    view first asks for them, and are kept in a small LRU of pages, so a store of a million
    leads opens at once and memory stays flat however far the user scrolls. Sorting and
    searching go to the store (a new query and a reset), never to a proxy.

    Signals:
        count_changed(int): the number of matching leads, after every (re)load.
        load_failed(str): the store refused a read; the Chinese message for the user.
    """

    count_changed = Signal(int)
    load_failed = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        query: LeadQuery | None = None,
        *,
        page_size: int = 200,
        max_pages: int = 8,
        today: dt.date | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if page_size < 1 or max_pages < 1:
            raise ValueError("page_size and max_pages must be positive")
        self._store = store
        self._actor = actor
        self._query = query or LeadQuery()
        self._page_size = page_size
        self._max_pages = max_pages
        self._fixed_today = today
        self._today = today or campaign.as_of(store)
        self._pages: OrderedDict[int, list[LeadRow]] = OrderedDict()
        self._count = 0
        # How many times the store was asked for a page: the measure of the window working.
        self.page_loads = 0
        self._titles = (
            self.tr("Lead No."),
            self.tr("Received"),
            self.tr("Channel"),
            self.tr("Subject"),
            self.tr("Subject's unit"),
            self.tr("Category"),
            self.tr("Status"),
            self.tr("Due"),
            self.tr("Summary"),
        )
        self._count = self._load_count()

    # --- the query -------------------------------------------------------------------------

    @property
    def query(self) -> LeadQuery:
        return self._query

    @property
    def page_size(self) -> int:
        return self._page_size

    @property
    def max_pages(self) -> int:
        return self._max_pages

    def is_filtered(self) -> bool:
        """Whether the query leaves out some leads (so the row count is not the store's total)."""
        unfiltered = LeadQuery(order_by=self._query.order_by, descending=self._query.descending)
        return self._query != unfiltered

    def set_query(self, query: LeadQuery) -> None:
        if query != self._query:
            self._query = query
            self.refresh()

    @property
    def as_of(self) -> dt.date:
        """The date overdue leads are judged by."""
        return self._today

    def set_search(self, text: str) -> None:
        self.set_query(dataclasses.replace(self._query, search=text.strip() or None))

    def refresh(self) -> None:
        """Reload the count and forget cached pages (after edits, or on F5)."""
        self.beginResetModel()
        self._pages.clear()
        self._today = self._fixed_today or campaign.as_of(self._store)
        self._count = self._load_count()
        self.endResetModel()
        self.count_changed.emit(self._count)

    def sort_column(self) -> int:
        """The column whose sort key the query orders by, or -1 when no column shows it."""
        for column, key in SORT_KEYS.items():
            if key == self._query.order_by:
                return int(column)
        return -1

    def sort_order(self) -> Qt.SortOrder:
        if self._query.descending:
            return Qt.SortOrder.DescendingOrder
        return Qt.SortOrder.AscendingOrder

    @staticmethod
    def is_sortable(column: int) -> bool:
        return 0 <= column < len(Column) and SORT_KEYS[Column(column)] is not None

    # --- the window of pages -----------------------------------------------------------------

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    def lead_at(self, row: int) -> LeadRow | None:
        if not 0 <= row < self._count:
            return None
        number, within = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._load_page(number)
        else:
            self._pages.move_to_end(number)
        # A page may come back short when leads were removed since the count: blank rows
        # until the next refresh, rather than an error.
        return page[within] if within < len(page) else None

    def _load_count(self) -> int:
        try:
            return count_leads(self._store, self._actor, self._query)
        except WorkstationError as exc:
            self.load_failed.emit(exc.message)
            return 0

    def _load_page(self, number: int) -> list[LeadRow]:
        self.page_loads += 1
        page: list[LeadRow] = []
        start = number * self._page_size
        end = min(start + self._page_size, self._count)
        try:
            if start > self._count - end:
                # Nearer the end: read it from the other end, in the reversed order, so that
                # the database skips fewer rows (a deep OFFSET costs as much as the rows it
                # skips). Exact, because the store's order ends in a unique id tie-break.
                reverse = dataclasses.replace(self._query, descending=not self._query.descending)
                page = list_leads(
                    self._store,
                    self._actor,
                    reverse,
                    offset=self._count - end,
                    limit=end - start,
                )
                page.reverse()
            else:
                page = list_leads(
                    self._store, self._actor, self._query, offset=start, limit=self._page_size
                )
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

    def columnCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._titles[section]
            if role == Qt.ItemDataRole.ToolTipRole and not self.is_sortable(section):
                return self.tr("This column cannot be sorted")
            if role == Qt.ItemDataRole.InitialSortOrderRole:
                # The first click on a date column shows the newest first.
                newest_first = section in (Column.RECEIVED_ON, Column.DUE_ON)
                order = (
                    Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
                )
                return order.value
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(Column):
            return None
        lead = self.lead_at(index.row())
        if lead is None:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(lead, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(lead, column)
        if role == Qt.ItemDataRole.ForegroundRole and lead.is_overdue(self._today):
            return QBrush(OVERDUE_FOREGROUND)
        # The whole row is coloured; the due date itself is marked out, so that a long list
        # of overdue leads stays readable.
        if column == Column.DUE_ON and lead.is_overdue(self._today):
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(OVERDUE_BACKGROUND)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.RECEIVED_ON,
            Column.DUE_ON,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == LeadRole:
            return lead
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.is_sortable(column):
            return
        key = SORT_KEYS[Column(column)]
        assert key is not None
        self.set_query(
            dataclasses.replace(
                self._query, order_by=key, descending=order == Qt.SortOrder.DescendingOrder
            )
        )

    # --- cells ------------------------------------------------------------------------------

    @staticmethod
    def _display(lead: LeadRow, column: Column) -> str:
        if column in _VOCABULARY_COLUMNS:
            field, vocabulary = _VOCABULARY_COLUMNS[column]
            return _label(vocabulary, getattr(lead, field))
        if column == Column.REF:
            return lead.ref
        if column == Column.RECEIVED_ON:
            return lead.received_on.isoformat()
        if column == Column.DUE_ON:
            return lead.due_on.isoformat() if lead.due_on else ""
        if column == Column.SUBJECT:
            return subject_text(lead.subject, lead.subject_position)
        if column == Column.SUBJECT_UNIT:
            return lead.subject_unit or ""
        return one_line(lead.summary, DISPLAY_SUMMARY_CHARS)

    def _tooltip(self, lead: LeadRow, column: Column) -> str | None:
        if column == Column.SUMMARY:
            # Rich text, so that Qt wraps a long summary instead of one screen-wide line.
            return f"<p>{html.escape(lead.summary).replace(chr(10), '<br>')}</p>"
        if column == Column.CATEGORY:
            return _label(CATEGORY, lead.category)
        if column == Column.DUE_ON and lead.due_on and lead.is_overdue(self._today):
            days = (self._today - lead.due_on).days
            return self.tr("Overdue by {days} days").format(days=days)
        return None
