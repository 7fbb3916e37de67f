"""Exporting a list of leads to Excel off the GUI thread, with progress and cancel."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ui.jobs import BackgroundJob, attach_progress_dialog
from workstation import clock
from workstation.errors import Cancelled, WorkstationError
from workstation.services.auth import Actor, can
from workstation.services.leads import LeadQuery, export_leads
from workstation.store import Store

FOLDER_KEY = "leads/export_folder"
SHUTDOWN_WAIT_MS = 30_000


class LeadsExporter(QObject):
    """Writes the leads of a query to a workbook (services.leads.export_leads) in the background.

    Reporters are masked unless the export is asked for unmasked by a role that may see
    them (the service checks and logs it). A cancelled or failed export leaves no file.

    Signals:
        status_message(str): how the export ended, for the window's status bar.
    """

    status_message = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._actor = actor
        self._settings = settings
        self._parent = parent
        self.job: BackgroundJob | None = None

    def ask(self, query: LeadQuery, count: int, *, unmask: bool = False) -> None:
        """Ask where to save, then export."""
        if unmask and not can(self._actor, "reporter.unmask"):
            return
        folder = self._settings.value(FOLDER_KEY) or str(Path.home())
        name = self.tr("Leads {date}.xlsx").format(date=clock.today().isoformat())
        path, _ = QFileDialog.getSaveFileName(
            self._parent,
            self.tr("Export leads to Excel"),
            str(Path(str(folder)) / name),
            self.tr("Excel workbook (*.xlsx)"),
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self._settings.setValue(FOLDER_KEY, str(Path(path).parent))
        self.export(query, count, Path(path), unmask=unmask)

    def export(
        self, query: LeadQuery, count: int, path: Path, *, unmask: bool = False
    ) -> BackgroundJob | None:
        """Start writing `query`'s leads (about `count` of them) to `path`."""
        if self.job is not None and not self.job.done:
            self.status_message.emit(self.tr("An export is already running."))
            return None
        store, actor = self._store, self._actor

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return export_leads(
                store, actor, query, path, unmask=unmask, progress=progress, cancelled=cancelled
            )

        job = BackgroundJob(work, self)
        self.job = job
        attach_progress_dialog(
            job,
            self.tr("Exporting {count} leads to {name}…").format(
                count=f"{count:,}", name=path.name
            ),
            self._parent,
            cancellable=True,
        )
        job.succeeded.connect(lambda written: self._done(path, written))
        job.failed.connect(self._failed)
        job.start()
        return job

    def cancel_and_wait(self) -> None:
        """The window is closing: stop a running export (it leaves no file) and let it end."""
        if self.job is not None and not self.job.done:
            self.job.cancel()
            QThreadPool.globalInstance().waitForDone(SHUTDOWN_WAIT_MS)

    def _done(self, path: Path, written: object) -> None:
        count = written if isinstance(written, int) else 0
        self.status_message.emit(
            self.tr("Exported {count} leads to {path}").format(count=f"{count:,}", path=str(path))
        )

    def _failed(self, exc: object) -> None:
        if isinstance(exc, Cancelled) or (self.job is not None and self.job.is_cancelled()):
            self.status_message.emit(self.tr("Export cancelled; no file was written."))
            return
        if isinstance(exc, WorkstationError):
            QMessageBox.warning(self._parent, self.tr("Export failed"), exc.message)
            return
        assert isinstance(exc, BaseException)
        # A bug: the crash dialog (sys.excepthook) shows the traceback.
        sys.excepthook(type(exc), exc, exc.__traceback__)
