"""Running a core callable off the GUI thread, with results delivered back on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

# A core job: called with a progress callback (done, total) and a cancel check.
Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]

PROGRESS_DELAY_MS = 500


class BackgroundJob(QObject):
    """One call of `work` on Qt's thread pool.

    The core stays Qt-free: `work(progress, cancelled)` gets a plain progress callback and a
    cancel check. Results cross back to the GUI thread through queued signals.

    Signals:
        progressed(int done, int total): the job reported progress (on the GUI thread).
        succeeded(object result): the job returned.
        failed(object exception): the job raised; the exception object is passed on.
        finished(): after succeeded or failed.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    # Emitted from the worker thread; received by this object's slots on the GUI thread.
    _worker_progress = Signal(int, int)
    _worker_done = Signal(bool, object)

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._running = False
        self.done = False
        self._worker_progress.connect(self._on_worker_progress)
        self._worker_done.connect(self._on_worker_done)

    def start(self) -> None:
        if self._running or self.done:
            raise RuntimeError("a BackgroundJob runs once")
        self._running = True
        QThreadPool.globalInstance().start(self._run)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _run(self) -> None:
        try:
            result = self._work(self._worker_progress.emit, self._cancel.is_set)
        except BaseException as exc:  # delivered to the GUI thread, which decides what to show
            self._worker_done.emit(False, exc)
        else:
            self._worker_done.emit(True, result)

    @Slot(int, int)
    def _on_worker_progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    @Slot(bool, object)
    def _on_worker_done(self, ok: bool, payload: object) -> None:
        self._running = False
        self.done = True
        if ok:
            self.succeeded.emit(payload)
        else:
            self.failed.emit(payload)
        self.finished.emit()


def attach_progress_dialog(
    job: BackgroundJob,
    label: str,
    parent: QWidget | None = None,
    *,
    cancellable: bool = False,
    delay_ms: int = PROGRESS_DELAY_MS,
) -> QProgressDialog:
    """A progress dialog that follows `job` and appears only if it runs longer than `delay_ms`."""
    dialog = QProgressDialog(parent)
    dialog.setLabelText(label)
    dialog.setRange(0, 0)  # busy until the job reports a total
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)
    if not cancellable:
        dialog.setCancelButton(None)
    # Not shown yet: QProgressDialog's own timer would show it at construction time + its
    # minimumDuration; this timer makes the delay explicit and is stopped when the job ends.
    dialog.setMinimumDuration(2**30)
    dialog.hide()
    timer = QTimer(dialog)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(dialog.show)
    timer.start()

    def on_progress(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def on_finished() -> None:
        timer.stop()
        dialog.close()
        dialog.deleteLater()

    job.progressed.connect(on_progress)
    job.finished.connect(on_finished)
    if cancellable:
        dialog.canceled.connect(job.cancel)
    return dialog
