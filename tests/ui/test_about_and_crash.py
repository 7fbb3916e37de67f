"""The About dialog (versions, schema revision, licences) and the crash dialog, driven for real:
exceptions raised from slots and threads reach the installed hooks (pytest-qt's own exception
capture is switched off for those tests with `qt_no_exception_capture`)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt, qWarning
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from ui import crash_dialog
from ui.about_dialog import AboutDialog, LicenceTextDialog
from ui.crash_dialog import CrashDialog, CrashHandler
from ui.main_window import MainWindow
from workstation import diagnostics, version
from workstation.errors import StoreError
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store, head_revision

# Qt's offscreen platform cannot raise a window or pass size hints to a window system, and
# says so when a dialog is raised or fits its size after it is shown; only those are accepted.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"^This plugin does not support (propagateSizeHints|raise)\(\)$"),
]

REPORTER = "欧阳春花"
PHONE = "13912345678"
SUMMARY = "反映其插手他人经济纠纷违规查封财物"
SECRETS = (REPORTER, PHONE, SUMMARY, "经济纠纷")


@pytest.fixture(autouse=True)
def _destroy_closed_windows() -> Iterator[None]:
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


# --- About ------------------------------------------------------------------------------------


def test_about_shows_versions_schema_and_licences(qtbot: QtBot, store: Store) -> None:
    dialog = AboutDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.version_label.text() == version.__version__
    assert dialog.schema is not None
    assert (dialog.schema.store, dialog.schema.current) == (str(store.path), head_revision())
    assert dialog.schema_label.text() == f"{head_revision()}（最新）"

    names = [dialog.model.item(r, 0).text() for r in range(dialog.model.rowCount())]
    assert names[0].startswith("WenQuanYi Micro Hei")
    assert {"SQLAlchemy", "PySide6_Essentials", "reportlab"} <= set(names)
    row = dialog.row_of("SQLAlchemy")
    assert dialog.model.item(row, 2).text() == "MIT"

    # The font's licence, in full.
    dialog.table.setCurrentIndex(dialog.model.index(dialog.row_of("WenQuanYi"), 0))
    qtbot.mouseClick(dialog.licence_button, Qt.MouseButton.LeftButton)
    shown = dialog.licence_dialog
    assert isinstance(shown, LicenceTextDialog)
    text = shown.text.toPlainText()
    assert "WenQuanYi Micro Hei" in text
    assert "Apache License" in text  # the Apache-2.0 text shipped beside it
    shown.close()
    # A library's, by double-click.
    index = dialog.model.index(dialog.row_of("SQLAlchemy"), 0)
    dialog.table.setCurrentIndex(index)
    dialog.table.doubleClicked.emit(index)
    assert dialog.licence_dialog is not None
    assert "Permission is hereby granted" in dialog.licence_dialog.text.toPlainText()


def test_help_about_opens_the_about_dialog(
    qtbot: QtBot, store: Store, settings: QSettings, today: dt.date
) -> None:
    window = MainWindow(store, IMPLICIT_ADMIN, settings=settings, today=today)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert window.about_action.shortcut().toString() == "F1"
    assert window.about_action.text() == "关于(&A)…"
    help_menu = window.menuBar().actions()[-1].menu()
    assert window.about_action in help_menu.actions()
    window.about_action.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.schema is not None
    assert dialog.schema.current == head_revision()
    dialog.close()


def test_about_without_a_store_names_the_revision_expected(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.schema is None
    assert dialog.schema_label.text() == head_revision()
    assert dialog.licence_button.isEnabled()  # the first row (the font) is selected


# --- the crash dialog -------------------------------------------------------------------------


@pytest.fixture
def handler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CrashHandler]:
    """The crash handlers as the app installs them, with the log in a test data folder."""
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path / "data"))
    diagnostics.setup_logging()
    installed = crash_dialog.install(log_versions_after_ms=0)
    yield installed
    crash_dialog.uninstall()
    diagnostics.stop_logging()


def _raising_button(
    qtbot: QtBot, message: str, error: type[Exception] = RuntimeError
) -> QPushButton:
    button = QPushButton("go")
    qtbot.addWidget(button)

    def slot() -> None:
        raise error(message)

    button.clicked.connect(slot)
    return button


def _log_text(tmp_path: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "data" / "logs").glob("workstation.log*")
    )


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_shows_the_crash_dialog_and_a_report_is_saved(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logging.getLogger("workstation.test").info("scan done in 0.10 s cases=3")
    button = _raising_button(qtbot, f"lead of {REPORTER} ({PHONE}): {SUMMARY}")
    with qtbot.waitSignal(handler.dialog_shown) as shown:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]
    assert isinstance(dialog, CrashDialog)
    assert dialog.isVisible()
    assert dialog.headline.text() == "程序遇到意外错误"
    assert dialog.save_button.text() == "保存报告…"
    # The traceback is folded away until asked for.
    assert not dialog.details.isVisible()
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details.isVisible()
    details = dialog.details.toPlainText()
    assert "Traceback (most recent call last)" in details
    assert "RuntimeError: lead of <text> (<phone>): <text>" in details
    assert "in slot" in details

    report = tmp_path / "report.txt"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(report), ""))
    )
    with qtbot.waitSignal(dialog.report_saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    text = report.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text
        assert secret not in _log_text(tmp_path)
    assert f"version: {version.__version__}" in text
    assert "platform: " in text
    assert "qt: 6." in text
    assert "RuntimeError: lead of <text> (<phone>): <text>" in text
    assert "scan done in 0.10 s cases=3" in text  # the last lines of the log
    assert "uncaught exception: RuntimeError" in text
    if os.name == "posix":
        assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert str(report) in dialog.saved.text()

    # The program goes on: the dialog closes, the window that raised still works.
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert button.isEnabled()


@pytest.mark.qt_no_exception_capture
def test_a_storm_of_errors_makes_one_dialog(qtbot: QtBot, handler: CrashHandler) -> None:
    button = _raising_button(qtbot, "again")
    with qtbot.waitSignal(handler.dialog_shown):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    for _ in range(30):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = handler.dialog
    assert dialog is not None
    assert handler.shown == 1
    assert len(dialog.tracebacks) == 31
    assert dialog.more.isVisible()
    assert "30" in dialog.more.text()
    assert len([w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]) == 1
    dialog.accept()
    # The same error again, once the user has seen it: logged, not shown again.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert handler.shown == 1
    assert not dialog.isVisible()


@pytest.mark.qt_no_exception_capture
def test_an_error_inside_the_crash_dialog_is_logged_not_shown(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    button = _raising_button(qtbot, "first")
    with qtbot.waitSignal(handler.dialog_shown) as shown:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = shown.args[0]

    def broken(*_args: object, **_kwargs: object) -> str:
        raise KeyError("report")

    monkeypatch.setattr(diagnostics, "crash_report", broken)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *args, **kwargs: (str(tmp_path / "r.txt"), "")),
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert handler.shown == 1
    assert len(dialog.tracebacks) == 1  # not added to itself either
    assert "KeyError" in _log_text(tmp_path)


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_worker_thread_is_shown_on_the_gui_thread(
    qtbot: QtBot, handler: CrashHandler
) -> None:
    def work() -> None:
        raise ValueError(f"worker saw {PHONE}")

    thread = threading.Thread(target=work, name="worker")
    with qtbot.waitSignal(handler.dialog_shown) as shown:
        thread.start()
    thread.join()
    dialog = shown.args[0]
    assert "ValueError: worker saw <phone>" in dialog.details.toPlainText()


@pytest.mark.qt_no_exception_capture
def test_a_problem_of_the_users_store_shows_its_message_not_a_crash(
    qtbot: QtBot, handler: CrashHandler
) -> None:
    button = _raising_button(qtbot, "数据库已被另一程序锁定", StoreError)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "problemMessage"]
    assert len(boxes) == 1
    box = boxes[0]
    assert isinstance(box, QMessageBox)
    assert box.text() == "数据库已被另一程序锁定"
    assert handler.dialog is None
    box.close()


def test_uninstall_gives_the_hooks_back(qtbot: QtBot) -> None:
    import sys

    before = (sys.excepthook, threading.excepthook)
    crash_dialog.install()
    assert sys.excepthook != before[0]
    crash_dialog.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.mark.qt_log_ignore(r"^diagnostics test warning$")
def test_qt_warnings_reach_the_log_and_the_previous_handler(
    qtbot: QtBot, handler: CrashHandler, tmp_path: Path, qtlog: Any
) -> None:
    qWarning("diagnostics test warning")
    assert "WARNING" in _log_text(tmp_path)
    assert "qt: default: diagnostics test warning" in _log_text(tmp_path)
    # pytest-qt's own handler, installed before ours, still hears it.
    assert [r.message for r in qtlog.records] == ["diagnostics test warning"]
