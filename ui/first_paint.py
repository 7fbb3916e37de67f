"""Telling a start-up bench when the window became usable: the leads view's first painted rows."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QWidget

from ui.launch import FIRST_PAINT_ENV as FIRST_PAINT_ENV

# With $WORKSTATION_FIRST_PAINT_EXIT set: "first-paint <unix time> <CPU s>" once leads rows are
# painted (by the first look, or else by the full window), "ready <unix time> <CPU s>" once the
# full window has painted them, then the app quits.
FIRST_MARK = "first-paint"
READY_MARK = "ready"
# A store with accounts: "login <unix time> <CPU s>" once the login dialog is painted.
LOGIN_MARK = "login"
_printed: set[str] = set()


class FirstPaint(QObject):
    """Watches a widget's paint events; after the first one that showed something (for a table:
    rows), prints `<mark> <unix time> <CPU seconds>` on stdout for each mark not printed yet,
    and quits the application (unless told not to).

    The time is taken once the paint event has been handled (a zero timer after it), so it
    includes the paint itself. bench/startup_bench.py reads the lines.
    """

    def __init__(
        self,
        target: QWidget,
        *,
        marks: Sequence[str] = (FIRST_MARK, READY_MARK),
        quit_after: bool = True,
    ) -> None:
        super().__init__(target)
        self._target = target
        self._marks = tuple(marks)
        self._quit_after = quit_after
        self._seen = False
        watched = target.viewport() if isinstance(target, QAbstractItemView) else target
        watched.installEventFilter(self)

    def _has_content(self) -> bool:
        if isinstance(self._target, QAbstractItemView):
            model = self._target.model()
            return model is not None and model.rowCount() > 0
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._seen and event.type() == QEvent.Type.Paint and self._has_content():
            self._seen = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        report(self._marks)
        if self._quit_after:
            QCoreApplication.quit()


def report(marks: Sequence[str]) -> None:
    """Print `<mark> <unix time> <CPU seconds>` for each of the marks not printed yet: the wall
    clock, and the CPU time the process used so far (steadier on a busy machine)."""
    moment = f"{time.time():.6f} {time.process_time():.6f}"
    for mark in marks:
        if mark not in _printed:
            _printed.add(mark)
            print(f"{mark} {moment}", flush=True)
    sys.stdout.flush()


def watch_leads_view(window: object) -> None:
    """On the main window: report the leads table's first painted rows (see FirstPaint). The
    leads page is brought forward first: the page remembered from the last session may be
    another one, and then the table would never paint."""
    show_page = getattr(window, "show_page", None)
    if callable(show_page):
        show_page("leads")
    table = getattr(window, "table", None)
    if isinstance(table, QWidget):
        FirstPaint(table)
