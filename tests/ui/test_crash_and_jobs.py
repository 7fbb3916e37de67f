"""The background job helper that keeps long work off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from ui.jobs import BackgroundJob, attach_progress_dialog
from workstation.errors import StoreError

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.gui


def _wait_for_gate(gate: threading.Event) -> Callable[..., object]:
    def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> object:
        progress(1, 4)
        if not gate.wait(10):
            raise TimeoutError("the test never opened the gate")
        if cancelled():
            raise StoreError("已取消")
        progress(4, 4)
        return (threading.current_thread() is threading.main_thread(), "done")

    return work


def test_job_runs_off_the_gui_thread_and_reports_on_it(qtbot: QtBot) -> None:
    gate = threading.Event()
    job = BackgroundJob(_wait_for_gate(gate))
    progress: list[tuple[int, int]] = []
    threads: list[QThread] = []
    job.progressed.connect(lambda done, total: progress.append((done, total)))
    job.succeeded.connect(lambda _result: threads.append(QThread.currentThread()))
    job.start()
    qtbot.waitUntil(lambda: progress == [(1, 4)])  # the GUI stays responsive meanwhile
    with qtbot.waitSignal(job.succeeded) as result:
        gate.set()
    assert result.args == [(False, "done")]  # the work ran on a pool thread...
    assert threads == [QApplication.instance().thread()]  # ...and reported on the GUI thread
    assert progress == [(1, 4), (4, 4)]
    assert job.done


def test_job_failure_and_cancel_arrive_as_failed(qtbot: QtBot) -> None:
    gate = threading.Event()
    job = BackgroundJob(_wait_for_gate(gate))
    job.start()
    job.cancel()
    with qtbot.waitSignal(job.failed) as failure:
        gate.set()
    assert isinstance(failure.args[0], StoreError)
    assert job.is_cancelled()


def test_progress_dialog_appears_only_for_long_work(qtbot: QtBot) -> None:
    gate = threading.Event()
    job = BackgroundJob(_wait_for_gate(gate))
    dialog = attach_progress_dialog(job, "正在处理…", delay_ms=300, cancellable=True)
    assert isinstance(dialog, QProgressDialog)
    job.start()
    qtbot.wait(100)
    assert not dialog.isVisible()  # quick work never flashes a dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    assert dialog.labelText() == "正在处理…"
    assert dialog.maximum() == 4
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None
    with qtbot.waitSignal(job.failed):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert job.is_cancelled()
        gate.set()
    assert not dialog.isVisible()  # closed when the job ended (and deleted later)
