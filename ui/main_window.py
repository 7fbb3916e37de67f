"""The main window: the store's leads in a searchable, sortable table."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.leads_model import OVERDUE_FOREGROUND, Column, LeadsModel
from workstation.errors import WorkstationError
from workstation.services.auth import Actor, role_label
from workstation.services.leads import LeadQuery, count_leads
from workstation.store import Store

SEARCH_DELAY_MS = 300
DEFAULT_SIZE = (1360, 800)
MINIMUM_SIZE = (760, 420)

# Text each column should fit without eliding (the summary column takes the rest).
_COLUMN_SAMPLES: dict[Column, str] = {
    Column.REF: "XS2021-00000",
    Column.RECEIVED_ON: "2021-00-00",
    Column.CHANNEL: "网络举报",
    Column.SUBJECT: "欧阳某某（副庭长）",
    Column.SUBJECT_UNIT: "某某市某某区人民法院某某法庭",
    Column.CATEGORY: "违规违法减刑、假释、暂予",
    Column.STATUS: "暂存待查",
    Column.DUE_ON: "2021-00-00",
}


def _thousands(n: int) -> str:
    return f"{n:,}"


class LeadsTableView(QTableView):
    """A table view set up for a windowed model: uniform rows, nothing that reads every row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self.setObjectName("leadsTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setCornerButtonEnabled(False)
        rows = self.verticalHeader()
        rows.setVisible(False)
        # Fixed heights: resizing rows to contents would fetch every row of the store.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        columns = self.horizontalHeader()
        columns.setSectionsMovable(True)
        columns.setHighlightSections(False)
        columns.setStretchLastSection(True)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        columns.setSortIndicatorShown(True)

    def set_placeholder_text(self, text: str) -> None:
        """What the empty table says (no leads, or none matching the search)."""
        self._placeholder = text
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() > 0 or not self._placeholder:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(0, 24, 0, 0)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.drawText(area, int(flags), self._placeholder)
        painter.end()

    def fit_columns(self) -> None:
        """Widths from the font: each column fits its typical content and its title."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        model = self.model()
        arrow_and_margins = 36
        for column, sample in _COLUMN_SAMPLES.items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(
                metrics.horizontalAdvance(sample) + 16,
                metrics.horizontalAdvance(title) + arrow_and_margins,
            )
            header.resizeSection(column, width)


class MainWindow(QMainWindow):
    """The first window: the leads of the open store, with search, sorting and a status bar."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._actor = actor
        self._settings = settings if settings is not None else QSettings()
        self._error_shown = False
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Case Supervision Workstation"))
        # Explicit, so the layout never changes the window's minimum size once it is on screen
        # (text changes in the bar would otherwise resend size hints to the window system).
        self.setMinimumSize(*MINIMUM_SIZE)

        self.model = LeadsModel(store, actor, LeadQuery(), today=today, parent=self)
        self.table = LeadsTableView(self)
        self.table.setModel(self.model)
        self.table.fit_columns()
        self.table.set_placeholder_text(self.tr("No leads match."))

        self.search = QLineEdit(self)
        self.search.setObjectName("leadSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(
            self.tr("Search lead no., subject, unit, case no. or summary  (Ctrl+F)")
        )
        self.search.setMinimumWidth(420)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("leadCount")

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_search)

        heading = QLabel(self.tr("Leads"), self)
        heading.setObjectName("heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)

        legend = QLabel(self)
        legend.setObjectName("overdueLegend")
        self.legend = legend
        legend_palette = legend.palette()
        legend_palette.setColor(QPalette.ColorRole.WindowText, OVERDUE_FOREGROUND)
        legend.setPalette(legend_palette)

        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addSpacing(16)
        bar.addWidget(self.search, 1)
        bar.addSpacing(12)
        bar.addWidget(legend)
        bar.addSpacing(12)
        bar.addWidget(self.count_label)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)

        self.store_label = QLabel(self.tr("Store: {path}").format(path=store.describe()), self)
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.user_label = QLabel(
            self.tr("User: {name} ({role})").format(
                name=actor.display_name, role=role_label(actor.role)
            ),
            self,
        )
        self.total_label = QLabel(self)
        status = self.statusBar()
        status.addWidget(self.store_label, 1)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.total_label)

        self._build_actions()
        self.model.count_changed.connect(self._show_count)
        self._show_legend()
        self.model.load_failed.connect(self._report_load_failure)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_sortable_indicator)
        self._restore_state()
        # The header's indicator (saved or default) becomes the model's order.
        self.table.setSortingEnabled(True)
        self._show_count(self.model.rowCount())
        self._show_total()

    # --- actions ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.refresh_action = QAction(self.tr("&Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.find_action = QAction(self.tr("&Find…"), self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self.focus_search)
        self.quit_action = QAction(self.tr("&Quit"), self)
        # Spelled out: the platform's standard Quit key is empty on Windows.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction(self.tr("&About"), self)
        self.about_action.triggered.connect(self.show_about)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.find_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot()
    def apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search.text())

    def _show_legend(self) -> None:
        """Overdue is judged as of a date (today, or the end of a finished campaign): say which."""
        self.legend.setText(
            self.tr("Red: overdue as of {date}, not concluded").format(
                date=self.model.as_of.isoformat()
            )
        )

    @Slot()
    def refresh(self) -> None:
        self._error_shown = False
        self.model.refresh()
        self._show_total()
        self._show_legend()

    @Slot()
    def show_about(self) -> None:
        from workstation import __version__

        QMessageBox.about(
            self,
            self.tr("About"),
            self.tr("Case Supervision Workstation {version}").format(version=__version__),
        )

    # --- display ----------------------------------------------------------------------------

    @Slot(int)
    def _show_count(self, count: int) -> None:
        self.count_label.setText(self.tr("Total {count}").format(count=_thousands(count)))

    def _show_total(self) -> None:
        try:
            # Counting is the slow part of a reload: reuse the model's count when it is the total.
            if self.model.is_filtered():
                total = count_leads(self._store, self._actor, LeadQuery())
            else:
                total = self.model.rowCount()
        except WorkstationError as exc:
            self.total_label.clear()
            self._report_load_failure(exc.message)
            return
        self.total_label.setText(self.tr("{count} leads in store").format(count=_thousands(total)))

    @Slot(int, Qt.SortOrder)
    def _keep_sortable_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        # A column the store cannot sort by must not pretend to be the sort column.
        if not self.model.is_sortable(column):
            self.table.horizontalHeader().setSortIndicator(
                self.model.sort_column(), self.model.sort_order()
            )

    @Slot(str)
    def _report_load_failure(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        if not self._error_shown:
            self._error_shown = True
            # Queued: the failure is reported from inside painting or a model reset.
            QTimer.singleShot(0, self, lambda: self._show_error(message))

    def _show_error(self, message: str) -> None:
        QMessageBox.warning(self, self.tr("Cannot read the store"), message)

    # --- state ------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        header = self.table.horizontalHeader()
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        geometry = self._settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(self._default_size())
        state = self._settings.value("main_window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        columns = self._settings.value("main_window/leads_columns")
        if isinstance(columns, QByteArray) and not columns.isEmpty():
            header.restoreState(columns)
        if not self.model.is_sortable(header.sortIndicatorSection()):
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())

    def _default_size(self) -> QSize:
        """DEFAULT_SIZE, shrunk to fit the screen (small laptops are common in the field)."""
        size = QSize(*DEFAULT_SIZE)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry().size()
            size = size.boundedTo(
                QSize(available.width() * 95 // 100, available.height() * 9 // 10)
            )
        return size.expandedTo(self.minimumSize())

    def save_state(self) -> None:
        self._settings.setValue("main_window/geometry", self.saveGeometry())
        self._settings.setValue("main_window/state", self.saveState())
        self._settings.setValue(
            "main_window/leads_columns", self.table.horizontalHeader().saveState()
        )
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._search_timer.stop()
        self.save_state()
        super().closeEvent(event)
