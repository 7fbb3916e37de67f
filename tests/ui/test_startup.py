"""Starting the app: a first run on a fresh data folder, an existing store, stores that fail."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from ui import app as ui_app
from ui.app import DemoSize, Startup, build, parse_args
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.leads import count_leads
from workstation.store import open_store

if TYPE_CHECKING:
    from conftest import MessageBoxes

pytestmark = pytest.mark.gui

Build = Callable[..., Startup]


@pytest.fixture
def start(qtbot: QtBot) -> Iterator[Build]:
    """build(), waiting until the window is up or the start failed; closed after the test."""
    started: list[Startup] = []

    def run(*args: str, demo_size: DemoSize | None = None) -> Startup:
        startup = build(["workstation", *args], demo_size=demo_size)
        started.append(startup)
        qtbot.waitUntil(
            lambda: startup.window is not None or startup.error is not None, timeout=60_000
        )
        return startup

    yield run
    for startup in started:
        startup.close()
        startup.deleteLater()


def test_first_start_on_a_fresh_data_dir_creates_a_demo_store(start: Build, tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"  # does not exist yet
    startup = start("--data-dir", str(data_dir))
    assert startup.error is None
    assert startup.demo_job is not None  # the demo data was generated off the GUI thread
    window = startup.window
    assert window is not None
    assert window.isVisible()
    assert window.windowTitle() == "案件监督工作站"
    store_file = data_dir / "workstation.db"
    assert store_file.is_file()
    assert startup.store is not None
    assert startup.store.path == store_file.resolve()
    assert count_leads(startup.store, IMPLICIT_ADMIN) == DemoSize().leads == 2_000
    assert window.model.rowCount() == 2_000
    assert window.count_label.text() == "共 2,000 条"
    assert str(store_file.resolve()) in window.store_label.text()
    assert window.user_label.text() == "用户：管理员（管理员）"
    assert not window.grab().isNull()


def test_second_start_opens_the_existing_store_without_demo_data(
    start: Build, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = start("--data-dir", str(data_dir), demo_size=DemoSize(leads=30, cases=5))
    assert first.error is None
    first.close()
    again = start("--data-dir", str(data_dir), demo_size=DemoSize(leads=30, cases=5))
    assert again.error is None
    assert again.demo_job is None
    assert again.window is not None
    assert again.window.model.rowCount() == 30


def test_db_option_opens_that_store_and_never_adds_demo_data(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "mine.db"
    open_store(path, create=True).dispose()
    startup = build(["workstation", "--db", str(path), "--data-dir", str(tmp_path / "unused")])
    try:
        # A store without accounts or demo data first offers to create an administrator.
        dialog = startup.first_admin_dialog
        assert dialog is not None
        assert dialog.isVisible()
        assert startup.window is None
        skip = dialog.findChild(QPushButton, "skip")
        assert skip is not None
        assert skip.text() == "暂不设置账户"
        qtbot.mouseClick(skip, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: startup.window is not None)
        assert startup.error is None
        assert startup.demo_job is None
        assert startup.actor == IMPLICIT_ADMIN
        assert not (tmp_path / "unused").exists()
    finally:
        startup.close()
        startup.deleteLater()


def test_cancelling_the_demo_opens_the_empty_store(
    qtbot: QtBot, tmp_path: Path, start: Build
) -> None:
    startup = build(
        ["workstation", "--data-dir", str(tmp_path / "data")],
        demo_size=DemoSize(leads=20_000, cases=0),
    )
    assert startup.demo_job is not None
    startup.demo_job.cancel()  # as the progress dialog's cancel button does
    qtbot.waitUntil(lambda: startup.window is not None or startup.error is not None, timeout=60_000)
    try:
        assert startup.error is None
        assert startup.window is not None
        assert startup.window.model.rowCount() == 0
    finally:
        startup.close()
        startup.deleteLater()


def test_quitting_during_the_demo_stops_it_before_closing_the_store(
    qtbot: QtBot, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    startup = build(["workstation", "--data-dir", str(data_dir)], demo_size=DemoSize(leads=20_000))
    job = startup.demo_job
    assert job is not None
    startup.close()  # as on app.aboutToQuit
    assert job.is_cancelled()
    assert startup.store is None
    qtbot.waitUntil(lambda: job.done)  # the job's end still arrives, and opens nothing
    assert startup.window is None
    startup.deleteLater()
    store = open_store(data_dir / "workstation.db")
    try:
        assert count_leads(store, IMPLICIT_ADMIN) == 0
    finally:
        store.dispose()


def test_a_file_that_is_not_a_store_is_refused_with_a_chinese_message(
    start: Build, tmp_path: Path
) -> None:
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("这不是数据库", encoding="utf-8")
    startup = start("--db", str(not_a_store))
    assert startup.window is None
    assert startup.error is not None
    assert "不是工作站数据库" in startup.error


def test_main_shows_store_errors_in_a_message_box_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_boxes: MessageBoxes
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # main() installs its own
    missing = tmp_path / "missing.db"
    assert ui_app.main(["workstation", "--db", str(missing)]) == 1
    assert len(message_boxes.seen) == 1
    assert "不存在" in message_boxes.texts()[0]
    handler = ui_app.crash_dialog.install()  # the one main() installed (installed once)
    assert sys.excepthook == handler.excepthook
    ui_app.crash_dialog.uninstall()


def test_options() -> None:
    options = parse_args(["main.py", "--db", "x.db", "-platform", "offscreen"])
    assert options.db == "x.db"
    assert options.data_dir is None
    assert parse_args(["main.py", "--data-dir", "d"]).data_dir == "d"


def test_the_app_is_set_up_once_with_names_and_font() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert ui_app.prepare_application(["again"]) is app
    assert app.organizationName() == ui_app.ORGANIZATION_NAME
    assert app.applicationName() == ui_app.APPLICATION_NAME
    assert "WenQuanYi Micro Hei" in app.font().families()
