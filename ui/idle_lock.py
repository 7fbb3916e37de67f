"""Locking the app after some minutes without input, and unlocking it with the same password.

Nothing is torn down: every open window is covered (its data hidden, its unsaved edits kept)
and an application-modal dialog asks for the signed-in user's password. Idleness is seen by
an application event filter on input events.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.login import fix_size, message_label, password_edit
from workstation.errors import WorkstationError

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` once no input reached the application for `timeout_ms`.

    The filter only notes the time of the last input (cheap: it sees every event); a
    single-shot timer checks when the time could be up and re-arms itself for the rest.
    `clock` (seconds, monotonic) is injectable for tests.

    Signals:
        idle(): no input for timeout_ms; the watcher stops until started again.
    """

    idle = Signal()

    def __init__(
        self,
        timeout_ms: int,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.timeout_ms = max(1, int(timeout_ms))
        self._clock = clock
        self._last = clock()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._installed = False

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._last = self._clock()
        self._timer.start(self.timeout_ms)

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def is_running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self._last = self._clock()
        return False

    @Slot()
    def check(self) -> None:
        """Emit `idle` if the time is up, else wait for the rest of it."""
        left_ms = self.timeout_ms - int((self._clock() - self._last) * 1000)
        if left_ms > 0:
            self._timer.start(left_ms)
            return
        self._timer.stop()
        self.idle.emit()


class Cover(QWidget):
    """An opaque panel over a whole window: its data hidden, its widgets left as they are."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        label = QLabel(self.tr("Locked"), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        window.installEventFilter(self)
        self._fit()
        self.show()
        self.raise_()

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        elif event.type() == QEvent.Type.ChildAdded:
            self.raise_()  # stay above widgets added to the window while locked
        return False


class LockDialog(QDialog):
    """Asks the signed-in user's password; it cannot be closed any other way but Quit.

    Signals:
        unlock_requested(str): the password typed.
        quit_requested(): the user chose to quit instead.
    """

    unlock_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, who: str, minutes: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockDialog")
        self.setWindowTitle(self.tr("Workstation locked"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        if minutes >= 1:
            why = self.tr("Locked after {n} minutes without use.").format(n=round(minutes))
        else:
            why = self.tr("Locked.")
        text = QLabel(
            why
            + " "
            + self.tr("Enter the password of {who} to continue; unsaved work is kept.").format(
                who=who
            ),
            self,
        )
        text.setWordWrap(True)
        self.password_edit = password_edit(self, "password")
        self.message = message_label(self)
        self.buttons = QDialogButtonBox(self)
        self.unlock_button = self.buttons.addButton(
            self.tr("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.quit_button = self.buttons.addButton(
            self.tr("Quit"), QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.quit_button.clicked.connect(self.quit_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.password_edit)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fix_size(self)
        self.password_edit.setFocus()

    @Slot()
    def _unlock(self) -> None:
        self.unlock_requested.emit(self.password_edit.text())

    def show_problem(self, text: str) -> None:
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.message.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.ignore()  # Esc does not unlock
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        pass  # only the right password (or Quit) ends the lock

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()

    def finish(self) -> None:
        super().done(QDialog.DialogCode.Accepted)


class IdleLock(QObject):
    """Locks `window` (and every other open window) after `timeout_ms` without input.

    `unlock(password)` checks the password of the user who is signed in (raising the service's
    AuthError, e.g. a lockout after five wrong ones). Quit asks the window to close; if it
    refuses (unsaved work it wants to ask about), the lock stays.

    Signals:
        locked(): the windows were covered and the password is asked for.
        unlocked(): the right password was given; everything is as it was.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        unlock: Callable[[str], Any],
        *,
        who: str,
        timeout_ms: int,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self._unlock = unlock
        self._who = who
        self.watcher = IdleWatcher(timeout_ms, self, clock=clock)
        self.watcher.idle.connect(self.lock)
        self.dialog: LockDialog | None = None
        self.covers: list[Cover] = []
        self.watcher.start()

    def is_locked(self) -> bool:
        return self.dialog is not None

    @Slot()
    def lock(self) -> None:
        if self.is_locked():
            return
        self.watcher.stop()
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and not isinstance(top, LockDialog):
                self.covers.append(Cover(top))
        self.dialog = LockDialog(self._who, self.watcher.timeout_ms / 60_000, self.window)
        self.dialog.unlock_requested.connect(self._try_unlock)
        self.dialog.quit_requested.connect(self._quit)
        # show(), not open(): open() would make it modal to the main window only, leaving
        # other windows (a quick-entry dialog) usable.
        self.dialog.show()
        self.locked.emit()

    @Slot(str)
    def _try_unlock(self, password: str) -> None:
        assert self.dialog is not None
        try:
            self._unlock(password)
        except WorkstationError as exc:
            self.dialog.show_problem(exc.message)
            return
        self._end()
        self.watcher.start()
        self.unlocked.emit()

    def _end(self) -> None:
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog.deleteLater()
            self.dialog = None
        for cover in self.covers:
            cover.hide()
            cover.deleteLater()
        self.covers = []

    @Slot()
    def _quit(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        dialog.hide()
        if self.window.close():
            self._end()
            return
        dialog.show()  # the window would not close: stay locked

    def stop(self) -> None:
        """No more locking (the window is closing)."""
        self.watcher.stop()
        self._end()
