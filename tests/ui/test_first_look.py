"""The window's first look: the snapshot the full window leaves, replayed with the store's rows
at the next start; then the full window takes over what the user did meanwhile."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui import app as ui_app
from ui.first_look import SNAPSHOT_KEY, EarlyLogin, FirstLookWindow, load_snapshot
from ui.main_window import MainWindow
from ui.navigation import PAGE_KEYS
from workstation import demo
from workstation.first_look import look_at
from workstation.lead_cells import Column
from workstation.services import users
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.services.leads import LeadQuery
from workstation.store import Store, open_store, start_check

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]

ROOT = Path(__file__).resolve().parents[2]
MakeWindow = Callable[..., MainWindow]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first-look") / "ws.db"
    store = open_store(path, create=True)
    try:
        demo.generate(store, IMPLICIT_ADMIN, leads=150, cases=10, seed=11)
    finally:
        store.dispose()
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ws.db"
    path.write_bytes(demo_template.read_bytes())
    return path


@pytest.fixture
def demo_store(demo_file: Path) -> Store:
    store = open_store(demo_file)
    yield store  # type: ignore[misc]
    store.dispose()


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings) -> MakeWindow:
    def make(store: Store, actor: Actor = IMPLICIT_ADMIN) -> MainWindow:
        window = MainWindow(store, actor, settings=settings)
        qtbot.addWidget(window)
        window.resize(790, 560)  # within the offscreen screen (800 × 600): kept as it is
        with qtbot.waitExposed(window):
            window.show()
        return window

    return make


@pytest.fixture(autouse=True)
def _close_first_looks() -> Iterator[None]:
    """First looks are not given to qtbot: the ones handed over delete themselves."""
    yield
    for window in SHOWN:
        if shiboken6.isValid(window):
            window.retire()
    SHOWN.clear()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


SHOWN: list[FirstLookWindow] = []


def _first_look(qtbot: QtBot, settings: QSettings, path: Path) -> FirstLookWindow:
    start_check.record_checked(path)  # as the app leaves a store it closed
    start_check.record_closed(path)
    snapshot = load_snapshot(settings, path)
    assert snapshot is not None
    look = look_at(path, order_by=snapshot.data["order_by"], descending=snapshot.data["descending"])
    assert look is not None
    first = FirstLookWindow(look, snapshot)
    SHOWN.append(first)
    with qtbot.waitExposed(first):
        first.show()
    return first


def _rect_in_window(widget: QWidget) -> tuple[int, int, int, int]:
    top_left = widget.mapTo(widget.window(), QPoint(0, 0))
    return (top_left.x(), top_left.y(), widget.width(), widget.height())


def test_the_first_look_replays_the_window_with_the_stores_rows(
    qtbot: QtBot, make_window: MakeWindow, demo_store: Store, demo_file: Path, settings: QSettings
) -> None:
    window = make_window(demo_store)
    window.model.sort(Column.SUBJECT_UNIT, Qt.SortOrder.AscendingOrder)
    window.table.horizontalHeader().resizeSection(Column.SUMMARY, 333)
    window.save_state()  # as when it closes
    first = _first_look(qtbot, settings, demo_file)

    assert first.windowTitle() == window.windowTitle() == "案件监督工作站"
    assert first.size() == window.size()
    menus = [action.text() for action in first.menuBar().actions()]
    assert menus == [action.text() for action in window.menuBar().actions()]
    toolbar = next(
        child for child in first.children() if child.metaObject().className() == "QToolBar"
    )
    texts = [action.iconText() for action in toolbar.actions() if not action.isSeparator()]
    assert texts == [a.iconText() for a in window.toolbar.actions() if not a.isSeparator()]
    assert "新建线索" in "".join(texts)
    # The table where the full window had it, its columns as they were, the same rows.
    assert _rect_in_window(first.table) == _rect_in_window(window.table)
    assert _rect_in_window(first.navigation) == _rect_in_window(window.navigation)
    assert _rect_in_window(first.search) == _rect_in_window(window.search)
    header, real_header = first.table.horizontalHeader(), window.table.horizontalHeader()
    for column in Column:
        assert header.sectionSize(column) == real_header.sectionSize(column)
        assert first.table.model().headerData(
            column, Qt.Orientation.Horizontal
        ) == window.model.headerData(column, Qt.Orientation.Horizontal)
    shown = first.table.model()
    for row in range(40):
        for column in Column:
            assert shown.index(row, column).data() == window.model.index(row, column).data()
    assert first.search.placeholderText() == window.search.placeholderText()
    assert first.navigation.current_key() == "leads"
    assert first.findChild(QWidget, "firstLookLoading").text() == "正在载入…"
    assert not first.grab().isNull()


@pytest.mark.parametrize("how", ["filtered", "another page", "signed in"])
def test_no_snapshot_for_a_start_that_would_not_open_on_the_same_leads(
    make_window: MakeWindow,
    demo_store: Store,
    demo_file: Path,
    settings: QSettings,
    how: str,
) -> None:
    window = make_window(demo_store)
    window.save_state()
    assert load_snapshot(settings, demo_file) is not None
    if how == "filtered":
        window.model.set_query(LeadQuery(status="new"))
    elif how == "another page":
        window.show_page("cases")
    else:
        # A store with accounts opens on the login.
        window = make_window(demo_store, Actor(login="admin", display_name="管理员", role="admin"))
    window.save_state()
    assert settings.value(SNAPSHOT_KEY) is None  # the earlier one is gone too


def test_a_snapshot_is_for_its_store_and_language(
    make_window: MakeWindow,
    demo_store: Store,
    demo_file: Path,
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_window(demo_store).save_state()
    assert load_snapshot(settings, demo_file) is not None
    assert load_snapshot(settings, tmp_path / "other.db") is None
    monkeypatch.setenv("WORKSTATION_LANG", "en")
    assert load_snapshot(settings, demo_file) is None
    monkeypatch.delenv("WORKSTATION_LANG")
    saved = json.loads(str(settings.value(SNAPSHOT_KEY)))
    for damaged in ("{not json", json.dumps({**saved, "version": 99}), json.dumps([1, 2])):
        settings.setValue(SNAPSHOT_KEY, damaged)
        assert load_snapshot(settings, demo_file) is None
    del saved["rects"]["table"]
    settings.setValue(SNAPSHOT_KEY, json.dumps(saved))
    assert load_snapshot(settings, demo_file) is None


def test_the_full_window_takes_over_the_row_the_scroll_and_the_size(
    qtbot: QtBot, make_window: MakeWindow, demo_store: Store, demo_file: Path, settings: QSettings
) -> None:
    make_window(demo_store).save_state()
    first = _first_look(qtbot, settings, demo_file)
    first.resize(780, 500)
    first.table.selectRow(12)
    first.table.verticalScrollBar().setValue(5)
    chosen_ref = first.table.model().index(12, Column.REF).data()

    window = MainWindow(demo_store, IMPLICIT_ADMIN, settings=settings)
    qtbot.addWidget(window)
    first.hand_over(window)
    window.show()
    first.retire()
    assert (window.size().width(), window.size().height()) == (780, 500)
    current = window.table.currentIndex()
    assert current.row() == 12
    assert window.model.index(current.row(), Column.REF).data() == chosen_ref
    assert window.table.verticalScrollBar().value() == 5
    assert not first.isVisible()


def test_a_search_typed_or_a_page_chosen_meanwhile_carries_over(
    qtbot: QtBot, make_window: MakeWindow, demo_store: Store, demo_file: Path, settings: QSettings
) -> None:
    make_window(demo_store).save_state()
    first = _first_look(qtbot, settings, demo_file)
    first.search.insert("派出所")  # as typed (keyClicks takes ASCII only)
    window = MainWindow(demo_store, IMPLICIT_ADMIN, settings=settings)
    qtbot.addWidget(window)
    first.hand_over(window)
    assert window.search.text() == "派出所"

    again = _first_look(qtbot, settings, demo_file)
    again.navigation.setCurrentRow(PAGE_KEYS.index("cases"))
    other = MainWindow(demo_store, IMPLICIT_ADMIN, settings=settings)
    qtbot.addWidget(other)
    again.hand_over(other)
    assert other.current_page() == "cases"


def test_closing_the_first_look_quits_but_handing_over_does_not(
    qtbot: QtBot, make_window: MakeWindow, demo_store: Store, demo_file: Path, settings: QSettings
) -> None:
    make_window(demo_store).save_state()
    first = _first_look(qtbot, settings, demo_file)
    with qtbot.waitSignal(first.closed, timeout=2000):
        first.close()
    second = _first_look(qtbot, settings, demo_file)
    emitted: list[bool] = []
    second.closed.connect(lambda: emitted.append(True))
    second.retire()
    qtbot.wait(10)
    assert not emitted


# Runs the app as `main.py` does, noting when PySide6 first sets up its `Qt` namespace (the
# enum ItemDataRole): the first look is painted before it (ui.first_look says why).
WATCHED_START = """
import enum, sys, time
import ui.first_paint as first_paint

