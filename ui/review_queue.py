"""The review queue (异常审查): suspected anomalies one after another, the case's facts beside
the rule's explanation, decided from the keyboard (C confirm, D dismiss, J next, K previous)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.case_detail import CaseDetail
from ui.flag_panel import FlagPanel
from ui.jobs import BackgroundJob, attach_progress_dialog
from ui.reason_dialog import ReasonDialog
from ui.review_queue_model import AnomalyQueueModel, QueueDelegate
from ui.shortcuts import page_action
from workstation.errors import WorkstationError
from workstation.services import review
from workstation.services.auth import Actor, can
from workstation.services.cases import case_agencies
from workstation.store import Store
from workstation.vocab import ANOMALY_KIND, ANOMALY_STATE

SETTINGS_GROUP = "review_queue"
RECENT_REASONS = 20
MIN_PANE_WIDTH = 260
# Narrower than this, the flag and the case's facts stack (flag on top) instead of sitting
# side by side: three columns would each be too narrow to read.
SIDE_BY_SIDE_WIDTH = 1150


class ReviewQueue(QWidget):
    """The 异常审查 page. The left list holds the anomalies of the filters (suspected ones by
    default, oldest first); the right side shows the selected one's case facts and history
    beside the flag and its explanation. C confirms, D dismisses (each asks for the reason the
    service requires), R reopens a decided one, J/K move; after a decision the next item is
    selected. Roles without "anomaly.review" get the same page read-only.

    Signals: none of its own; `model.count_changed(int)` follows the list.
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
        self.setObjectName("reviewQueue")
        self._store = store
        self._actor = actor
        self._settings = settings if settings is not None else QSettings()
        self._may_decide = can(actor, "anomaly.review")
        self._error_shown = False
        self.reason_dialog: ReasonDialog | None = None
        # The decision the open dialog is for: (decision, flag, its row).
        self._pending: tuple[str, review.AnomalyRow, int] | None = None

        self.model = AnomalyQueueModel(store, actor, self._query_from_settings(), parent=self)
        self.list = QListView(self)
        self.list.setObjectName("queueList")
        # Uniform rows: the list asks one row for its size, not every row of the store.
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setAlternatingRowColors(True)
        self.list.setModel(self.model)
        self.list.setItemDelegate(QueueDelegate(self.model, self.list))
        self.list.setMinimumWidth(MIN_PANE_WIDTH)
        # The rows elide to the list's width; sideways scrolling would hide the badges.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.detail = CaseDetail(self)
        self.flag_panel = FlagPanel(self)
        self._build_bar()
        self._build_actions()

        decide = QWidget(self)
        decide_layout = QVBoxLayout(decide)
        decide_layout.setContentsMargins(0, 0, 0, 0)
        decide_layout.setSpacing(8)
        decide_layout.addWidget(self.flag_panel)
        decide_layout.addWidget(self._buttons_row())
        self.keys_label = QLabel(self)
        self.keys_label.setObjectName("keysHint")
        self.keys_label.setEnabled(False)  # muted: a reminder, not a control
        self.keys_label.setContentsMargins(16, 0, 16, 0)
        self.keys_label.setText(
            self.tr("C confirm · D dismiss · R reopen · J next · K previous")
            if self._may_decide
            else self.tr("J next · K previous")
        )
        self.read_only_label = QLabel(self)
        self.read_only_label.setObjectName("readOnlyNotice")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setContentsMargins(16, 0, 16, 0)
        self.read_only_label.setText(
            self.tr("Read only: confirming and dismissing anomalies needs an inspector's role.")
        )
        self.read_only_label.setVisible(not self._may_decide)
        decide_layout.addWidget(self.read_only_label)
        decide_layout.addWidget(self.keys_label)
        decide_layout.addStretch(1)

        self.detail.setMinimumWidth(MIN_PANE_WIDTH)
        decide.setMinimumWidth(MIN_PANE_WIDTH)
        self._decide_pane = decide
        self.sides = QSplitter(Qt.Orientation.Horizontal, self)
        self.sides.setObjectName("reviewSides")
        self.sides.addWidget(self.detail)
        self.sides.addWidget(decide)
        self.sides.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reviewSplitter")
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.sides)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.addLayout(self._bar)
        self.scan_label = QLabel(self)
        self.scan_label.setObjectName("scanResult")
        self.scan_label.setWordWrap(True)
        self.scan_label.hide()
        layout.addWidget(self.scan_label)
        layout.addWidget(self.splitter, 1)

        self.model.count_changed.connect(self._show_counts)
        self.model.load_failed.connect(self._report_load_failure)
        self.list.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self._restore_layout()
        self._show_counts()
        self._select(0)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building ------------------------------------------------------------------------------

    def _build_bar(self) -> None:
        heading = QLabel(self.tr("Anomaly review"), self)
        heading.setObjectName("heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)

        query = self.model.query
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("queueKindFilter")
        self.kind_combo.addItem(self.tr("Any anomaly kind"), None)
        for key, label in ANOMALY_KIND.choices():
            self.kind_combo.addItem(label, key)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(query.kind), 0))

        self.agency_combo = QComboBox(self)
        self.agency_combo.setObjectName("queueAgencyFilter")
        self.agency_combo.setMinimumContentsLength(12)
        self.agency_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._fill_agencies(query.agency_name)

        self.state_combo = QComboBox(self)
        self.state_combo.setObjectName("queueStateFilter")
        self.state_combo.addItem(self.tr("Awaiting review"), "suspected")
        for key, label in ANOMALY_STATE.choices():
            if key != "suspected":
                self.state_combo.addItem(label, key)
        self.state_combo.addItem(self.tr("All states"), None)
        self.state_combo.setCurrentIndex(max(self.state_combo.findData(query.state), 0))

        for combo in (self.kind_combo, self.agency_combo, self.state_combo):
            combo.currentIndexChanged.connect(self.apply_filters)

        self.remaining_label = QLabel(self)
        self.remaining_label.setObjectName("remainingCount")
        big = self.remaining_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.15)
        big.setBold(True)
        self.remaining_label.setFont(big)
        self.listed_label = QLabel(self)
        self.listed_label.setObjectName("listedCount")
        self.listed_label.setEnabled(False)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(heading)
        bar.addSpacing(10)
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.agency_combo, 1)
        bar.addWidget(self.state_combo)
        bar.addStretch(1)
        bar.addWidget(self.listed_label)
        bar.addSpacing(10)
        bar.addWidget(self.remaining_label)
        self.scan_button = QPushButton(self.tr("Scan all cases…"), self)
        self.scan_button.setObjectName("scanButton")
        self.scan_button.setToolTip(
            self.tr("Run every rule over every case and list what it finds (F9)")
        )
        self.scan_button.clicked.connect(self.run_scan)
        scan_action = QAction(self)
        scan_action.setShortcut(QKeySequence(Qt.Key.Key_F9))
        scan_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        scan_action.triggered.connect(self.run_scan)
        self.addAction(scan_action)
        self.scan_button.setVisible(can(self._actor, "anomaly.scan"))
        bar.addSpacing(10)
        bar.addWidget(self.scan_button)
        self._scan_job: BackgroundJob | None = None
        self.scan_message = ""
        self._bar = bar

    def _fill_agencies(self, current: str | None) -> None:
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

    def _action(self, text: str, key: str, slot: Any) -> QAction:
        return page_action(self, text, key, slot)

    def _build_actions(self) -> None:
        self.next_action = self._action(self.tr("Next"), "J", self.next_item)
        self.previous_action = self._action(self.tr("Previous"), "K", self.previous_item)
        self.confirm_action = self._action(self.tr("Confirm…"), "C", self.confirm_current)
        self.dismiss_action = self._action(self.tr("Dismiss…"), "D", self.dismiss_current)
        self.reopen_action = self._action(self.tr("Reopen…"), "R", self.reopen_current)
        if not self._may_decide:
            for action in (self.confirm_action, self.dismiss_action, self.reopen_action):
                action.setEnabled(False)
                action.setVisible(False)

    def _buttons_row(self) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(16, 0, 16, 0)
        layout.setSpacing(8)

        def button(action: QAction, key: str, name: str) -> QPushButton:
            widget = QPushButton(f"{action.text()}  {key}", row)
            widget.setObjectName(name)
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys act on the list
            widget.clicked.connect(action.trigger)
            widget.setEnabled(action.isEnabled())
            widget.setVisible(action.isVisible())
            action.enabledChanged.connect(widget.setEnabled)
            return widget

        self.confirm_button = button(self.confirm_action, "C", "confirmButton")
        self.dismiss_button = button(self.dismiss_action, "D", "dismissButton")
        self.reopen_button = button(self.reopen_action, "R", "reopenButton")
        # Offered only on a decided flag: on the usual, suspected one it would be noise.
        self.reopen_button.setVisible(self.reopen_action.isEnabled())
        self.reopen_action.enabledChanged.connect(self.reopen_button.setVisible)
        self.previous_button = button(self.previous_action, "K", "previousButton")
        self.next_button = button(self.next_action, "J", "nextButton")
        for widget in (self.confirm_button, self.dismiss_button, self.reopen_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        return row

    # --- filters and counts --------------------------------------------------------------------

    def current_query(self) -> review.AnomalyQuery:
        kind = self.kind_combo.currentData()
        agency = self.agency_combo.currentData()
        state = self.state_combo.currentData()
        return dataclasses.replace(
            self.model.query,
            kind=str(kind) if kind else None,
            agency_name=str(agency) if agency else None,
            state=str(state) if state else None,
        )

    @Slot()
    def apply_filters(self) -> None:
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)
            self._select(0)
        self._save_filters()

    @Slot()
    def run_scan(self) -> BackgroundJob | None:
        """The anomaly scan (services.review.scan) off the GUI thread, with progress and
        cancel (a cancelled scan writes nothing); then the queue shows what it found."""
        if not can(self._actor, "anomaly.scan") or (
            self._scan_job is not None and not self._scan_job.done
        ):
            return None
        store, actor = self._store, self._actor

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return review.scan(store, actor, progress=progress, cancel=cancelled)

        job = BackgroundJob(work, self)
        self._scan_job = job
        attach_progress_dialog(
            job, self.tr("Scanning every case for anomalies…"), self, cancellable=True
        )
        job.succeeded.connect(self._scanned)
        job.failed.connect(self._scan_failed)
        self.scan_button.setEnabled(False)
        job.start()
        return job

    @Slot(object)
    def _scanned(self, result: object) -> None:
        self.scan_button.setEnabled(True)
        self.scan_message = self.tr(
            "Scan as of {date}: {cases} cases, {new} new suspected, {closed} closed "
            "automatically, {reopened} suspected again"
        ).format(
            date=getattr(result, "as_of", ""),
            cases=f"{getattr(result, 'cases', 0):,}",
            new=getattr(result, "new", 0),
            closed=getattr(result, "closed", 0),
            reopened=getattr(result, "reopened", 0),
        )
        self._show_scan_message()
        self.refresh()

    @Slot(object)
    def _scan_failed(self, exc: object) -> None:
        self.scan_button.setEnabled(True)
        if self._scan_job is not None and self._scan_job.is_cancelled():
            self.scan_message = self.tr("Scan cancelled: nothing was changed.")
        elif isinstance(exc, WorkstationError):
            self.scan_message = exc.message
        else:
            raise exc if isinstance(exc, BaseException) else RuntimeError(str(exc))
        self._show_scan_message()

    def _show_scan_message(self) -> None:
        self.scan_label.setText(self.scan_message)
        self.scan_label.setVisible(bool(self.scan_message))

    @Slot()
    def refresh(self) -> None:
        """Reload the agencies, the list and the counts (after a scan or an import)."""
        self._error_shown = False
        row = self.current_row()
        self._fill_agencies(self.agency_combo.currentData())
        self.model.refresh()
        self._show_counts()
        self._select(max(row, 0))

    def remaining(self) -> int:
        """Suspected anomalies left under the kind and agency filters, whatever state is shown."""
        query = dataclasses.replace(self.model.query, state="suspected")
        if query == self.model.query:
            return self.model.rowCount()
        try:
            return review.count_anomalies(self._store, self._actor, query)
        except WorkstationError as exc:
            self._report_load_failure(exc.message)
            return 0

    @Slot()
    def _show_counts(self) -> None:
        left = self.remaining()
        self.remaining_label.setText(self.tr("{count} left").format(count=f"{left:,}"))
        showing_queue = self.model.query.state == "suspected"
        self.listed_label.setVisible(not showing_queue)
        if not showing_queue:
            self.listed_label.setText(
                self.tr("{count} listed").format(count=f"{self.model.rowCount():,}")
            )

    # --- moving --------------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else -1

    def current_flag(self) -> review.AnomalyRow | None:
        row = self.current_row()
        return self.model.anomaly_at(row) if row >= 0 else None

    def _select(self, row: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            self._show_empty()
            return
        row = min(max(row, 0), count - 1)
        index = self.model.index(row, 0)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.list.scrollTo(index)

    @Slot()
    def next_item(self) -> None:
        self._select(self.current_row() + 1)

    @Slot()
    def previous_item(self) -> None:
        self._select(self.current_row() - 1 if self.current_row() > 0 else 0)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        flag = self.model.anomaly_at(current.row()) if current.isValid() else None
        if flag is None:
            self._show_empty()
            return
        self._show_flag(flag)

    def _show_flag(self, flag: review.AnomalyRow) -> None:
        try:
            history = review.case_history(self._store, self._actor, flag.case_id)
        except WorkstationError as exc:
            self.detail.show_message(exc.message)
            self.flag_panel.show_flag(flag)
        else:
            self.detail.show_history(history, with_flags=False)
            self.flag_panel.show_flag(flag, history.flags)
        self._enable_decisions(flag)

    def _enable_decisions(self, flag: review.AnomalyRow | None) -> None:
        may = self._may_decide and flag is not None
        state = flag.state if flag is not None else ""
        self.confirm_action.setEnabled(may and state != "confirmed")
        self.dismiss_action.setEnabled(may and state != "dismissed")
        self.reopen_action.setEnabled(may and state in ("confirmed", "dismissed"))
        self.next_action.setEnabled(flag is not None)
        self.previous_action.setEnabled(flag is not None)

    def _show_empty(self) -> None:
        self._enable_decisions(None)
        if self.model.query.state == "suspected":
            if self.model.query != review.AnomalyQuery(state="suspected"):
                text = self.tr("Nothing awaits review under these filters.")
            else:
                text = self.tr("The queue is clear: no suspected anomalies await review.")
        else:
            text = self.tr("No anomalies match the filters.")
        self.flag_panel.show_message(text)
        self.detail.show_message("")

    # --- deciding ------------------------------------------------------------------------------

    @Slot()
    def confirm_current(self) -> None:
        self._ask("confirm")

    @Slot()
    def dismiss_current(self) -> None:
        self._ask("dismiss")

    @Slot()
    def reopen_current(self) -> None:
        self._ask("reopen")

    def _ask(self, decision: str) -> None:
        flag = self.current_flag()
        if flag is None or not self._may_decide or self.reason_dialog is not None:
            return
        titles = {
            "confirm": (self.tr("Confirm anomaly"), self.tr("Confirm")),
            "dismiss": (self.tr("Dismiss anomaly"), self.tr("Dismiss")),
            "reopen": (self.tr("Reopen anomaly"), self.tr("Reopen")),
        }
        title, verb = titles[decision]
        subject = self.tr("#{id} {kind} in case {case_no} ({agency}): {explanation}").format(
            id=flag.id,
            kind=ANOMALY_KIND.label(flag.kind),
            case_no=flag.case_no,
            agency=flag.agency,
            explanation=flag.explanation,
        )
        dialog = ReasonDialog(
            title,
            subject,
            verb,
            required=decision != "reopen",
            suggestions=self._recent_reasons(),
            parent=self,
        )
        # Slots, not closures: the dialog must not hold a reference to this page.
        dialog.reason_given.connect(self._decide_with_reason)
        dialog.finished.connect(self._forget_dialog)
        self.reason_dialog = dialog
        self._pending = (decision, flag, self.current_row())
        dialog.open()

    @Slot(str, object)
    def _decide_with_reason(self, reason: str, _kind: object) -> None:
        dialog, pending = self.reason_dialog, self._pending
        if dialog is None or pending is None:
            return
        decision, flag, row = pending
        act = {"confirm": review.confirm, "dismiss": review.dismiss, "reopen": review.reopen}
        try:
            decided = act[decision](
                self._store, self._actor, flag.id, reason, expected_state=flag.state
            )
        except WorkstationError as exc:  # ValidationError included: its message lists problems
            dialog.show_error(exc.message)
            return
        if reason:
            self._remember_reason(reason)
        dialog.succeed()
        self.model.refresh()
        self._reselect(decided.id, row)

    def _reselect(self, anomaly_id: int | None, row: int) -> None:
        """After the list changed: the item after the one just decided, which now sits in its
        row when the decision took it off the list, or in the next row when it stayed."""
        self._show_counts()
        if self.model.rowCount() == 0:
            self._show_empty()
            return
        same = self.model.anomaly_at(row)
        if same is not None and same.id == anomaly_id:
            row += 1
        self._select(row)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _forget_dialog(self) -> None:
        dialog, self.reason_dialog, self._pending = self.reason_dialog, None, None
        if dialog is not None:
            dialog.deleteLater()
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- remembered things ---------------------------------------------------------------------

    def _recent_reasons(self) -> list[str]:
        value = self._settings.value(f"{SETTINGS_GROUP}/recent_reasons", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value or []]

    def _remember_reason(self, reason: str) -> None:
        recent = [reason] + [r for r in self._recent_reasons() if r != reason]
        self._settings.setValue(f"{SETTINGS_GROUP}/recent_reasons", recent[:RECENT_REASONS])

    def _query_from_settings(self) -> review.AnomalyQuery:
        s = self._settings
        kind = str(s.value(f"{SETTINGS_GROUP}/kind", "") or "") or None
        agency = str(s.value(f"{SETTINGS_GROUP}/agency", "") or "") or None
        state = str(s.value(f"{SETTINGS_GROUP}/state", "suspected") or "") or None
        return review.AnomalyQuery(
            kind=kind if kind in ANOMALY_KIND else None,
            agency_name=agency,
            state=state if state in ANOMALY_STATE else None,
        )

    def _save_filters(self) -> None:
        query = self.model.query
        s = self._settings
        s.setValue(f"{SETTINGS_GROUP}/kind", query.kind or "")
        s.setValue(f"{SETTINGS_GROUP}/agency", query.agency_name or "")
        s.setValue(f"{SETTINGS_GROUP}/state", query.state or "")

    def _restore_layout(self) -> None:
        for name, splitter, default in (
            ("splitter", self.splitter, [340, 1060]),
            ("sides", self.sides, [560, 500]),
        ):
            state = self._settings.value(f"{SETTINGS_GROUP}/{name}")
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)
            else:
                splitter.setSizes(default)

    def save_state(self) -> None:
        self._settings.setValue(f"{SETTINGS_GROUP}/splitter", self.splitter.saveState())
        self._settings.setValue(f"{SETTINGS_GROUP}/sides", self.sides.saveState())
        self._save_filters()
        self._settings.sync()

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_state()
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_sides(event.size().width())

    def _arrange_sides(self, width: int) -> None:
        side_by_side = width >= SIDE_BY_SIDE_WIDTH
        wanted = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
        # Side by side: the facts on the left, the flag beside them; stacked: the flag first.
        first = self.detail if side_by_side else self._decide_pane
        if self.sides.orientation() == wanted and self.sides.widget(0) is first:
            return
        self.sides.setOrientation(wanted)
        self.sides.insertWidget(0, first)
        if not side_by_side:  # the flag as tall as it needs, the facts below take the rest
            flag_height = self._decide_pane.sizeHint().height()
            self.sides.setSizes([flag_height, max(self.sides.height() - flag_height, 1)])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Arriving on the page (Ctrl+4, a click in the navigation), the keys work at once.
        if self.reason_dialog is None:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- failures ------------------------------------------------------------------------------

    @Slot(str)
    def _report_load_failure(self, message: str) -> None:
        if not self._error_shown:
            self._error_shown = True
            QTimer.singleShot(0, self, lambda: self._show_error(message))

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Cannot read the store"), message)
