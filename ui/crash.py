"""Uncaught exceptions: a message for problems of the user's data, a crash report for bugs."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from workstation.errors import WorkstationError

_showing = False


def show_error(message: str) -> None:
    """A problem with the user's data or environment: their Chinese message, no traceback."""
    QMessageBox.warning(
        QApplication.activeWindow(),
        QCoreApplication.translate("CrashDialog", "Case Supervision Workstation"),
        message,
    )


def show_crash(details: str) -> None:
    """A bug: say so plainly, and give the traceback to copy into a report."""
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("CrashDialog", "Unexpected error"))
    box.setText(
        QCoreApplication.translate("CrashDialog", "The workstation hit an unexpected error.")
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "CrashDialog",
            "Your data is safe: unfinished changes were not saved. Please send the details "
            "below to the administrator. You can keep working or quit.",
        )
    )
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ignore | QMessageBox.StandardButton.Close)
    box.button(QMessageBox.StandardButton.Ignore).setText(
        QCoreApplication.translate("CrashDialog", "Keep working")
    )
    box.button(QMessageBox.StandardButton.Close).setText(
        QCoreApplication.translate("CrashDialog", "Quit")
    )
    box.setDefaultButton(QMessageBox.StandardButton.Ignore)
    if box.exec() == QMessageBox.StandardButton.Close:
        QApplication.exit(70)  # EX_SOFTWARE


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the GUI: never lets an exception pass silently, never stacks dialogs."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt) or QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(details)
    if _showing:
        return
    _showing = True
    try:
        if isinstance(exc, WorkstationError):
            show_error(exc.message)
        else:
            show_crash(details)
    finally:
        _showing = False


def install() -> None:
    sys.excepthook = excepthook
