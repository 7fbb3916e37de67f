"""The start-up screen: a store at an older revision is backed up and upgraded behind it, a big
store's integrity check runs behind it, and the window follows; never a frozen window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from ui import app as ui_app
from ui.app import Startup, build
from ui.splash import StartupSplash
from workstation.demo import generate
from workstation.services import users
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.leads import count_leads
from workstation.store import (
    Store,
    crypto,
    current_revision,
    head_revision,
    open_store,
    start_check,
    to_url,
)
from workstation.store.backup import list_backups
from workstation.store.encrypting import encrypt_store
from workstation.store.migrate import alembic_config

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]

PASSWORD = "correct horse 1"
FAST_KDF = crypto.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def startups() -> Iterator[list[Startup]]:
    made: list[Startup] = []
    yield made
    for startup in made:
        startup.close()
        startup.deleteLater()


def _store_at(path: Path, revision: str) -> None:
    """A fresh store migrated to `revision` with Alembic (as an older workstation left it)."""
    store = Store(to_url(path))
    try:
        with store.engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    finally:
        store.dispose()


def _follow(splash: StartupSplash) -> list[str]:
    """The splash's messages: the one shown now, then each one after."""
    seen = [splash.text()]
    splash.message_changed.connect(seen.append)
    return seen


def test_an_older_store_is_backed_up_and_upgraded_behind_the_splash(
    qtbot: QtBot, tmp_path: Path, startups: list[Startup]
) -> None:
    path = tmp_path / "old.db"
    _store_at(path, "0004")
    startup = build(["workstation", "--db", str(path)])
    startups.append(startup)
    # Start-up goes on in the event loop: the splash is up, nothing else yet.
    splash = startup.splash
    assert isinstance(splash, StartupSplash)
    assert splash.isVisible()
    assert startup.window is None
    assert startup.first_admin_dialog is None
    seen = _follow(splash)
    # The store holds no accounts and no demo data: the first-administrator offer follows.
    qtbot.waitUntil(lambda: startup.first_admin_dialog is not None, timeout=60_000)
    assert seen == ["正在检查数据库…", "正在备份…", "正在升级数据库结构…"]
    assert startup.splash is None  # closed (and deleted) before the dialog showed
    skip = startup.first_admin_dialog.findChild(QPushButton, "skip")
    assert skip is not None
    qtbot.mouseClick(skip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: startup.window is not None)
    assert startup.error is None
    assert startup.store is not None
    assert startup.store.path == path.resolve()
    assert current_revision(startup.store) == head_revision()
    assert startup.window.isVisible()
    assert startup.window.model.rowCount() == 0
    [backup] = [b for b in list_backups(path) if b.label == "before-migration-0004"]
    assert backup.path.is_file()


def test_a_big_stores_check_runs_behind_the_splash_once(
    qtbot: QtBot, tmp_path: Path, startups: list[Startup], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.db"
    store = open_store(path, create=True)
    generate(store, IMPLICIT_ADMIN, leads=40, cases=5)
    store.dispose()
    monkeypatch.setattr(ui_app, "CHECK_INLINE_BYTES", 0)  # as if it were a big store
    first = build(["workstation", "--db", str(path)])
    startups.append(first)
    assert isinstance(first.splash, StartupSplash)
    seen = _follow(first.splash)
    qtbot.waitUntil(lambda: first.window is not None or first.error is not None, timeout=60_000)
    assert first.error is None
    assert seen == ["正在检查数据库…"]  # at the newest revision: no backup, no migration
    assert first.window is not None
    assert first.window.model.rowCount() == 40
    qtbot.waitUntil(lambda: first.backup_job is None or first.backup_job.done, timeout=60_000)
    first.close()
    # Closed cleanly after a passing check: the next start trusts the file, no splash.
    assert not start_check.check_due(path.resolve())
    again = build(["workstation", "--db", str(path)])
    startups.append(again)
    assert again.splash is None
    assert again.window is not None
    assert again.store is not None
    assert count_leads(again.store, IMPLICIT_ADMIN) == 40


# The restore offer is a QMessageBox (see tests/ui/conftest.py).
@pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")
def test_a_damaged_big_store_is_not_opened_behind_the_splash(
    qtbot: QtBot, tmp_path: Path, startups: list[Startup], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "damaged.db"
    store = open_store(path, create=True)
    generate(store, IMPLICIT_ADMIN, leads=200, cases=20)
    store.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 5):  # scribble over b-tree pages
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    monkeypatch.setattr(ui_app, "CHECK_INLINE_BYTES", 0)
    startup = build(["workstation", "--db", str(path)])
    startups.append(startup)
    assert startup.splash is not None
    qtbot.waitUntil(lambda: startup.restore_box is not None or startup.error is not None)
    assert startup.window is None
    assert startup.store is None
    assert startup.splash is None
    assert startup.damage_check is not None
    assert not startup.damage_check.ok
    assert start_check.check_due(path.resolve())


def test_an_encrypted_big_store_is_checked_behind_the_splash_after_the_login(
    qtbot: QtBot, tmp_path: Path, startups: list[Startup], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.db"
    store = open_store(path, create=True)
    users.create_first_admin(store, "boss", PASSWORD)
    store.dispose()
    encrypt_store(path, "boss", PASSWORD, params=FAST_KDF)
    monkeypatch.setattr(ui_app, "CHECK_INLINE_BYTES", 0)
    startup = build(["workstation", "--db", str(path)])
    startups.append(startup)
    qtbot.waitUntil(lambda: startup.login_dialog is not None)
    dialog = startup.login_dialog
    assert dialog is not None
    assert startup.splash is None  # the key is needed first
    dialog.login_edit.setText("boss")
    dialog.password_edit.setText(PASSWORD)
    dialog.ok_button.click()
    assert isinstance(startup.splash, StartupSplash)
    assert startup.splash.text() == "正在检查数据库…"
    assert startup.login_dialog is None
    qtbot.waitUntil(lambda: startup.window is not None or startup.error is not None, timeout=60_000)
    assert startup.error is None
    assert startup.splash is None
    assert startup.store is not None
    assert startup.store.is_encrypted
    assert startup.actor is not None
    assert startup.actor.login == "boss"
