"""The main window: pages in a side list (leads, cases, review...), menus, toolbar, status bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QSettings,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    SignalInstance,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QToolBar,
    QUndoView,
    QWidget,
)

from ui.first_look import save_snapshot
from ui.jobs import BackgroundJob
from ui.leads_model import LeadsModel
from ui.leads_view import LeadsView
from ui.navigation import PAGE_KEYS, NavigationList, PagePlaceholder, page_title
from workstation import search
from workstation.errors import WorkstationError
from workstation.services.auth import IMPLICIT_ADMIN, Actor, can, role_label
from workstation.store import Store

DEFAULT_SIZE = (1360, 800)
MINIMUM_SIZE = (760, 420)
DEFAULT_PAGE = "leads"
STATUS_MESSAGE_MS = 10_000


def _thousands(n: int) -> str:
    return f"{n:,}"


class MainWindow(QMainWindow):
    """The workstation's window: a side list of pages over a stack of views.

    Pages are keyed ("overview", "leads", "cases", "review", "import", "briefs", "settings",
    "exchange"; the last is hidden from roles that do not decide exchange conflicts).
    The leads page is made at once; the others when first shown (their modules load then,
    which keeps start-up quick). `set_page` plugs in another widget for a key. Ctrl+1..8
    switch pages; the last page, the geometry and the leads view's layout are remembered.
    Edits anywhere share one undo stack (Edit menu, Ctrl+Z / Ctrl+Shift+Z).

    A page may offer `shutdown()` and `save_state()` (called when the window closes),
    `show_filters(mapping)` (called by `open_list`, e.g. from the dashboard's tiles) and a
    `status_message(str)` signal (shown in the status bar).
    """

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
        self._today = today
        self._factories = self._page_factories()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)  # a spreadsheet dropped on the window opens the import wizard
        self.setWindowTitle(self.tr("Case Supervision Workstation"))
        # Explicit, so the layout never changes the window's minimum size once it is on screen
        # (text changes in the bars would otherwise resend size hints to the window system).
        self.setMinimumSize(*MINIMUM_SIZE)

        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(200)
        self.navigation = NavigationList(self)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pages")
        self.pages: dict[str, QWidget] = {}
        for key in PAGE_KEYS:
            placeholder = PagePlaceholder(key, self.stack)
            self.pages[key] = placeholder
            self.stack.addWidget(placeholder)

        self.leads_view = LeadsView(
            store,
            actor,
            undo_stack=self.undo_stack,
            settings=self._settings,
            today=today,
            parent=self.stack,
        )
        self.set_page("leads", self.leads_view)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._hidden_pages = self._pages_hidden_from_role()
        self._build_status_bar()
        self._build_actions()
        self._hide_pages()
        self._build_undo_history()
        self._window_shortcuts = {
            action: action.shortcuts()
            for action in (self.leads_view.new_action, self.undo_action, self.redo_action)
        }
        self.navigation.page_chosen.connect(self.show_page)
        self.leads_view.total_changed.connect(self._show_total)
        self._restore_state()
        self.leads_view.update_total()
        self._index_job: BackgroundJob | None = None
        # Leads an upgrade or an interrupted import left unindexed: indexed in the background
        # (searches find them meanwhile, more slowly).
        QTimer.singleShot(0, self, self.index_search)

    # --- pages ------------------------------------------------------------------------------

    def set_page(self, key: str, widget: QWidget) -> None:
        """Show `widget` as the page `key` (replacing its placeholder or an earlier view)."""
        if key not in PAGE_KEYS:
            raise KeyError(f"unknown page {key!r}; pages are {', '.join(PAGE_KEYS)}")
        old = self.pages[key]
        if old is widget:
            return
        was_current = self.stack.currentWidget() is old
        index = self.stack.indexOf(old)
        self.stack.insertWidget(index, widget)
        self.stack.removeWidget(old)
        self.pages[key] = widget
        status_message = getattr(widget, "status_message", None)
        if isinstance(status_message, SignalInstance):
            status_message.connect(self._show_message)
        if was_current:
            self.stack.setCurrentWidget(widget)
        if isinstance(old, PagePlaceholder):
            old.deleteLater()

    def current_page(self) -> str:
        current = self.stack.currentWidget()
        return next(key for key, page in self.pages.items() if page is current)

    def page(self, key: str) -> QWidget:
        """The page's widget, made now if it has not been shown yet."""
        widget = self.pages[key]
        factory = self._factories.pop(key, None)
        if factory is not None and isinstance(widget, PagePlaceholder):
            self.set_page(key, factory())
        return self.pages[key]

    @Slot(str)
    def show_page(self, key: str) -> None:
        if key in self._hidden_pages:
            return
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        self.navigation.set_current_key(key)
        self._page_actions[key].setChecked(True)
        self.leads_view.set_active(key == "leads")
        # The toolbar's actions are the leads page's: elsewhere it would only show them greyed.
        self.toolbar.setVisible(key == "leads")
        self._yield_shortcuts_to(page)
        self._settings.setValue("main_window/page", key)

    def open_list(self, target: str, filters: Mapping[str, Any]) -> None:
        """Show the page `target` ("leads", "review"...) filtered by `filters` (the dashboard's
        tiles and bars open the list behind them this way)."""
        if target not in PAGE_KEYS:
            return
        page = self.page(target)
        show_filters = getattr(page, "show_filters", None)
        if callable(show_filters):
            show_filters(filters)
        self.show_page(target)

    def _page_factories(self) -> dict[str, Callable[[], QWidget]]:
        """How each page other than the leads is made, on first showing."""
        store, actor, settings, today = self._store, self._actor, self._settings, self._today

        def overview() -> QWidget:
            from ui.dashboard import Dashboard

            page = Dashboard(store, actor, settings=settings, today=today, parent=self.stack)
            page.open_list.connect(self.open_list)
            return page

        def cases() -> QWidget:
            from ui.cases_view import CasesView

            return CasesView(store, actor, settings=settings, parent=self.stack)

        def review() -> QWidget:
            from ui.review_queue import ReviewQueue

            return ReviewQueue(store, actor, settings=settings, parent=self.stack)

        def imports() -> QWidget:
            from ui.import_page import ImportPage

            page = ImportPage(store, actor, today=today, parent=self.stack)
            page.batches_changed.connect(self.leads_view.reload)
            page.batches_changed.connect(self.index_search)
            return page

        def briefs() -> QWidget:
            from ui.briefs_page import BriefsPage

            return BriefsPage(store, actor, settings=settings, today=today, parent=self.stack)

        def settings_page() -> QWidget:
            from ui.settings_page import SettingsPage

            page = SettingsPage(store, actor, settings=settings, parent=self.stack)
            # A new campaign end moves the overdue date; merged units rename leads' units.
            page.saved.connect(self.leads_view.reload)
            page.units_merged.connect(self.leads_view.reload)
            return page

        def exchange_page() -> QWidget:
            from ui.exchange_page import ExchangePage

            page = ExchangePage(store, actor, settings=settings, parent=self.stack)
            # Records a packet brought: shown, and their leads indexed for search.
            page.store_changed.connect(self.leads_view.reload)
            page.store_changed.connect(self.index_search)
            page.open_conflicts_changed.connect(self._show_open_conflicts)
            return page

        return {
            "overview": overview,
            "cases": cases,
            "review": review,
            "import": imports,
            "briefs": briefs,
            "settings": settings_page,
            "exchange": exchange_page,
        }

    def _yield_shortcuts_to(self, page: QWidget) -> None:
        """A page's own shortcut (Ctrl+N for a new brief) wins over the window's (a new lead):
        two live shortcuts on one key would make Qt trigger neither."""
        taken = {
            sequence.toString()
            for action in page.findChildren(QAction)
            for sequence in action.shortcuts()
            if action.shortcutContext() != Qt.ShortcutContext.WindowShortcut
        }
        for action, sequences in self._window_shortcuts.items():
            action.setShortcuts([seq for seq in sequences if seq.toString() not in taken])

    # --- bars and actions -------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        store = self._store
        actor = self._actor
        self.store_label = QLabel(self.tr("Store: {path}").format(path=store.describe()), self)
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        encrypted = bool(getattr(store, "is_encrypted", False))
        if not getattr(store, "is_sqlite", True):
            # A shared server: its protection is the server's (disk encryption, SSL, roles).
            state = self.tr("Server")
            tip = self.tr("A shared database server: it is backed up and protected by its DBA.")
        elif encrypted:
            state = self.tr("Encrypted")
            tip = self.tr("The store file is encrypted at rest.")
        else:
            state = self.tr("Not encrypted")
            tip = self.tr("The store file is not encrypted: anyone with the file can read it.")
        self.state_label = QLabel(state, self)
        self.state_label.setObjectName("storeState")
        self.state_label.setToolTip(tip)
        self.user_label = QLabel(
            self.tr("User: {name} ({role})").format(
                name=actor.display_name, role=role_label(actor.role)
            ),
            self,
        )
        self.total_label = QLabel(self)
        status = self.statusBar()
        status.addWidget(self.store_label, 1)
        status.addPermanentWidget(self.state_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.total_label)
        # "3 处冲突待处理", a link to the exchange page; shown while conflicts are open.
        self.conflicts_label = QLabel(self)
        self.conflicts_label.setObjectName("openConflicts")
        self.conflicts_label.setTextFormat(Qt.TextFormat.RichText)
        self.conflicts_label.linkActivated.connect(self.show_conflicts)
        self.conflicts_label.hide()
        status.insertPermanentWidget(1, self.conflicts_label)  # first after the store's path
        if "exchange" not in self._hidden_pages:
            QTimer.singleShot(0, self, self.count_open_conflicts)

    def _build_actions(self) -> None:
        view = self.leads_view
        self.quit_action = QAction(self.tr("&Quit"), self)
        # Spelled out: the platform's standard Quit key is empty on Windows.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction(self.tr("&About…"), self)
        self.about_action.setObjectName("aboutAction")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.setShortcut(QKeySequence("F1"))
        self.about_action.triggered.connect(self.show_about)

        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])

        self._page_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for number, key in enumerate(PAGE_KEYS, start=1):
            action = QAction(page_title(key), self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=key: self.show_page(key))
            group.addAction(action)
            self._page_actions[key] = action

        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        file_menu.addAction(view.new_action)
        file_menu.addSeparator()
        file_menu.addAction(view.export_action)
        file_menu.addAction(view.export_unmasked_action)
        file_menu.addSeparator()
        file_menu.addAction(view.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = menus.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(view.find_action)
        edit_menu.addAction(view.clear_filters_action)

        leads_menu = menus.addMenu(self.tr("&Leads"))
        for action in view.lead_actions():
            if action is None:
                leads_menu.addSeparator()
            else:
                leads_menu.addAction(action)

        self.view_menu = menus.addMenu(self.tr("&View"))
        for action in self._page_actions.values():
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()

        help_menu = menus.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

        toolbar = QToolBar(self.tr("Toolbar"), self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            view.new_action,
            None,
            *self._undo_buttons(),
            None,
            *view.bulk_actions,
            None,
            view.export_action,
            view.refresh_action,
        ):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.toolbar = toolbar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def _undo_buttons(self) -> tuple[QAction, QAction]:
        """Undo and redo for the toolbar: a short fixed text (the menu's names the step, which
        would make the bar jump), the step in the tooltip, no shortcut of their own."""
        stack = self.undo_stack
        undo = QAction(self.tr("Undo"), self)
        redo = QAction(self.tr("Redo"), self)
        undo.triggered.connect(stack.undo)
        redo.triggered.connect(stack.redo)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(undo.setToolTip)
        stack.redoTextChanged.connect(redo.setToolTip)
        undo.setEnabled(False)
        redo.setEnabled(False)
        return undo, redo

    def _build_undo_history(self) -> None:
        dock = QDockWidget(self.tr("Undo history"), self)
        dock.setObjectName("undoHistory")
        history = QUndoView(self.undo_stack, dock)
        history.setEmptyLabel(self.tr("<opened>"))
        dock.setWidget(history)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        self.undo_history = dock
        toggle = dock.toggleViewAction()
        toggle.setText(self.tr("Undo &history"))
        toggle.setShortcut(QKeySequence("Ctrl+H"))
        self.view_menu.addAction(toggle)

    @Slot()
    def show_about(self) -> None:
        from ui.about_dialog import AboutDialog

        dialog = AboutDialog(self._store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # --- the leads page, as tests and older callers reach it ----------------------------------

    @property
    def model(self) -> LeadsModel:
        return self.leads_view.model

    @property
    def table(self) -> QTableView:
        return self.leads_view.table

    @property
    def search(self) -> QWidget:
        return self.leads_view.filter_bar.search

    @property
    def count_label(self) -> QLabel:
        return self.leads_view.filter_bar.count_label

    @property
    def legend(self) -> QLabel:
        return self.leads_view.legend

    def refresh(self) -> None:
        self.leads_view.refresh()

    # --- exchange conflicts -------------------------------------------------------------------

    def _pages_hidden_from_role(self) -> frozenset[str]:
        """Pages this role has nothing to do on: the exchange page is for who may decide
        conflicts (inspectors, administrators)."""
        return frozenset() if can(self._actor, "conflict.resolve") else frozenset({"exchange"})

    @property
    def hidden_pages(self) -> frozenset[str]:
        """Pages this role does not see (their side-list entries and Ctrl+N are hidden)."""
        return self._hidden_pages

    def _hide_pages(self) -> None:
        for key in self._hidden_pages:
            self.navigation.item(PAGE_KEYS.index(key)).setHidden(True)
            self._page_actions[key].setVisible(False)
            self._page_actions[key].setEnabled(False)

    @Slot()
    def count_open_conflicts(self) -> None:
        from workstation.services import exchange

        try:
            count = exchange.count_open_conflicts(self._store, self._actor)
        except WorkstationError:
            return  # the store refused a read: the exchange page reports it itself
        self._show_open_conflicts(count)

    @Slot(int)
    def _show_open_conflicts(self, count: int) -> None:
        text = self.tr("{count} conflicts await a decision").format(count=count)
        self.conflicts_label.setText(f'<a href="#conflicts">{text}</a>')
        self.conflicts_label.setVisible(count > 0)

    @Slot()
    def show_conflicts(self) -> None:
        """The exchange page with its open conflicts (the status bar's link)."""
        if "exchange" in self._hidden_pages:
            return
        self.show_page("exchange")
        show = getattr(self.page("exchange"), "show_conflicts", None)
        if callable(show):
            show()

    # --- display ----------------------------------------------------------------------------

    @Slot(int)
    def _show_total(self, total: int) -> None:
        self.total_label.setText(self.tr("{count} leads in store").format(count=_thousands(total)))

    @Slot(str)
    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MESSAGE_MS)

    # --- state ------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self._settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(self._default_size())
        state = self._settings.value("main_window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        self.leads_view.restore_state()
        page = str(self._settings.value("main_window/page") or DEFAULT_PAGE)
        shown = page in PAGE_KEYS and page not in self._hidden_pages
        self.show_page(page if shown else DEFAULT_PAGE)

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
        self._settings.setValue("main_window/page", self.current_page())
        for page in self.pages.values():
            save = getattr(page, "save_state", None)
            if callable(save):
                save()
        save_snapshot(self, self._settings, self._first_look_store())
        self._settings.sync()

    def _first_look_store(self) -> Path | None:
        """The store file the next start may take a first look at (ui.first_look): a plain
        SQLite file opened without accounts; None for any other store."""
        store = self._store
        plain = getattr(store, "is_sqlite", True) and not getattr(store, "is_encrypted", False)
        if not plain or self._actor is not IMPLICIT_ADMIN:
            return None
        return getattr(store, "path", None)

    # --- search index -----------------------------------------------------------------------

    @Slot()
    def index_search(self) -> None:
        """Index the leads waiting for the search index (after an import), off the GUI thread."""
        if self._index_job is not None and not self._index_job.done:
            return
        store, actor = self._store, self._actor
        try:
            if not search.index_backlog(store, actor):
                return
        except WorkstationError:
            return  # the store refused a read: the views report it themselves

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return search.sync_search_index(store, actor, progress=progress, cancelled=cancelled)

        job = BackgroundJob(work, self)
        self._index_job = job
        job.progressed.connect(self._show_indexing)
        job.succeeded.connect(self._indexed)
        job.failed.connect(self._indexing_failed)
        job.start()

    @Slot(int, int)
    def _show_indexing(self, done: int, total: int) -> None:
        self.statusBar().showMessage(
            self.tr("Updating the search index: {done} / {total} leads").format(
                done=f"{done:,}", total=f"{total:,}"
            )
        )

    @Slot(object)
    def _indexed(self, count: object) -> None:
        self.statusBar().showMessage(
            self.tr("Search index updated ({count} leads)").format(count=f"{count:,}"),
            STATUS_MESSAGE_MS,
        )

    @Slot(object)
    def _indexing_failed(self, exc: object) -> None:
        message = exc.message if isinstance(exc, WorkstationError) else str(exc)
        self.statusBar().showMessage(
            self.tr("The search index was not updated: {message}").format(message=message),
            STATUS_MESSAGE_MS,
        )

    # --- a spreadsheet dropped anywhere on the window -----------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from ui.import_wizard import dropped_file

        if can(self._actor, "import.run") and dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """The import page opens its wizard on the dropped file."""
        from ui.import_wizard import dropped_file

        path = dropped_file(event)
        if path is None or not can(self._actor, "import.run"):
            event.ignore()
            return
        event.acceptProposedAction()
        self.show_page("import")
        open_file = getattr(self.page("import"), "open_file", None)
        if callable(open_file):
            open_file(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._index_job is not None and not self._index_job.done:
            # Stops between transactions; what is left stays queued for the next start.
            self._index_job.cancel()
            QThreadPool.globalInstance().waitForDone(30_000)
        for page in self.pages.values():
            shutdown = getattr(page, "shutdown", None)
            if callable(shutdown):
                shutdown()
        self.save_state()
        super().closeEvent(event)
