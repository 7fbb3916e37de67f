"""Unexpected errors: logged, then shown in a dialog with the traceback and a report to save.

`install()` makes `CrashHandler` the program's `sys.excepthook` (exceptions escaping Qt slots
and event handlers land there), its `threading.excepthook` (errors in worker threads, shown on
the GUI thread) and its Qt message handler (Qt's warnings go to the log; a fatal message, after
which Qt aborts, leaves a report in the logs folder). Problems of the user's data or
environment (WorkstationError) get their Chinese message instead, without a traceback.

The dialog is not modal: the program keeps running behind it. One dialog at a time: errors
that happen while it is open are added to it (a storm of errors makes one dialog), an error
the user has already seen is only logged after that, and an error raised by the crash
dialog's own code is only logged, never shown again (no recursion).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    Signal,
    Slot,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation import diagnostics
from workstation.errors import WorkstationError

EX_SOFTWARE = 70  # the exit status after the user chose to quit on a crash
MAX_DIALOGS = 10  # per session; later errors are only logged
REPORT_PATTERN = "workstation-report-{stamp}.txt"

_log = logging.getLogger(__name__)


def _qt_extra() -> dict[str, str]:
    import PySide6

    return {"qt": qVersion(), "pyside6": PySide6.__version__}


def default_report_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now().astimezone()
    return REPORT_PATTERN.format(stamp=now.strftime("%Y%m%d-%H%M%S"))


class CrashDialog(QDialog):
    """Says that the program hit an unexpected error, shows the (scrubbed) traceback under
    "Details", and offers to save a report, to continue, or to quit.

    Signals:
        report_saved(str): the path of the report just written.
    """

    report_saved = Signal(str)

    def __init__(self, traceback_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Unexpected error"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.tracebacks: list[str] = [traceback_text]

        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.headline = QLabel(self.tr("The program ran into an unexpected error"), self)
        self.headline.setObjectName("crashHeadline")
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.explanation = QLabel(
            self.tr(
                "Your data is safe: the change that was under way was not saved. You can "
                "continue working. If it happens again, save a report and give it to the "
                "maintainers; it holds no names, phone numbers or lead text."
            ),
            self,
        )
        self.explanation.setWordWrap(True)
        self.more = QLabel(self)
        self.more.setObjectName("moreErrors")
        self.more.hide()
        self.saved = QLabel(self)
        self.saved.setObjectName("reportSaved")
        self.saved.setWordWrap(True)
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved.hide()

        self.details_button = QToolButton(self)
        self.details_button.setObjectName("detailsButton")
        self.details_button.setText(self.tr("Details"))
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.toggled.connect(self._show_details)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setMinimumHeight(220)
        self.details.setPlainText(traceback_text)
        self.details.hide()

        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(self.tr("Save report…"), self)
        self.save_button.setObjectName("saveReportButton")
        self.continue_button = QPushButton(self.tr("Continue"), self)
        self.continue_button.setObjectName("continueButton")
        self.quit_button = QPushButton(self.tr("Quit the program"), self)
        self.quit_button.setObjectName("quitButton")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setDefault(True)
        self.save_button.clicked.connect(self.ask_save)
        self.continue_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self.quit_program)

        text = QVBoxLayout()
        text.addWidget(self.headline)
        text.addWidget(self.explanation)
        text.addWidget(self.more)
        text.addWidget(self.saved)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def add_error(self, traceback_text: str) -> None:
        """Another error while this dialog is open: counted and added to the details."""
        self.tracebacks.append(traceback_text)
        extra = len(self.tracebacks) - 1
        self.more.setText(self.tr("More errors happened since: {count}").format(count=extra))
        self.more.show()
        self.details.setPlainText("\n\n".join(self.tracebacks))

    @Slot(bool)
    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.adjustSize()

    def report_text(self) -> str:
        return diagnostics.crash_report(self.tracebacks, extra=_qt_extra())

    def save_report(self, path: str | Path) -> Path:
        """Write the report (readable by its owner only) and say where it went."""
        written = diagnostics.write_private_text(path, self.report_text())
        _log.info("crash report saved (%s)", diagnostics.describe_file(written))
        self.saved.setText(self.tr("Report saved: {path}").format(path=written))
        self.saved.show()
        self.report_saved.emit(str(written))
        return written

    @Slot()
    def ask_save(self) -> None:
        suggested = Path.home() / default_report_name()
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save error report"), str(suggested), self.tr("Text file (*.txt)")
        )
        if not path:
            return
        try:
            self.save_report(path)
        except OSError as exc:
            _log.warning("crash report not saved: %s", type(exc).__name__)
            self.saved.setText(
                self.tr("The report could not be saved: {reason}").format(
                    reason=exc.strerror or type(exc).__name__
                )
            )
            self.saved.show()

    @Slot()
    def quit_program(self) -> None:
        self.done(QDialog.DialogCode.Rejected)
        QApplication.exit(EX_SOFTWARE)


class CrashHandler(QObject):
    """The hooks `install()` puts in place; made on the GUI thread, after the QApplication.

    Signals:
        dialog_shown(CrashDialog): a new crash dialog is on screen (tests wait for it).
    """

    dialog_shown = Signal(object)
    # Errors of other threads cross to the GUI thread through this (queued) signal.
    _from_thread = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.shown = 0
        self.seen: set[tuple[str, str, int]] = set()
        self.message_boxes: list[QMessageBox] = []
        self._handling = False
        self._previous_hook: Callable[..., Any] | None = None
        self._previous_thread_hook: Callable[..., Any] | None = None
        self._previous_qt_handler: Any = None
        self._installed = False
        self._from_thread.connect(self._on_thread_error, Qt.ConnectionType.QueuedConnection)

    # --- installing -------------------------------------------------------------------------

    def install(self) -> None:
        if self._installed:
            return
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        self._previous_qt_handler = qInstallMessageHandler(self.qt_message)
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_hook or sys.__excepthook__
        if threading.excepthook == self.thread_excepthook:
            threading.excepthook = self._previous_thread_hook or threading.__excepthook__
        current = qInstallMessageHandler(self._previous_qt_handler)
        if current != self.qt_message:
            qInstallMessageHandler(current)  # replaced since by someone else: theirs stays
        self._installed = False
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    @Slot()
    def log_quitting(self) -> None:
        _log.info("app quitting")  # a log that ends without this line ended in a crash or kill

    # --- the hooks --------------------------------------------------------------------------

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            (self._previous_hook or sys.__excepthook__)(exc_type, exc, tb)
            return
        self._record(exc_type, exc, tb, "uncaught")
        if QCoreApplication.instance() is None:
            return  # no app (it is gone, or not made yet): logged and printed only
        if threading.current_thread() is not threading.main_thread():
            self._from_thread.emit((exc_type, exc, tb))
            return
        self.show_error(exc_type, exc, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        self._record(args.exc_type, args.exc_value, args.exc_traceback, "thread")
        self._from_thread.emit((args.exc_type, args.exc_value, args.exc_traceback))

    @Slot(object)
    def _on_thread_error(self, info: object) -> None:
        exc_type, exc, tb = info  # type: ignore[misc]
        self.show_error(exc_type, exc, tb)

    def qt_message(self, mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        level = {
            QtMsgType.QtDebugMsg: logging.DEBUG,
            QtMsgType.QtInfoMsg: logging.INFO,
            QtMsgType.QtWarningMsg: logging.WARNING,
            QtMsgType.QtCriticalMsg: logging.ERROR,
            QtMsgType.QtFatalMsg: logging.CRITICAL,
        }.get(mode, logging.WARNING)
        logging.getLogger("qt").log(level, "%s: %s", context.category or "default", message)
        if mode == QtMsgType.QtFatalMsg:
            # Qt aborts the process when this returns: no dialog, but a report on disk.
            self._fatal_report(message)
        previous = self._previous_qt_handler
        if previous is not None:
            previous(mode, context, message)
        else:  # what Qt's default handler does
            category = context.category or "default"
            prefix = "" if category == "default" else f"{category}: "
            sys.stderr.write(f"{prefix}{message}\n")

    # --- showing ----------------------------------------------------------------------------

    def _record(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        where: str,
    ) -> None:
        """Log the error and print it for whoever runs the program from a terminal."""
        try:
            if isinstance(exc, WorkstationError):
                _log.warning("%s problem: %s", where, exc_type.__name__)
            else:
                diagnostics.log_uncaught(exc_type, exc, tb, where)
            traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        except Exception:  # a broken log or stderr must not hide the error
            pass

    def show_error(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """On the GUI thread: the dialog (or the user's message), within the guards."""
        if self._handling or _raised_by_this_module(tb):
            return  # an error while showing an error: logged, never shown (no recursion)
        self._handling = True
        try:
            if isinstance(exc, WorkstationError):
                self._show_message(exc.message)
                return
            text = diagnostics.format_exception(exc_type, exc, tb)
            if self.dialog is not None and self.dialog.isVisible():
                self.dialog.add_error(text)
                return
            signature = _signature(exc_type, tb)
            if signature in self.seen or self.shown >= MAX_DIALOGS:
                return  # already shown once this session: logged only
            self.seen.add(signature)
            self.shown += 1
            if self.dialog is not None:
                self.dialog.deleteLater()
            # A window of its own: it must outlive whichever window was active when it failed.
            self.dialog = CrashDialog(text)
            self.dialog.show()
            self.dialog.raise_()
            self.dialog_shown.emit(self.dialog)
        except Exception:  # the dialog itself failed: log it, keep the program
            _log.exception("the crash dialog failed")
        finally:
            self._handling = False

    def _show_message(self, message: str) -> None:
        parent = QApplication.activeWindow()
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible() and box.text() == message:
                return  # the same message is on screen already
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("CrashDialog", "Case Supervision Workstation"),
            message,
            QMessageBox.StandardButton.Close,
            parent,
        )
        box.setObjectName("problemMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Without a parent window nothing else keeps the box alive while it is on screen.
        self.message_boxes.append(box)
        box.finished.connect(lambda _result: self.message_boxes.remove(box))
        box.show()

    def _fatal_report(self, message: str) -> None:
        try:
            folder = diagnostics.active_log_folder()
            path = folder / default_report_name()
            text = diagnostics.crash_report([f"Qt fatal error: {message}"], extra=_qt_extra())
            diagnostics.write_private_text(path, text)
        except Exception:  # the process is about to abort anyway
            pass


def _signature(exc_type: type[BaseException], tb: TracebackType | None) -> tuple[str, str, int]:
    """The same error again: the same type raised at the same place."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    last = frames[-1] if frames else None
    return (exc_type.__qualname__, last.filename if last else "", (last.lineno or 0) if last else 0)


def _raised_by_this_module(tb: TracebackType | None) -> bool:
    return any(Path(frame.filename) == Path(__file__) for frame in traceback.extract_tb(tb))


_handler: CrashHandler | None = None


def install(*, log_versions_after_ms: int = 3_000) -> CrashHandler:
    """Install the handlers (once); after the QApplication exists. The versions go to the log
    a little later, when the window is up (reading them costs start-up time)."""
    global _handler
    if _handler is None:
        _handler = CrashHandler(QApplication.instance())
        QTimer.singleShot(
            log_versions_after_ms, _handler, lambda: diagnostics.log_versions(**_qt_extra())
        )
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_handler.log_quitting)
    _handler.install()
    return _handler


def uninstall() -> None:
    global _handler
    if _handler is not None:
        _handler.uninstall()
        _handler.deleteLater()
        _handler = None
