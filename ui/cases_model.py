"""The cases table model: a window over the store, each page with its cases' open anomalies."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from ui.anomaly_badges import Badge, describe
from ui.paged_model import Index, PagedTableModel
from workstation.services.auth import Actor
from workstation.services.cases import CaseQuery, CaseRow, count_cases, list_cases
from workstation.services.review import anomaly_kinds_for_cases
from workstation.store import Store
from workstation.vocab import PROCURATORATE_DECISION

# The CaseRow of a row, and its open anomalies as (kind, state) pairs.
CaseRole = Qt.ItemDataRole.UserRole + 1
BadgesRole = Qt.ItemDataRole.UserRole + 2

QUIET_FOREGROUND = QColor("#667085")


class Column(IntEnum):
    CASE_NO = 0
    ANOMALIES = 1  # next to the number: what a reviewer scans the list for
    AGENCY = 2
    CAUSE = 3
    ACCEPTED_ON = 4
    FILED_ON = 5
    PROGRESS = 6
    SUSPECT = 7


@dataclasses.dataclass(frozen=True)
class CaseEntry:
    """One row of the table: the case and its open anomalies."""

    case: CaseRow
    badges: tuple[Badge, ...] = ()


def progress(case: CaseRow) -> tuple[str, dt.date]:
    """(where the case stands, since when): the furthest step its dates record."""
    translate = QCoreApplication.translate
    if case.closed_on:
        return translate("CasesModel", "Closed"), case.closed_on
    if case.prosecuted_on:
        if case.procuratorate_decision in PROCURATORATE_DECISION:
            decision = PROCURATORATE_DECISION.label(case.procuratorate_decision)
            text = translate("CasesModel", "Sent for prosecution ({decision})")
            return text.format(decision=decision), case.prosecuted_on
        return translate("CasesModel", "Sent for prosecution"), case.prosecuted_on
    if case.withdrawn_on:
        return translate("CasesModel", "Withdrawn"), case.withdrawn_on
    if case.not_filed_on:
        return translate("CasesModel", "Not filed"), case.not_filed_on
    if case.filed_on:
        since = case.last_activity_on or case.filed_on
        return translate("CasesModel", "Under investigation"), since
    return translate("CasesModel", "Awaiting filing decision"), case.accepted_on


class CasesModel(PagedTableModel[CaseEntry, CaseQuery]):
    """Cases matching a CaseQuery, a page at a time (see PagedTableModel); each page also reads
    the open anomalies of its cases, in one query for the page, for the badge column.

    Signals: count_changed(int), load_failed(str) (see PagedTableModel).
    """

    SORT_KEYS = {  # noqa: RUF012 - a class-wide constant table
        Column.CASE_NO: "case_no",
        Column.AGENCY: "agency",
        Column.ACCEPTED_ON: "accepted_on",
        Column.FILED_ON: "filed_on",
    }
    NEWEST_FIRST = frozenset({Column.ACCEPTED_ON, Column.FILED_ON})

    def __init__(
        self,
        store: Store,
        actor: Actor,
        query: CaseQuery | None = None,
        *,
        page_size: int = 200,
        max_pages: int = 8,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            query or CaseQuery(), page_size=page_size, max_pages=max_pages, parent=parent
        )
        self._store = store
        self._actor = actor
        self._titles = (
            self.tr("Case No."),
            self.tr("Anomalies"),
            self.tr("Agency"),
            self.tr("Cause"),
            self.tr("Accepted"),
            self.tr("Filed"),
            self.tr("Progress"),
            self.tr("Suspect"),
        )
        self.load()

    def set_search(self, text: str) -> None:
        self.set_query(dataclasses.replace(self._query, search=text.strip() or None))

    def case_at(self, row: int) -> CaseRow | None:
        entry = self.row_at(row)
        return entry.case if entry is not None else None

    def row_of_case(self, case_id: int) -> int:
        """The row of a case among the cached pages, or -1 (rows not loaded are not searched)."""
        for number, page in self._pages.items():
            for within, entry in enumerate(page):
                if entry.case.id == case_id:
                    return number * self._page_size + within
        return -1

    # --- the store -----------------------------------------------------------------------------

    def _count_rows(self, query: CaseQuery) -> int:
        return count_cases(self._store, self._actor, query)

    def _fetch_rows(self, query: CaseQuery, offset: int, limit: int) -> list[CaseEntry]:
        cases = list_cases(self._store, self._actor, query, offset=offset, limit=limit)
        badges = anomaly_kinds_for_cases(self._store, self._actor, [c.id for c in cases])
        return [CaseEntry(case, tuple(badges.get(case.id, ()))) for case in cases]

    # --- QAbstractTableModel -------------------------------------------------------------------

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
            return self._sort_header_data(section, role)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(Column):
            return None
        entry = self.row_at(index.row())
        if entry is None:
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, column)
        if role == BadgesRole:
            return entry.badges
        if role == CaseRole:
            return entry.case
        if role == Qt.ItemDataRole.ForegroundRole and (
            column == Column.SUSPECT and not entry.case.suspect_identified
        ):
            return QBrush(QUIET_FOREGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            Column.ACCEPTED_ON,
            Column.FILED_ON,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    # --- cells ---------------------------------------------------------------------------------

    def _display(self, entry: CaseEntry, column: Column) -> str:
        case = entry.case
        if column == Column.CASE_NO:
            return case.case_no
        if column == Column.AGENCY:
            return case.agency
        if column == Column.CAUSE:
            return case.cause or ""
        if column == Column.ACCEPTED_ON:
            return case.accepted_on.isoformat()
        if column == Column.FILED_ON:
            return case.filed_on.isoformat() if case.filed_on else ""
        if column == Column.PROGRESS:
            return progress(case)[0]
        if column == Column.SUSPECT:
            return self.tr("Identified") if case.suspect_identified else self.tr("Not identified")
        return describe(entry.badges)

    def _tooltip(self, entry: CaseEntry, column: Column) -> str | None:
        case = entry.case
        if column == Column.ANOMALIES:
            if not entry.badges:
                return self.tr("No open anomalies")
            return describe(entry.badges)
        if column == Column.PROGRESS:
            text, since = progress(case)
            return self.tr("{progress} since {date}").format(progress=text, date=since.isoformat())
        if column == Column.CASE_NO and case.officer:
            return self.tr("Officer: {name}").format(name=case.officer)
        return None