namespace = []
create = enum.EnumType._create_
def watch(cls, name, *args, **kwargs):
    if name == "ItemDataRole" and not namespace:
        namespace.append(time.time())
    return create(cls, name, *args, **kwargs)
enum.EnumType._create_ = watch
report = first_paint.report
def noting(marks):
    if "first-paint" in marks and "first-paint" not in first_paint._printed:
        print("qt-namespace-before-first-paint", bool(namespace), flush=True)
    report(marks)
first_paint.report = noting

from ui.launch import main
sys.exit(main(["main.py", "--db", sys.argv[1]]))
"""


def _run_app(script: str, store: Path, home: Path, *extra_env: tuple[str, str]) -> str:
    """`script` run as the app (offscreen, its settings and data in `home`, quitting once the
    leads or the login dialog are painted); its output."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        WORKSTATION_FIRST_PAINT_EXIT="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra_env)
    done = subprocess.run(
        [sys.executable, "-c", script, str(store)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _start(store: Path, home: Path, *extra_env: tuple[str, str]) -> dict[str, str]:
    output = _run_app(WATCHED_START, store, home, *extra_env)
    return dict(line.split(" ", 1) for line in output.splitlines() if " " in line)


def test_the_second_start_paints_the_first_look_before_the_full_window(
    demo_file: Path, tmp_path: Path
) -> None:
    first = _start(demo_file, tmp_path)  # checks the store, then the full window: no snapshot
    assert first["first-paint"] == first["ready"]
    second = _start(demo_file, tmp_path)
    painted, ready = (float(second[m].split()[0]) for m in ("first-paint", "ready"))
    assert painted < ready
    assert second["qt-namespace-before-first-paint"] == "False"
    # Asked not to, or after another program wrote the store, it starts the usual way.
    usual = _start(demo_file, tmp_path, ("WORKSTATION_NO_FIRST_LOOK", "1"))
    assert usual["first-paint"] == usual["ready"]
    with sqlite3.connect(demo_file) as connection:
        connection.execute("UPDATE leads SET summary = summary || '。' WHERE id = 1")
    connection.close()
    written = _start(demo_file, tmp_path)
    assert written["first-paint"] == written["ready"]  # checked first, then the full window


def test_the_start_hands_over_once(
    qtbot: QtBot,
    make_window: MakeWindow,
    demo_store: Store,
    demo_file: Path,
    settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ui.app.begin with a first look on screen: the main window takes its row and shows, the
    first look goes; a window opened again later (the Account menu's new administrator) does
    not touch it any more."""
    make_window(demo_store).save_state()
    first = _first_look(qtbot, settings, demo_file)
    first.table.selectRow(3)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # begin() installs its own
    startup = ui_app.begin(["workstation", "--db", str(demo_file)], first_look=first)
    assert isinstance(startup, ui_app.Startup)
    try:
        assert startup.window is not None
        assert startup.window.isVisible()
        assert startup.window.table.currentIndex().row() == 3
        qtbot.waitUntil(lambda: not shiboken6.isValid(first))
        old = startup.window
        startup._show(IMPLICIT_ADMIN)  # as _switch_to does
        assert startup.window is not old
        assert startup.window.isVisible()
        old.close()
    finally:
        startup.close()
        ui_app.crash_dialog.uninstall()


@pytest.fixture
def accounts_file(demo_file: Path, left_by_the_app: Callable[[Path], None]) -> Path:
    store = open_store(demo_file)
    try:
        users.create_first_admin(store, "wang", "correct horse battery", "王管理")
    finally:
        store.dispose()
    left_by_the_app(demo_file)
    return demo_file


def test_a_store_with_accounts_signs_in_on_the_dialog_shown_before_the_core(
    qtbot: QtBot, accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog asks at once; a password given before the start has begun waits for it,
    then the start checks it (a wrong one is said in the same dialog) and opens the window."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the start installs its own
    early = EarlyLogin(["workstation", "--db", str(accounts_file), "--user", "wang"], accounts_file)
    early.show()
    dialog = early.dialog
    qtbot.waitExposed(dialog)
    assert dialog.login_edit.text() == "wang"
    assert str(accounts_file) in dialog.intro.text()
    try:
        dialog.password_edit.setText("not the password")
        dialog.ok_button.click()  # before the start: it begins now, and asks with this dialog
        startup = early.startup
        assert isinstance(startup, ui_app.Startup)
        assert startup.login_dialog is dialog
        assert dialog.isVisible()
        assert "密码" in dialog.message.text()
        assert startup.window is None
        dialog.password_edit.setText("correct horse battery")
        dialog.ok_button.click()
        assert startup.window is not None
        assert startup.window.isVisible()
        assert startup.actor is not None
        assert startup.actor.login == "wang"
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    finally:
        if isinstance(early.startup, ui_app.Startup):
            early.startup.close()
        ui_app.crash_dialog.uninstall()


# Starts the app as `main.py` does and says whether the core (SQLAlchemy) was loaded when the
# login dialog was made.
WATCHED_LOGIN = """
import sys
import ui.login

made = ui.login.LoginDialog.__init__
def noting(self, *args, **kwargs):
    print("core-at-login-dialog", "sqlalchemy.orm" in sys.modules, flush=True)
    made(self, *args, **kwargs)
ui.login.LoginDialog.__init__ = noting

from ui.launch import main
sys.exit(main(["main.py", "--db", sys.argv[1]]))
"""


@pytest.mark.parametrize("first_look", [True, False])
def test_a_store_with_accounts_shows_its_login_before_the_core_loads(
    accounts_file: Path, tmp_path: Path, first_look: bool
) -> None:
    extra = () if first_look else (("WORKSTATION_NO_FIRST_LOOK", "1"),)
    output = _run_app(WATCHED_LOGIN, accounts_file, tmp_path, *extra)
    assert f"core-at-login-dialog {not first_look}" in output
    assert "\nlogin " in "\n" + output
