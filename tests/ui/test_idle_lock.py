"""The app locks itself when idle and asks the same password again, keeping unsaved work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMainWindow, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.app import Startup, build
from ui.idle_lock import Cover, IdleLock, IdleWatcher, LockDialog
from workstation import settings as settings_mod
from workstation.services import users
from workstation.services.auth import Actor, sign_in
from workstation.store import Store, open_store

pytestmark = pytest.mark.gui

BOSS = Actor("boss", "王主任", "admin")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "accounts.db", create=True)
    users.create_first_admin(store, "boss", "bosspass1", "王主任")
    users.add_user(store, BOSS, "clerk1", "王录入", "clerk", "clerkpass1")
    yield store
    store.dispose()


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    """A window with a half-filled form (unsaved work)."""
    main = QMainWindow()
    qtbot.addWidget(main)
    central = QWidget(main)
    layout = QVBoxLayout(central)
    edit = QLineEdit(central)
    edit.setObjectName("unsaved")
    layout.addWidget(edit)
    main.setCentralWidget(central)
    main.setMinimumSize(320, 200)  # explicit: the layout then sends no size hints offscreen
    main.resize(640, 400)
    main.show()
    edit.setText("未保存的摘要")
    qtbot.keyClicks(edit, " draft")  # Qt's test keys are ASCII only
    return main


def _lock(qtbot: QtBot, window: QMainWindow, accounts: Store, **kwargs: object) -> IdleLock:
    return IdleLock(
        window,
        lambda password: sign_in(accounts, "clerk1", password),
        who="王录入（clerk1）",
        **kwargs,  # type: ignore[arg-type]
    )


def test_no_input_for_the_timeout_locks_and_the_password_unlocks(
    qtbot: QtBot, window: QMainWindow, accounts: Store
) -> None:
    edit = window.findChild(QLineEdit, "unsaved")
    assert edit is not None
    lock = _lock(qtbot, window, accounts, timeout_ms=20)
    with qtbot.waitSignal(lock.locked, timeout=10_000):
        pass
    assert lock.is_locked()
    dialog = lock.dialog
    assert isinstance(dialog, LockDialog)
    assert dialog.isVisible()
    assert QApplication.activeModalWidget() is dialog
    covers = window.findChildren(Cover)
    assert len(covers) == 1
    assert covers[0].isVisible()
    assert covers[0].geometry() == window.rect()  # the whole window, menus and bars included
    # A wrong password: told so, still locked.
    qtbot.keyClicks(dialog.password_edit, "wrong password")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert "密码不正确" in dialog.message.text()
    assert lock.is_locked()
    # Esc does not get past it.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    with qtbot.waitSignal(lock.unlocked):
        qtbot.keyClicks(dialog.password_edit, "clerkpass1")
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.is_locked()
    assert not any(c.isVisible() for c in window.findChildren(Cover))
    assert edit.text() == "未保存的摘要 draft"  # the same widget, its text as it was
    assert window.isVisible()
    assert lock.watcher.is_running()
    lock.stop()


def test_every_open_window_is_covered(qtbot: QtBot, window: QMainWindow, accounts: Store) -> None:
    other = QDialog(window)  # e.g. a quick-entry dialog left open
    other.setMinimumSize(300, 200)
    other.show()
    lock = _lock(qtbot, window, accounts, timeout_ms=60_000)
    lock.lock()
    assert len(other.findChildren(Cover)) == 1
    assert len(window.findChildren(Cover)) == 2  # the window's, and the dialog's (its child)
    assert lock.dialog is not None
    assert lock.dialog.findChildren(Cover) == []
    assert lock.dialog.windowModality() == Qt.WindowModality.ApplicationModal
    lock.stop()
    assert not any(c.isVisible() for c in window.findChildren(Cover))


def test_wrong_passwords_at_the_lock_count_towards_a_lockout(
    qtbot: QtBot, window: QMainWindow, accounts: Store
) -> None:
    lock = _lock(qtbot, window, accounts, timeout_ms=60_000)
    lock.lock()
    dialog = lock.dialog
    assert dialog is not None
    for _ in range(5):
        qtbot.keyClicks(dialog.password_edit, "wrong password")
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert "已锁定" in dialog.message.text()
    qtbot.keyClicks(dialog.password_edit, "clerkpass1")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert lock.is_locked()
    lock.stop()


def test_quit_at_the_lock_closes_the_window(
    qtbot: QtBot, window: QMainWindow, accounts: Store
) -> None:
    lock = _lock(qtbot, window, accounts, timeout_ms=60_000)
    lock.lock()
    assert lock.dialog is not None
    qtbot.mouseClick(lock.dialog.quit_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    assert not lock.is_locked()


def test_input_postpones_the_lock(qtbot: QtBot, window: QMainWindow) -> None:
    clock = FakeClock()
    watcher = IdleWatcher(1_000, clock=clock)
    idle: list[bool] = []
    watcher.idle.connect(lambda: idle.append(True))
    watcher.start()
    try:
        clock.now += 0.9
        edit = window.findChild(QLineEdit, "unsaved")
        assert edit is not None
        qtbot.keyClick(edit, Qt.Key.Key_A)  # input at 0.9 s
        clock.now += 0.5
        watcher.check()  # 0.5 s since the last input: not yet
        assert idle == []
        assert watcher.is_running()
        clock.now += 0.6
        watcher.check()
        assert idle == [True]
        assert not watcher.is_running()
    finally:
        watcher.stop()


def test_the_app_locks_after_signing_in_and_unlocks_the_same_window(
    qtbot: QtBot, accounts: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert accounts.path is not None
    monkeypatch.setenv("WORKSTATION_PASSWORD", "clerkpass1")
    startup: Startup = build(
        ["workstation", "--db", str(accounts.path), "--user", "clerk1"], idle_lock_ms=20
    )
    try:
        lock = startup.idle_lock
        assert lock is not None
        main = startup.window
        with qtbot.waitSignal(lock.locked, timeout=10_000):
            pass
        assert lock.dialog is not None
        qtbot.keyClicks(lock.dialog.password_edit, "clerkpass1")
        qtbot.keyClick(lock.dialog.password_edit, Qt.Key.Key_Return)
        assert not lock.is_locked()
        assert startup.window is main
    finally:
        startup.close()
        startup.deleteLater()


def test_the_idle_minutes_are_a_setting_and_zero_never_locks(
    accounts: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert accounts.path is not None
    with accounts.write() as session:
        settings_mod.save(session, settings_mod.Settings(idle_lock_minutes=0))
    monkeypatch.setenv("WORKSTATION_PASSWORD", "clerkpass1")
    startup = build(["workstation", "--db", str(accounts.path), "--user", "clerk1"])
    try:
        assert startup.window is not None
        assert startup.idle_lock is None
    finally:
        startup.close()
        startup.deleteLater()
    with accounts.write() as session:
        settings_mod.save(session, settings_mod.Settings(idle_lock_minutes=3))
    startup = build(["workstation", "--db", str(accounts.path), "--user", "clerk1"])
    try:
        assert startup.idle_lock is not None
        assert startup.idle_lock.watcher.timeout_ms == 3 * 60_000
    finally:
        startup.close()
        startup.deleteLater()
