"""Signing in at start, creating the first administrator, changing one's password."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ui.app import DemoSize, Startup, build
from ui.login import FirstAdminDialog, LoginDialog, PasswordDialog
from workstation.models import AuditEvent
from workstation.services import users
from workstation.services.auth import IMPLICIT_ADMIN, Actor, needs_login, sign_in
from workstation.store import open_store

pytestmark = pytest.mark.gui

BOSS = Actor("boss", "王主任", "admin")


@pytest.fixture(autouse=True)
def _no_password_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKSTATION_PASSWORD", raising=False)


@pytest.fixture
def accounts_path(tmp_path: Path) -> Path:
    """A store file with an admin (boss / bosspass1) and a clerk (clerk1 / clerkpass1)."""
    path = tmp_path / "accounts.db"
    store = open_store(path, create=True)
    try:
        users.create_first_admin(store, "boss", "bosspass1", "王主任")
        users.add_user(store, BOSS, "clerk1", "王录入", "clerk", "clerkpass1")
    finally:
        store.dispose()
    return path


@pytest.fixture
def started() -> Iterator[list[Startup]]:
    runs: list[Startup] = []
    yield runs
    for startup in runs:
        startup.close()
        startup.deleteLater()


def _start(runs: list[Startup], *args: str, **kwargs: object) -> Startup:
    startup = build(["workstation", *args], **kwargs)  # type: ignore[arg-type]
    runs.append(startup)
    return startup


def _sign_in(qtbot: QtBot, dialog: LoginDialog, login: str, password: str) -> None:
    if login:
        dialog.login_edit.clear()
        qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def _actions(store_path: Path) -> list[tuple[str, str]]:
    store = open_store(store_path)
    try:
        with store.read() as session:
            rows = session.execute(select(AuditEvent.user, AuditEvent.action))
            return [(user, action) for user, action in rows]
    finally:
        store.dispose()


# --- the login dialog ----------------------------------------------------------------------


def test_a_store_with_accounts_asks_for_a_login_first(
    qtbot: QtBot, accounts_path: Path, started: list[Startup]
) -> None:
    startup = _start(started, "--db", str(accounts_path))
    dialog = startup.login_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert startup.window is None
    assert dialog.windowTitle() == "登录 — 案件监督工作站"
    _sign_in(qtbot, dialog, "clerk1", "wrong password")
    assert startup.window is None
    assert "密码不正确" in dialog.message.text()
    assert dialog.password_edit.text() == ""  # typed again, not edited
    _sign_in(qtbot, dialog, "", "clerkpass1")
    assert startup.window is not None
    assert startup.actor == Actor("clerk1", "王录入", "clerk")
    assert startup.login_dialog is None
    assert startup.window.isVisible()
    assert ("clerk1", "auth.login") in _actions(accounts_path)


def test_five_wrong_passwords_say_until_when_the_account_is_locked(
    qtbot: QtBot, accounts_path: Path
) -> None:
    store = open_store(accounts_path)
    try:
        dialog = LoginDialog(lambda login, password: sign_in(store, login, password))
        qtbot.addWidget(dialog)
        dialog.show()
        for _ in range(5):
            _sign_in(qtbot, dialog, "clerk1", "wrong password")
        text = dialog.message.text()
        assert "已锁定" in text
        until = users.get_user(store, BOSS, "clerk1").locked_until
        assert until is not None
        local = until.astimezone()
        assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in text
        _sign_in(qtbot, dialog, "clerk1", "clerkpass1")  # the right one: still locked
        assert "已锁定" in dialog.message.text()
        assert dialog.actor is None
        assert dialog.isVisible()
    finally:
        store.dispose()


def test_a_disabled_account_is_refused(qtbot: QtBot, accounts_path: Path) -> None:
    store = open_store(accounts_path)
    try:
        users.disable_user(store, BOSS, "clerk1")
        dialog = LoginDialog(lambda login, password: sign_in(store, login, password))
        qtbot.addWidget(dialog)
        dialog.show()
        _sign_in(qtbot, dialog, "clerk1", "clerkpass1")
        assert "已停用" in dialog.message.text()
        assert dialog.actor is None
        _sign_in(qtbot, dialog, "", "")
        dialog.login_edit.clear()
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        assert dialog.message.text() == "请输入登录名。"
    finally:
        store.dispose()


def test_user_option_and_password_variable_sign_in_without_a_dialog(
    accounts_path: Path, started: list[Startup], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_PASSWORD", "bosspass1")
    startup = _start(started, "--db", str(accounts_path), "--user", "boss")
    assert startup.login_dialog is None
    assert startup.window is not None
    assert startup.actor == BOSS


def test_a_wrong_password_variable_opens_the_dialog_with_the_login_filled_in(
    accounts_path: Path, started: list[Startup], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_PASSWORD", "not it")
    startup = _start(started, "--db", str(accounts_path), "--user", "boss")
    dialog = startup.login_dialog
    assert dialog is not None
    assert dialog.login_edit.text() == "boss"
    assert "密码不正确" in dialog.message.text()
    assert dialog.focusWidget() is dialog.password_edit


def test_cancelling_the_login_quits_without_a_window(
    qtbot: QtBot, accounts_path: Path, started: list[Startup]
) -> None:
    startup = _start(started, "--db", str(accounts_path))
    assert startup.login_dialog is not None
    with qtbot.waitSignal(startup.cancelled):
        qtbot.keyClick(startup.login_dialog, Qt.Key.Key_Escape)
    assert startup.window is None
    assert startup.error == "未登录。"


# --- the first administrator -----------------------------------------------------------------


def _fill_first_admin(
    qtbot: QtBot, dialog: FirstAdminDialog, login: str, name: str, password: str, repeat: str
) -> None:
    dialog.name_edit.setText(name)  # Qt's test keys are ASCII only
    for edit, text in (
        (dialog.login_edit, login),
        (dialog.password_edit, password),
        (dialog.repeat_edit, repeat),
    ):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_a_new_store_without_accounts_asks_for_the_first_administrator(
    qtbot: QtBot, tmp_path: Path, started: list[Startup]
) -> None:
    path = tmp_path / "new.db"
    open_store(path, create=True).dispose()
    startup = _start(started, "--db", str(path))
    dialog = startup.first_admin_dialog
    assert dialog is not None
    assert startup.window is None
    _fill_first_admin(qtbot, dialog, "boss", "王主任", "bosspass1", "bosspass2")
    assert dialog.message.text() == "两次输入的密码不一致。"
    assert dialog.focusWidget() is dialog.repeat_edit
    _fill_first_admin(qtbot, dialog, "boss", "王主任", "short", "short")
    assert "至少 8 位" in dialog.message.text()
    assert startup.window is None
    _fill_first_admin(qtbot, dialog, "boss", "王主任", "bosspass1", "bosspass1")
    assert startup.window is not None
    assert startup.actor == BOSS
    assert startup.account_menu is not None
    names = [a.objectName() for a in startup.account_menu.actions()]
    assert names == ["lockAction", "changePasswordAction"]
    store = open_store(path)
    try:
        assert needs_login(store)
        assert sign_in(store, "boss", "bosspass1") == BOSS
    finally:
        store.dispose()


def test_the_demo_store_opens_at_once_and_offers_an_administrator_from_the_menu(
    qtbot: QtBot, tmp_path: Path, started: list[Startup]
) -> None:
    startup = _start(started, "--data-dir", str(tmp_path / "data"), demo_size=DemoSize(10, 2))
    qtbot.waitUntil(lambda: startup.window is not None, timeout=60_000)
    assert startup.first_admin_dialog is None
    assert startup.actor == IMPLICIT_ADMIN
    assert startup.idle_lock is None  # nobody to ask a password of
    assert startup.account_menu is not None
    (create,) = startup.account_menu.actions()
    assert create.objectName() == "createAdminAction"
    assert create.text() == "创建管理员(&A)…"
    old_window = startup.window
    create.trigger()
    dialog = startup.first_admin_dialog
    assert dialog is not None
    assert dialog.findChild(QPushButton, "cancel") is not None  # no "without accounts" here
    _fill_first_admin(qtbot, dialog, "boss", "王主任", "bosspass1", "bosspass1")
    assert startup.actor == BOSS
    assert startup.window is not None
    assert startup.window is not old_window  # reopened as the administrator
    assert startup.idle_lock is not None


# --- changing one's password ------------------------------------------------------------------


def test_changing_ones_own_password_asks_for_the_current_one(
    qtbot: QtBot, accounts_path: Path, started: list[Startup], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_PASSWORD", "clerkpass1")
    startup = _start(started, "--db", str(accounts_path), "--user", "clerk1")
    assert startup.window is not None
    startup.change_own_password()
    dialog = startup.window.findChild(PasswordDialog)
    assert dialog is not None
    assert dialog.old_edit is not None
    qtbot.keyClicks(dialog.old_edit, "not it")
    qtbot.keyClicks(dialog.new_edit, "newclerkpass")
    qtbot.keyClicks(dialog.repeat_edit, "newclerkpass")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "原密码不正确"
    assert dialog.isVisible()
    dialog.old_edit.clear()
    qtbot.keyClicks(dialog.old_edit, "clerkpass1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert startup.store is not None
    assert sign_in(startup.store, "clerk1", "newclerkpass", now=dt.datetime.now(dt.UTC)).login
