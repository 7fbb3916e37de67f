"""The window's first look: the leads page painted from a plain read while the core loads.

The full window needs SQLAlchemy, the models and the services, half a second of imports on a
laptop. So when MainWindow closes on the leads page of a store the app may look at early
(workstation.first_look), it leaves a snapshot of itself in the settings (`take_snapshot`):
its geometry and title, the titles of its menus, the texts of its toolbar and status bar,
where the side list, the search box and the table sit, the table's columns and the order.

On the next start `start_with_first_look` replays that snapshot with the store's first rows
(FirstLookWindow: within a few tenths of a second), imports the core in a thread meanwhile
(the window keeps scrolling), then builds the full window through ui.app. The full window
takes over what the user did in the meantime (`hand_over`: size and place, the page chosen,
the current row, the scroll, a search typed) and shows; the first look closes under it.
Everything in it is disabled but the table, the side list and the search box.

Without a snapshot for this store and language (first run, another store, a filter set, the
window last closed on another page), the app starts the usual way.

A store with accounts starts on its login dialog, which needs nothing of the core: EarlyLogin
shows it at once and loads the core while the password is typed; the start then asks with
that same dialog (ui.app.Startup.early_login).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSettings,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QPaintEvent,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QToolBar,
    QWidget,
)

from ui import i18n
from ui.launch import FIRST_PAINT_ENV, full_start, parse_args, prepare_application, quick_options
from ui.leads_table import OVERDUE_BACKGROUND, OVERDUE_FOREGROUND, LeadsTableView
from ui.navigation import PAGE_KEYS, NavigationList
from workstation.errors import WorkstationError
from workstation.first_look import FirstLook, look_at
from workstation.lead_cells import Column

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SNAPSHOT_KEY = "first_look/snapshot"
SNAPSHOT_VERSION = 1
# The core starts loading once the first look is painted, or after this long in any case.
LOADER_LATEST_MS = 400
# The widgets placed where the full window had them (window coordinates).
PLACED = ("navigation", "search", "table")

# Qt's values, spelt out: before the first paint nothing touches PySide6's `Qt` namespace,
# whose 93 enums take ~25 ms to set up at the first use of any (ui.first_look's test checks).
FONT_ROLE = 6  # Qt.ItemDataRole.FontRole
TEXT_ALIGNMENT_ROLE = 7  # Qt.ItemDataRole.TextAlignmentRole
BACKGROUND_ROLE = 8  # Qt.ItemDataRole.BackgroundRole
FOREGROUND_ROLE = 9  # Qt.ItemDataRole.ForegroundRole
ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter (the leads table's dates)
TOOL_BUTTON_TEXT_ONLY = 1  # Qt.ToolButtonStyle.ToolButtonTextOnly


# --- the snapshot the full window leaves --------------------------------------------------------


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text.encode("ascii")))


def _rect_in(window: QWidget, widget: QWidget) -> list[int]:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def take_snapshot(window: MainWindow) -> dict[str, Any]:
    """What the next start's first look needs of `window` (see the module's docstring)."""
    from PySide6.QtCore import Qt

    view = window.leads_view
    query = view.model.query
    header = view.table.horizontalHeader()
    status = [
        window.store_label.text(),
        window.state_label.text(),
        window.user_label.text(),
    ]
    toolbar: list[str | None] = [
        None if action.isSeparator() else action.iconText() for action in window.toolbar.actions()
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "language": i18n.chosen_language(),
        "title": window.windowTitle(),
        "geometry": _encode(window.saveGeometry()),
        "window_size": [window.width(), window.height()],
        "minimum_size": [window.minimumWidth(), window.minimumHeight()],
        "menus": [action.text() for action in window.menuBar().actions()],
        "toolbar": toolbar,
        "hidden_pages": sorted(window.hidden_pages),
        "rects": {
            "navigation": _rect_in(window, window.navigation),
            "search": _rect_in(window, view.filter_bar.search),
            "table": _rect_in(window, view.table),
        },
        "search_placeholder": view.filter_bar.search.placeholderText(),
        "columns": _encode(header.saveState()),
        "titles": [
            str(view.model.headerData(column, Qt.Orientation.Horizontal)) for column in Column
        ],
        "order_by": query.order_by,
        "descending": query.descending,
        "status": status,
        "total": window.total_label.text(),
        "total_count": view.model.rowCount(),
    }


def save_snapshot(window: MainWindow, settings: QSettings, store_path: Path | None) -> None:
    """Leave the snapshot for the next start, when that start may use it: the window is on
    the leads page, unfiltered, of a store file; else remove any earlier one."""
    if store_path is None or window.current_page() != "leads" or window.model.is_filtered():
        settings.remove(SNAPSHOT_KEY)
        return
    snapshot = take_snapshot(window)
    snapshot["store"] = str(store_path.resolve())
    settings.setValue(SNAPSHOT_KEY, json.dumps(snapshot, ensure_ascii=False))


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """A saved snapshot, checked: for this store, this language, this version."""

    data: dict[str, Any]

    def rect(self, name: str) -> QRect:
        x, y, width, height = (int(v) for v in self.data["rects"][name])
        return QRect(x, y, width, height)


def load_snapshot(settings: QSettings, store_path: Path) -> Snapshot | None:
    raw = settings.value(SNAPSHOT_KEY)
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("version") != SNAPSHOT_VERSION:
        return None
    if data.get("store") != str(store_path.resolve()):
        return None
    if data.get("language") != i18n.chosen_language():
        return None
    needed = (
        "title",
        "geometry",
        "window_size",
        "menus",
        "toolbar",
        "rects",
        "columns",
        "titles",
        "status",
    )
    if any(key not in data for key in needed) or any(k not in data["rects"] for k in PLACED):
        return None
    return Snapshot(data)


# --- the first look -------------------------------------------------------------------------


def first_look_model(look: FirstLook, titles: Sequence[str], parent: QObject) -> QStandardItemModel:
    """The first rows' cells in a model of Qt's own. No Python model: Qt would call it with
    Qt's enums, and PySide6 sets up the whole `Qt` namespace (93 enums, ~25 ms) on the first
    one. Only the rows read (a model of every lead's rows takes milliseconds to make): the
    scroll bar becomes the store's when the full window comes."""
    model = QStandardItemModel(len(look.rows), len(Column), parent)
    model.setHorizontalHeaderLabels(list(titles))
    centred = {Column.RECEIVED_ON, Column.DUE_ON}
    bold = QFont()
    bold.setBold(True)
    for row, (cells, overdue) in enumerate(zip(look.rows, look.overdue, strict=True)):
        for column, text in zip(Column, cells, strict=True):
            item = QStandardItem(text)
            if column in centred:
                item.setData(ALIGN_CENTER, TEXT_ALIGNMENT_ROLE)
            if overdue:
                item.setData(OVERDUE_FOREGROUND, FOREGROUND_ROLE)
                if column == Column.DUE_ON:
                    item.setData(OVERDUE_BACKGROUND, BACKGROUND_ROLE)
                    item.setData(bold, FONT_ROLE)
            model.setItem(row, column, item)
    return model


class _PlacedArea(QWidget):
    """The central area: its children where the snapshot had them; a window grown or shrunk
    meanwhile grows or shrinks the table (as the full window's layout would)."""

    def __init__(self, snapshot: Snapshot, window: QMainWindow) -> None:
        super().__init__(window)
        self._snapshot = snapshot
        # Kept, not asked for: QWidget.window() makes PySide6 set up every widget class it
        # could return (tens of milliseconds at start).
        self._window = window
        self.placed: dict[str, QWidget] = {}

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        window = self._window
        offset = self.mapTo(window, QPoint(0, 0))
        saved = self._snapshot.rect("table")
        # The table's right and bottom edges keep their distance to the window's.
        grow_x = window.width() - self._snapshot.data["window_size"][0]
        grow_y = window.height() - self._snapshot.data["window_size"][1]
        for name, widget in self.placed.items():
            rect = self._snapshot.rect(name).translated(-offset)
            if name == "table":
                rect.setWidth(max(saved.width() + grow_x, 80))
                rect.setHeight(max(saved.height() + grow_y, 40))
            elif name == "navigation":
                rect.setHeight(max(rect.height() + grow_y, 40))
            widget.setGeometry(rect)


class _FirstLookTable(LeadsTableView):
    """The leads table, telling when its rows were first painted (an override rather than an
    event filter on the viewport: QAbstractScrollArea.viewport() returns a QWidget, and PySide6
    then sets up every widget class it could be, tens of milliseconds at start).

    Signals:
        painted(): once, after the first paint that showed rows.
    """

    painted = Signal()
    _seen = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._seen and self.model() is not None and self.model().rowCount() > 0:
            self._seen = True
            QTimer.singleShot(0, self.painted.emit)  # once this paint is done


class FirstLookWindow(QMainWindow):
    """The leads page as the full window will show it, from the snapshot and a FirstLook.

    Signals:
        closed(): the user closed it before the full window came (the app quits).
    """

    closed = Signal()
    painted = Signal()

    def __init__(self, look: FirstLook, snapshot: Snapshot, parent: QWidget | None = None):
        super().__init__(parent)
        data = snapshot.data
        self.look = look
        self.snapshot = snapshot
        self._handed_over = False
        self.setObjectName("firstLook")
        self.setWindowTitle(str(data["title"]))
        # As the full window does: a size the layout never changes once on screen.
        self.setMinimumSize(*(int(v) for v in data.get("minimum_size", (0, 0))))
        self.restoreGeometry(_decode(data["geometry"]))
        for title in data["menus"]:
            self.menuBar().addMenu(str(title)).setEnabled(False)
        toolbar = QToolBar(self)
        toolbar.setMovable(False)
        toolbar.setProperty("toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
        for text in data["toolbar"]:
            if text is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(str(text)).setEnabled(False)
        self.addToolBar(toolbar)  # at the top

        area = _PlacedArea(snapshot, self)
        self.navigation = NavigationList(area)
        for key in data.get("hidden_pages", ()):
            if key in PAGE_KEYS:
                self.navigation.item(PAGE_KEYS.index(key)).setHidden(True)
        self.navigation.set_current_key("leads")
        self.chosen_page = "leads"
        self.navigation.page_chosen.connect(self._choose_page)
        self.search = QLineEdit(area)
        self.search.setPlaceholderText(str(data.get("search_placeholder", "")))
        self.search.setClearButtonEnabled(True)
        self.table = _FirstLookTable(area)
        self.table.painted.connect(self.painted)
        self.table.setModel(first_look_model(look, data["titles"], self.table))
        self.table.horizontalHeader().restoreState(_decode(data["columns"]))
        self.table.setSortingEnabled(False)
        area.placed = {"navigation": self.navigation, "search": self.search, "table": self.table}

        self.setCentralWidget(area)

        status = self.statusBar()
        store, state, user = (str(text) for text in data["status"])
        status.addWidget(QLabel(store, self), 1)
        self.loading = QLabel(
            QApplication.translate("FirstLook", "Loading…"), self, objectName="firstLookLoading"
        )
        status.addPermanentWidget(self.loading)
        for text in (state, user, self._total_text()):
            status.addPermanentWidget(QLabel(text, self))

    def _total_text(self) -> str:
        """The saved "N leads in store" with this store's count now."""
        saved = str(self.snapshot.data.get("total", ""))
        before = f"{int(self.snapshot.data.get('total_count', 0)):,}"
        return saved.replace(before, f"{self.look.total:,}", 1) if before in saved else saved

    def _choose_page(self, key: str) -> None:
        """Another page picked before the full window came: it opens on that page."""
        self.chosen_page = key

    # --- handing over to the full window -----------------------------------------------------

    def hand_over(self, window: MainWindow) -> None:
        """Before the full window shows: its size and place, page, row, scroll and search
        become this window's."""
        self._handed_over = True
        from PySide6.QtCore import Qt  # the core has loaded: no longer a cost at start

        window.restoreGeometry(self.saveGeometry())
        if self.isMaximized():
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        if self.chosen_page != "leads":
            window.show_page(self.chosen_page)
            return
        typed = self.search.text().strip()
        view = window.leads_view
        if typed:
            view.filter_bar.search.setText(typed)
        else:
            table = view.table
            current = self.table.currentIndex()
            table.verticalScrollBar().setValue(self.table.verticalScrollBar().value())
            if current.isValid():
                table.selectRow(current.row())
        if self.search.hasFocus():
            view.filter_bar.search.setFocus()
            view.filter_bar.search.setCursorPosition(self.search.cursorPosition())

    def retire(self) -> None:
        """The full window is on screen (or something else the start shows): go quietly."""
        self._handed_over = True
        self.hide()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._handed_over:
            self.closed.emit()
        super().closeEvent(event)


# --- starting with it -------------------------------------------------------------------------


class _CoreLoader(QObject):
    """Imports the core the full window needs in a thread, while the first look stays live.

    Signals:
        loaded(): the imports ended. One that failed fails again, with its traceback, when
            the start imports it on the GUI thread (_begin).
    """

    loaded = Signal()
    _thread: threading.Thread | None = None

    @Slot()
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="core-loader", daemon=True)
            self._thread.start()

    def wait(self) -> None:
        """Until the core is imported (started now if it was not)."""
        self.start()
        assert self._thread is not None
        self._thread.join()

    def _run(self) -> None:
        # A failed import is said where it fails again (see `loaded`).
        with contextlib.suppress(BaseException):
            import workstation.preload  # noqa: F401
        self.loaded.emit()


def _begin(argv: Sequence[str], **on_screen: Any) -> object:
    """ui.app.begin, once the core has loaded: the Startup, or the exit code of a start that
    failed at once; None for a broken installation (an import failed: the traceback goes to
    stderr, as it would without a first look; a failed import in the loader's thread fails
    here again)."""
    try:
        from ui.app import begin

        return begin(argv, **on_screen)
    except Exception:
        traceback.print_exc()
        return None


def start_with_first_look(argv: Sequence[str], path: Path) -> int:
    """Show the first look (when the settings allow), then the full window; or start the
    usual way. Returns the app's exit code. The store may be looked at: ui.launch asked
    workstation.first_look.early_start just before."""
    app = prepare_application(argv)
    settings = QSettings()
    snapshot = load_snapshot(settings, path)
    look = None
    if snapshot is not None:
        look = look_at(
            path,
            order_by=str(snapshot.data.get("order_by", "received_on")),
            descending=bool(snapshot.data.get("descending", True)),
            checked=True,  # by ui.launch, just before
        )
    if snapshot is None or look is None:
        return full_start(argv)
    window = FirstLookWindow(look, snapshot)
    quitting: list[bool] = []
    window.closed.connect(lambda: (quitting.append(True), app.quit()))
    _report_first_paint(window)
    window.show()

    loader = _CoreLoader(app)

    def loaded() -> None:
        if quitting:
            return
        outcome = _begin(argv, first_look=window)
        if outcome is None:
            window.retire()
        if not isinstance(outcome, QObject):
            app.exit(1 if outcome is None else outcome)

    loader.loaded.connect(loaded)
    # The core loads once the rows are on screen: a thread importing meanwhile would take turns
    # with the painting (one interpreter lock), and the first look would come later.
    window.painted.connect(loader.start)
    QTimer.singleShot(LOADER_LATEST_MS, loader.start)  # a window that is never painted
    return int(app.exec())


def _report_first_paint(window: FirstLookWindow) -> None:
    """For bench/startup_bench.py: the first look's painted rows (ui.first_paint)."""
    if os.environ.get(FIRST_PAINT_ENV):
        from ui.first_paint import FIRST_MARK, report

        window.painted.connect(lambda: report((FIRST_MARK,)))


# --- a store with accounts: its login dialog at once ----------------------------------------


class _PaintWatch(QObject):
    """Calls `then` once, after `widget` was first painted (an event filter on the widget)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # once this paint is done
        return False


class _NotAsked(WorkstationError):
    """The start went another way than the login (the dialog is on its way out)."""

    def __init__(self) -> None:
        super().__init__("")


class EarlyLogin(QObject):
    """A store with accounts (workstation.first_look.could_sign_in): its login dialog at once,
    the core loading behind it; the start (ui.app.begin) then asks with this dialog. A password
    given before the core has loaded waits for it (typing one usually takes longer).

    `startup` is the ui.app.Startup once begun (None before; an int: the exit code of a start
    that failed at once, the app exits with it)."""

    def __init__(self, argv: Sequence[str], path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from ui.login import LoginDialog

        self._argv = list(argv)
        options = quick_options(argv) or parse_args(argv)
        self.startup: object = None
        self._loader = _CoreLoader(self)
        self._loader.loaded.connect(self.begin_now)
        self.dialog = LoginDialog(
            self._authenticate, login=options.user or "", store_name=str(path)
        )
        self.dialog.rejected.connect(self._rejected)
        _PaintWatch(self.dialog, self._loader.start)

    def show(self) -> None:
        self.dialog.show()

    def begin_now(self) -> object:
        """Start as usual (waiting for the core first), once; the Startup or an exit code."""
        if self.startup is None:
            self._loader.wait()
            self.startup = _begin(self._argv, early_login=self.dialog)
            if not isinstance(self.startup, QObject):
                self.startup = 1 if self.startup is None else self.startup
                QApplication.exit(self.startup)
        return self.startup

    def _authenticate(self, login: str, password: str) -> object:
        startup = self.begin_now()
        if getattr(startup, "login_dialog", None) is not self.dialog:
            raise _NotAsked
        return self.dialog.authenticate(login, password)  # the start's check, set when adopted

    def _rejected(self) -> None:
        if self.startup is None:  # else the start quits, as when its own login is cancelled
            QApplication.quit()


def start_with_early_login(argv: Sequence[str], path: Path) -> int:
    """The app's start on a store with accounts (see EarlyLogin)."""
    app = prepare_application(argv)
    early = EarlyLogin(argv, path, app)
    early.show()
    return int(app.exec())
