"""Starting the app on an encrypted store, on a damaged store, and the daily backup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from ui.app import Startup, build
from ui.login import LoginDialog
from workstation.services import leads, users
from workstation.services.auth import IMPLICIT_ADMIN, Actor
from workstation.store import crypto, open_store
from workstation.store.backup import list_backups, take_backup
from workstation.store.encrypting import encrypt_store
from workstation.store.engine import raw_connect

# The restore offer is a message box: offscreen Qt says it cannot pass its size hints on.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

PASSWORD = "correct horse 1"
BOSS = Actor(login="boss", display_name="boss", role="admin")
FAST = crypto.KdfParams(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def started() -> Iterator[list[Startup]]:
    made: list[Startup] = []
    yield made
    for startup in made:
        startup.close()


def _start(started: list[Startup], path: Path) -> Startup:
    startup = build(["workstation", "--db", str(path)])
    started.append(startup)
    return startup


def _login_dialog(qtbot: QtBot, startup: Startup) -> LoginDialog:
    qtbot.waitUntil(lambda: startup.login_dialog is not None, timeout=10_000)
    assert startup.login_dialog is not None
    return startup.login_dialog


def _go_on_without_accounts(qtbot: QtBot, startup: Startup) -> None:
    qtbot.waitUntil(lambda: startup.first_admin_dialog is not None, timeout=20_000)
    assert startup.first_admin_dialog is not None
    skip = startup.first_admin_dialog.findChild(QPushButton, "skip")
    assert skip is not None
    skip.click()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)


def _damage(path: Path) -> None:
    """Overwrite the header of the leads table's root page (its b-tree page type and cell
    counts): SQLite's quick check reports it, whatever rows the page holds."""
    conn = raw_connect(path, None, read_only=True)
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'leads'").fetchone()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    with path.open("r+b") as f:
        f.seek((int(root[0]) - 1) * int(page_size))
        f.write(b"\xa5" * 16)


def test_an_encrypted_store_opens_with_the_users_own_password(
    qtbot: QtBot, tmp_path: Path, started: list[Startup]
) -> None:
    path = tmp_path / "ws.db"
    store = open_store(path, create=True)
    users.create_first_admin(store, "boss", PASSWORD)
    leads.create_lead(store, BOSS, {"received_on": "2021-03-01", "summary": "秘密线索内容"})
    store.dispose()
    encrypt_store(path, "boss", PASSWORD, params=FAST)

    startup = _start(started, path)
    dialog = _login_dialog(qtbot, startup)
    assert "加密" in dialog.intro.text()
    dialog.login_edit.setText("boss")
    dialog.password_edit.setText("not the password")
    dialog.ok_button.click()
    assert startup.window is None
    assert "密码不正确" in dialog.message.text()

    dialog.password_edit.setText(PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=10_000)
    assert startup.store is not None
    assert startup.store.is_encrypted
    assert startup.actor is not None
    assert startup.actor.login == "boss"
    assert leads.count_leads(startup.store, startup.actor) == 1


def test_a_damaged_store_is_not_opened_and_its_latest_backup_is_offered(
    qtbot: QtBot, tmp_path: Path, started: list[Startup]
) -> None:
    path = tmp_path / "ws.db"
    store = open_store(path, create=True)
    for day in range(1, 41):
        leads.create_lead(
            store,
            IMPLICIT_ADMIN,
            {"received_on": f"2021-03-{day % 28 + 1:02d}", "summary": f"第{day}条线索" * 20},
        )
    backup = take_backup(store, label="manual")
    store.dispose()
    _damage(path)

    startup = _start(started, path)
    qtbot.waitUntil(lambda: startup.restore_box is not None, timeout=10_000)
    box = startup.restore_box
    assert box is not None
    assert startup.window is None
    assert "已损坏" in box.text()
    assert backup.path.name in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()

    # Restored, the store starts as any store without accounts: the first-admin offer.
    _go_on_without_accounts(qtbot, startup)
    assert startup.store is not None
    assert leads.count_leads(startup.store, IMPLICIT_ADMIN) == 40
    # The damaged file was kept as a copy, not thrown away.
    assert any(info.label == "damaged" for info in list_backups(path))


def test_refusing_the_restore_ends_the_start_with_the_damage_named(
    qtbot: QtBot, tmp_path: Path, started: list[Startup]
) -> None:
    path = tmp_path / "ws.db"
    store = open_store(path, create=True)
    for day in range(1, 41):
        leads.create_lead(
            store, IMPLICIT_ADMIN, {"received_on": "2021-03-01", "summary": f"线索{day}" * 30}
        )
    take_backup(store, label="manual")
    store.dispose()
    _damage(path)
    damaged = path.read_bytes()

    startup = _start(started, path)
    qtbot.waitUntil(lambda: startup.restore_box is not None, timeout=10_000)
    assert startup.restore_box is not None
    startup.restore_box.button(QMessageBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: startup.error is not None, timeout=10_000)
    assert "已损坏" in (startup.error or "")
    assert startup.window is None
    assert path.read_bytes() == damaged


def test_the_first_start_of_a_day_takes_a_backup_in_the_background(
    qtbot: QtBot, tmp_path: Path, started: list[Startup]
) -> None:
    path = tmp_path / "ws.db"
    store = open_store(path, create=True)
    leads.create_lead(store, IMPLICIT_ADMIN, {"received_on": "2021-03-01", "summary": "一条线索"})
    store.dispose()

    startup = _start(started, path)
    _go_on_without_accounts(qtbot, startup)
    qtbot.waitUntil(
        lambda: startup.backup_job is not None and startup.backup_job.done, timeout=20_000
    )
    QApplication.processEvents()
    assert [info.label for info in list_backups(path)] == ["daily"]

    # A second start the same day takes none.
    startup.close()
    again = _start(started, path)
    _go_on_without_accounts(qtbot, again)
    qtbot.waitUntil(lambda: again.backup_job is not None and again.backup_job.done, timeout=20_000)
    assert [info.label for info in list_backups(path)] == ["daily"]
