"""The import wizard: file → sheet and kind → preview and mapping → check → import → summary.

Everything that reads the file or the store runs off the GUI thread (ui.jobs.BackgroundJob);
the wizard keeps the choices made so far and the results the pages show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QWidget, QWizard

from ui.import_check import CheckPage
from ui.import_pages import FilePage, SheetPage
from ui.import_preview import PreviewPage
from ui.import_run import RunPage, SummaryPage
from ui.import_widgets import confirm
from ui.jobs import BackgroundJob, Work
from workstation.importing import ImportOptions, ImportResult, Preview, run_import
from workstation.importing.detect import Inspection
from workstation.importing.profiles import Profile
from workstation.importing.source import kind_module
from workstation.services.auth import Actor
from workstation.store import Store

# The import service's shape (workstation.importing.run_import); tests pass a wrapper of it.
Importer = Callable[..., ImportResult]
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


def dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
    """The one local file being dragged, if that is what the drag carries."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    urls = [u for u in mime.urls() if u.isLocalFile()]
    if len(urls) != 1:
        return None
    return Path(urls[0].toLocalFile())


class ImportWizard(QWizard):
    """Imports one spreadsheet of leads or cases, showing before it writes what will happen.

    Pages: FILE (choose or drop a file) → SHEET (sheet and kind; skipped when the file has one
    sheet whose kind was recognised) → PREVIEW (first rows, header row, a field per column,
    mapping profiles) → CHECK (a dry run: counts and rejected rows) → RUN (the import, with
    progress and Cancel: a cancelled import writes nothing) → SUMMARY (what happened, undo).

    Signals:
        imported(int batch): an import committed as this batch.
        undone(int batch): that batch was undone from the summary page.
        idle(): the last running background job of the wizard ended.
    """

    FILE, SHEET, PREVIEW, CHECK, RUN, SUMMARY = range(6)

    imported = Signal(int)
    undone = Signal(int)
    idle = Signal()

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        path: str | Path | None = None,
        today: dt.date | None = None,
        importer: Importer = run_import,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("Import a spreadsheet"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setAcceptDrops(True)
        self.store = store
        self.actor = actor
        self.today = today
        self.importer = importer
        # The choices so far, and what the pages found out.
        self.path: Path | None = None
        self.inspection: Inspection | None = None
        self.kind = "leads"
        self.sheet: str | None = None
        self.header_row: int | None = None
        self.overrides: dict[str, str | None] = {}  # column letter → field (None: extra data)
        self.constants: dict[str, str] = {}  # field → value for every row (a missing column)
        self.preview: Preview | None = None
        self.profile: Profile | None = None  # the saved mapping in use, if any
        self.profile_declined = False  # the clerk chose the detected mapping over the profile
        self.check: ImportResult | None = None  # the dry run
        self.result: ImportResult | None = None  # the import
        self._jobs: list[BackgroundJob] = []
        self._close_when_idle = False

        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.preview_page = PreviewPage(self)
        self.check_page = CheckPage(self)
        self.run_page = RunPage(self)
        self.summary_page = SummaryPage(self)
        for key, page in (
            (self.FILE, self.file_page),
            (self.SHEET, self.sheet_page),
            (self.PREVIEW, self.preview_page),
            (self.CHECK, self.check_page),
            (self.RUN, self.run_page),
            (self.SUMMARY, self.summary_page),
        ):
            self.setPage(key, page)
        self.setMinimumSize(860, 560)
        self.resize(1080, 700)
        if path is not None:
            self.file_page.set_path(Path(path))

    def sizeHint(self) -> QSize:
        return QSize(1080, 700)

    # --- the choices ------------------------------------------------------------------------

    def labels(self) -> Mapping[str, str]:
        """The fields of the kind being imported, with their Chinese labels."""
        labels: Mapping[str, str] = kind_module(self.kind).LABELS
        return labels

    def required(self) -> tuple[str, ...]:
        required: tuple[str, ...] = kind_module(self.kind).REQUIRED
        return required

    def mapping(self) -> list[tuple[str, str]]:
        """The clerk's column choices as the import takes them ("" keeps a column as extra)."""
        return [(letter, field or "") for letter, field in self.overrides.items()]

    def options(self, *, dry_run: bool = False, rejects: Path | None = None) -> ImportOptions:
        return ImportOptions(
            kind=self.kind,
            sheet=self.sheet,
            header_row=self.header_row,
            mapping=self.mapping(),
            constants=dict(self.constants),
            dry_run=dry_run,
            rejects=rejects,
            today=self.today,
        )

    def forget_mapping(self) -> None:
        """The file, sheet, kind or header row changed: earlier column choices no longer apply."""
        self.overrides.clear()
        self.constants.clear()
        self.preview = None
        self.profile = None
        self.profile_declined = False
        self.check = None

    def choose(self, letter: str, field: str | None) -> None:
        """The clerk's field for a column; the latest choice wins a field another column had."""
        self.overrides.pop(letter, None)
        self.overrides[letter] = field
        self.check = None

    # --- background jobs --------------------------------------------------------------------

    def start_job(
        self,
        work: Work,
        succeeded: Callable[[Any], None],
        failed: Callable[[object], None],
        progressed: Callable[[int, int], None] | None = None,
    ) -> BackgroundJob:
        """Run `work` off the GUI thread; the wizard waits for it before it closes."""
        job = BackgroundJob(work, self)
        job.succeeded.connect(succeeded)
        job.failed.connect(failed)
        if progressed is not None:
            job.progressed.connect(progressed)
        job.finished.connect(lambda: self._job_ended(job))
        self._jobs.append(job)
        job.start()
        return job

    def _job_ended(self, job: BackgroundJob) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
        job.deleteLater()
        if not self._jobs:
            self.idle.emit()
            if self._close_when_idle:
                self._close_when_idle = False
                super().reject()

    def busy(self) -> bool:
        return bool(self._jobs)

    def reject(self) -> None:
        """Cancel (or Esc, or closing the window): running jobs are cancelled first, and the
        wizard closes once they have stopped — an import cancelled this way writes nothing."""
        if self._jobs:
            self._close_when_idle = True
            for job in self._jobs:
                job.cancel()
            self.run_page.cancelling()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._jobs:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    # --- drops and dialogs ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.currentId() == self.FILE and dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event)
        if self.currentId() == self.FILE and path is not None:
            event.acceptProposedAction()
            self.file_page.set_path(path)

    def ask_open_path(self) -> Path | None:
        folder = str(self.path.parent) if self.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose a spreadsheet"),
            folder,
            self.tr("Spreadsheets (*.xlsx *.xlsm *.xls *.csv);;All files (*)"),
        )
        return Path(name) if name else None

    def ask_rejects_path(self) -> Path | None:
        suggested = ""
        if self.path is not None:
            suggested = str(self.path.with_name(f"{self.path.stem}_问题行.xlsx"))
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the rejected rows"),
            suggested,
            self.tr("Excel workbook (*.xlsx)"),
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def confirm(self, title: str, text: str, yes: str) -> bool:
        return confirm(self, title, text, yes)
