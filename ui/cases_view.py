"""The cases page: filters, a windowed table with anomaly badges, and the selected case's
facts and history, with manual marking of an anomaly."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.anomaly_badges import BadgeDelegate, kind_label
from ui.case_detail import CaseDetail
from ui.cases_model import BadgesRole, CasesModel, Column
from ui.paged_view import PagedTableView
from ui.reason_dialog import ReasonDialog
from workstation.errors import PermissionDenied, WorkstationError
from workstation.services import review
from workstation.services.auth import Actor, require
from workstation.services.cases import CaseQuery, CaseRow, case_agencies
from workstation.store import Store
from workstation.vocab import ANOMALY_KIND

SEARCH_DELAY_MS = 300
SETTINGS_GROUP = "cases_view"

# Text each column should fit without eliding (the last column takes the rest).
_COLUMN_SAMPLES: dict[int, str] = {
    Column.CASE_NO: "江北公(马桥)刑受字〔2021〕0000号",
    Column.ANOMALIES: "有案不立　压案不查　",
    Column.AGENCY: "江州市公安局东湖分局湖滨派出所",
    Column.CAUSE: "故意伤害罪",
    Column.ACCEPTED_ON: "2021-00-00",
    Column.FILED_ON: "2021-00-00",
    Column.PROGRESS: "移送起诉（撤回起诉）",
}


class CasesView(QWidget):
    """The 案件 page. Filters go to the store (CaseQuery); selecting a row shows the case's
    history (services.review.case_history); "Mark anomaly…" records a reviewer's own finding
    through services.review.mark, for roles that may review.

    Signals: none of its own; `model.count_changed(int)` says how many cases match.
    """

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("casesView")
        self._store = store
        self._actor = actor
        self._settings = settings if settings is not None else QSettings()
        self._error_shown = False
        self.reason_dialog: ReasonDialog | None = None
        self._marking: CaseRow | None = None

        self.model = CasesModel(store, actor, CaseQuery(), parent=self)
        self.table = PagedTableView(self)
        self.table.setObjectName("casesTable")
        self.table.setSelectionMode(PagedTableView.SelectionMode.SingleSelection)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(Column.ANOMALIES, BadgeDelegate(BadgesRole, self.table))
        self.table.fit_columns(_COLUMN_SAMPLES)
        self.table.set_placeholder_text(self.tr("No cases match the filters."))

        self._build_filters()
        self.detail = CaseDetail(self)
        self.mark_action = QAction(self.tr("Mark anomaly…"), self)
        self.mark_action.setShortcut(QKeySequence("Ctrl+M"))
        self.mark_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.mark_action.setToolTip(
            self.tr("Record an anomaly you found in this case, with the reason (Ctrl+M)")
        )
        self.mark_action.triggered.connect(self.mark_anomaly)
        self.addAction(self.mark_action)
        self.mark_button = QPushButton(self.mark_action.text(), self)
        self.mark_button.setObjectName("markButton")
        self.mark_button.setToolTip(self.mark_action.toolTip())
        self.mark_button.clicked.connect(self.mark_action.trigger)
        self.mark_button.setEnabled(False)

        detail_pane = QWidget(self)
        detail_layout = QVBoxLayout(detail_pane)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.setSpacing(4)
        actions = QHBoxLayout()
        actions.setContentsMargins(8, 0, 8, 0)
        actions.addStretch(1)
        actions.addWidget(self.mark_button)
        detail_layout.addLayout(actions)
        detail_layout.addWidget(self.detail, 1)

        self.table.setMinimumWidth(320)
        detail_pane.setMinimumWidth(260)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("casesSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.addLayout(self._filter_bar)
        layout.addWidget(self.splitter, 1)

        self.model.count_changed.connect(self._show_count)
        self.model.load_failed.connect(self._report_load_failure)
        self.model.modelReset.connect(self._after_reset)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_sortable_indicator)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self._restore_state()
        self.table.setSortingEnabled(True)
        self._show_count(self.model.rowCount())

    # --- building ------------------------------------------------------------------------------

    def _build_filters(self) -> None:
        heading = QLabel(self.tr("Cases"), self)
        heading.setObjectName("heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)

        self.search = QLineEdit(self)
        self.search.setObjectName("caseSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search case no., agency, cause, complainant or officer")
        )
        self.search.setMinimumWidth(240)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)

        self.agency_combo = QComboBox(self)
        self.agency_combo.setObjectName("agencyFilter")
        self.agency_combo.setMinimumContentsLength(16)
        self.agency_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._fill_agencies()

        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("anomalyKindFilter")
        self.kind_combo.addItem(self.tr("Any anomaly kind"), None)
        for key, label in ANOMALY_KIND.choices():
            self.kind_combo.addItem(label, key)

        self.open_only = QCheckBox(self.tr("Open anomalies only"), self)
        self.open_only.setObjectName("openAnomaliesOnly")
        self.open_only.setToolTip(self.tr("Cases with a suspected or confirmed anomaly"))

        self.agency_combo.currentIndexChanged.connect(self.apply_filters)
        self.kind_combo.currentIndexChanged.connect(self.apply_filters)
        self.open_only.toggled.connect(self.apply_filters)

        self.legend = QLabel(self.tr("Badges: solid = confirmed, outlined = suspected"), self)
        self.legend.setObjectName("badgeLegend")
        self.legend.setEnabled(False)  # drawn in the muted colour: a key, not a control
        self.count_label = QLabel(self)
        self.count_label.setObjectName("caseCount")

        # Two rows, so that a laptop-sized window shows every filter whole.
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(heading)
        top.addSpacing(10)
        top.addWidget(self.search, 1)
        top.addSpacing(10)
        top.addWidget(self.count_label)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.agency_combo)
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.open_only)
        filters.addStretch(1)
        filters.addWidget(self.legend)
        bar = QVBoxLayout()
        bar.setSpacing(6)
        bar.addLayout(top)
        bar.addLayout(filters)
        self._filter_bar = bar

    def _fill_agencies(self) -> None:
        current = self.agency_combo.currentData()
        self.agency_combo.blockSignals(True)
        try:
            self.agency_combo.clear()
            self.agency_combo.addItem(self.tr("All agencies"), None)
            try:
                names = case_agencies(self._store, self._actor)
            except WorkstationError as exc:
                names = []
                self._report_load_failure(exc.message)
            for name in names:
                self.agency_combo.addItem(name, name)
            found = self.agency_combo.findData(current) if current else 0
            self.agency_combo.setCurrentIndex(max(found, 0))
        finally:
            self.agency_combo.blockSignals(False)

    # --- filters -------------------------------------------------------------------------------

    def current_query(self) -> CaseQuery:
        """The query the filter bar describes, in the model's current order."""
        agency = self.agency_combo.currentData()
        kind = self.kind_combo.currentData()
        return dataclasses.replace(
            self.model.query,
            search=self.search.text().strip() or None,
            agency=str(agency) if agency else None,
            anomaly_kind=str(kind) if kind else None,
            open_anomalies=self.open_only.isChecked(),
        )

    @Slot()
    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.current_query())

    @Slot()
    def refresh(self) -> None:
        """Reload the agencies, the count and the rows (after imports, scans or edits)."""
        self._error_shown = False
        self._fill_agencies()
        self.model.refresh()

    # --- the selected case ---------------------------------------------------------------------

    def selected_case(self) -> CaseRow | None:
        index = self.table.currentIndex()
        return self.model.case_at(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self.model.case_at(current.row()) if current.isValid() else None
        self.mark_button.setEnabled(case is not None)
        if case is None:
            self.detail.show_message(self.tr("Select a case to see its facts and history."))
            return
        self._show_case(case.id)

    def _show_case(self, case_id: int) -> None:
        try:
            history = review.case_history(self._store, self._actor, case_id)
        except WorkstationError as exc:
            self.detail.show_message(exc.message)
            return
        self.detail.show_history(history)

    @Slot()
    def _after_reset(self) -> None:
        self.mark_button.setEnabled(False)
        self.detail.show_message(self.tr("Select a case to see its facts and history."))

    # --- marking -------------------------------------------------------------------------------

    @Slot()
    def mark_anomaly(self) -> None:
        case = self.selected_case()
        if case is None:
            return
        try:
            require(self._actor, "anomaly.review")
        except PermissionDenied as exc:
            QMessageBox.information(
                self,
                self.tr("Mark anomaly"),
                self.tr("{refusal}. Ask an inspector to record this anomaly.").format(
                    refusal=exc.message
                ),
            )
            return
        subject = self.tr("Case {case_no} ({agency})").format(
            case_no=case.case_no, agency=case.agency
        )
        dialog = ReasonDialog(
            self.tr("Mark anomaly"),
            subject,
            self.tr("Mark"),
            kinds=ANOMALY_KIND.choices(),
            parent=self,
        )
        # Slots, not closures: the dialog must not hold a reference to this view.
        dialog.reason_given.connect(self._mark_with_reason)
        dialog.finished.connect(self._forget_dialog)
        self.reason_dialog = dialog
        self._marking = case
        dialog.open()

    @Slot(str, object)
    def _mark_with_reason(self, reason: str, kind: object) -> None:
        dialog, case = self.reason_dialog, self._marking
        if dialog is None or case is None:
            return
        try:
            self._mark(case, str(kind or ""), reason)
        except WorkstationError as exc:  # ValidationError included: its message lists problems
            dialog.show_error(exc.message)
            return
        dialog.succeed()
        self._after_mark(case)

    def _mark(self, case: CaseRow, kind: str, reason: str) -> review.AnomalyRow:
        # An open rule flag of the same kind is decided in the review queue, not marked again:
        # say so in the words of this window rather than the command line's.
        history = self.detail.history
        if history is not None and history.case.id == case.id:
            for flag in history.flags:
                if flag.kind == kind and flag.state == "suspected":
                    message = self.tr(
                        "Flag #{id} ({kind}) is open on this case: confirm it in the review queue."
                    )
                    raise WorkstationError(message.format(kind=kind_label(kind), id=flag.id))
        return review.mark(self._store, self._actor, case.id, kind, reason)

    def _after_mark(self, case: CaseRow) -> None:
        row = self.table.currentIndex().row()
        self.model.refresh()
        # The case keeps its row unless the filters now place it elsewhere.
        same = self.model.case_at(row)
        found = row if same is not None and same.id == case.id else self.model.row_of_case(case.id)
        if found >= 0:
            self.select_row(found)
        else:
            self._show_case(case.id)

    @Slot()
    def _forget_dialog(self) -> None:
        dialog, self.reason_dialog, self._marking = self.reason_dialog, None, None
        if dialog is not None:
            dialog.deleteLater()

    # --- display -------------------------------------------------------------------------------

    @Slot(int)
    def _show_count(self, count: int) -> None:
        self.count_label.setText(self.tr("{count} cases").format(count=f"{count:,}"))

    @Slot(int, Qt.SortOrder)
    def _keep_sortable_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        if not self.model.is_sortable(column):
            self.table.horizontalHeader().setSortIndicator(
                self.model.sort_column(), self.model.sort_order()
            )

    @Slot(str)
    def _report_load_failure(self, message: str) -> None:
        if not self._error_shown:
            self._error_shown = True
            # Queued: the failure is reported from inside painting or a model reset.
            QTimer.singleShot(0, self, lambda: self._show_error(message))

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Cannot read the store"), message)

    # --- state ---------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        s = self._settings
        header = self.table.horizontalHeader()
        columns = s.value(f"{SETTINGS_GROUP}/columns")
        if isinstance(columns, QByteArray) and not columns.isEmpty():
            header.restoreState(columns)
        splitter = s.value(f"{SETTINGS_GROUP}/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([1060, 380])
        widgets: list[QWidget] = [self.search, self.agency_combo, self.kind_combo, self.open_only]
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.setText(str(s.value(f"{SETTINGS_GROUP}/search", "") or ""))
            agency = s.value(f"{SETTINGS_GROUP}/agency")
            if agency:
                self.agency_combo.setCurrentIndex(max(self.agency_combo.findData(agency), 0))
            kind = s.value(f"{SETTINGS_GROUP}/anomaly_kind")
            if kind:
                self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
            self.open_only.setChecked(str(s.value(f"{SETTINGS_GROUP}/open_only", "")) == "true")
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        query = self.current_query()
        order_by = str(s.value(f"{SETTINGS_GROUP}/order_by", query.order_by))
        if order_by in self.model.SORT_KEYS.values():
            descending = str(s.value(f"{SETTINGS_GROUP}/descending", "true")) == "true"
            query = dataclasses.replace(query, order_by=order_by, descending=descending)
        self.model.set_query(query)
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())

    def save_state(self) -> None:
        s = self._settings
        s.setValue(f"{SETTINGS_GROUP}/columns", self.table.horizontalHeader().saveState())
        s.setValue(f"{SETTINGS_GROUP}/splitter", self.splitter.saveState())
        query = self.model.query
        s.setValue(f"{SETTINGS_GROUP}/search", self.search.text())
        s.setValue(f"{SETTINGS_GROUP}/agency", self.agency_combo.currentData() or "")
        s.setValue(f"{SETTINGS_GROUP}/anomaly_kind", self.kind_combo.currentData() or "")
        s.setValue(f"{SETTINGS_GROUP}/open_only", "true" if self.open_only.isChecked() else "")
        s.setValue(f"{SETTINGS_GROUP}/order_by", query.order_by)
        s.setValue(f"{SETTINGS_GROUP}/descending", "true" if query.descending else "false")
        s.sync()

    def hideEvent(self, event: QHideEvent) -> None:
        # Pages are hidden when the user moves to another one or the window closes.
        self.save_state()
        super().hideEvent(event)
