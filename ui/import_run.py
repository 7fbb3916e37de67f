"""The import wizard's last pages: the import itself (progress, Cancel) and its summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizard,
)

from ui.import_check import RejectsSaver
from ui.import_pages import WizardPage
from ui.import_widgets import (
    ERROR_COLOR,
    OK_COLOR,
    Tile,
    show_failure,
    show_message,
    text_label,
    thousands,
    tile_row,
)
from workstation.errors import Cancelled
from workstation.importing import ImportResult, UndoResult, summary_lines, undo_batch

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard


# --- the import -----------------------------------------------------------------------------


class RunPage(WizardPage):
    """The import itself, off the GUI thread, with a progress bar and Cancel. A cancelled import
    writes nothing; the page then says so, and Back leads to the check again."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("runPage")
        self.setTitle(self.tr("Importing"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Continue"))
        self.job: Any = None
        self.label = text_label(self, "runLabel")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("runProgress")
        self.cancel_button = QPushButton(self.tr("Cancel import"), self)
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        self.message = text_label(self, "runMessage")
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        wizard.currentIdChanged.connect(self._page_changed)

    def initializePage(self) -> None:
        wizard = self.owner
        wizard.result = None
        name = wizard.path.name if wizard.path else ""
        show_message(self.label, self.tr("Importing “{name}”…").format(name=name))
        show_message(self.message, "")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setEnabled(True)
        options = wizard.options()
        store, actor, file, importer = wizard.store, wizard.actor, wizard.path, wizard.importer

        def work(progress: Any, cancelled: Any) -> ImportResult:
            result: ImportResult = importer(
                store, actor, file, options, progress=progress, cancel=cancelled
            )
            return result

        self.job = wizard.start_job(work, self._imported, self._failed, self._progressed)

    def running(self) -> bool:
        return self.job is not None and not self.job.done

    @Slot(int)
    def _page_changed(self, page_id: int) -> None:
        # While the import runs, Back would leave a page whose work may still commit.
        if page_id == self.owner.RUN and self.running():
            self.owner.button(QWizard.WizardButton.BackButton).setEnabled(False)

    @Slot()
    def cancel(self) -> None:
        if self.running():
            self.job.cancel()
            self.cancelling()

    def cancelling(self) -> None:
        if self.running():
            self.cancel_button.setEnabled(False)
            show_message(self.label, self.tr("Cancelling…"))

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _imported(self, result: ImportResult) -> None:
        wizard = self.owner
        wizard.result = result
        self.job = None
        if result.batch is not None:
            wizard.imported.emit(result.batch)
        self.completeChanged.emit()
        if wizard.currentPage() is self and wizard.isVisible():
            wizard.next()

    def _failed(self, exc: object) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.cancel_button.setEnabled(False)
        self.owner.button(QWizard.WizardButton.BackButton).setEnabled(True)
        if isinstance(exc, Cancelled):
            show_message(self.label, self.tr("The import was cancelled."))
            show_message(
                self.message,
                self.tr("Nothing was written: the store is as it was. Go back to import again."),
            )
            return
        show_message(self.label, self.tr("The import failed; nothing was written."), error=True)
        show_failure(self.message, exc)

    def isComplete(self) -> bool:
        return self.owner.result is not None


class SummaryPage(WizardPage):
    """What the import did: counts, the batch number, the core's row-by-row summary, and
    "Undo this import" (refused, with the reason, once rows were edited since)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("summaryPage")
        self.setTitle(self.tr("Import finished"))
        self.imported_tile = Tile(self.tr("imported"), "imported", self)
        self.duplicates_tile = Tile(self.tr("duplicates, skipped"), "summaryDuplicates", self)
        self.rejected_tile = Tile(self.tr("rejected"), "summaryRejected", self)
        self.batch_tile = Tile(self.tr("batch"), "batch", self)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("summaryDetails")
        self.details.setReadOnly(True)
        self.undo_button = QPushButton(self.tr("Undo this import"), self)
        self.undo_button.setObjectName("undoImport")
        self.undo_button.clicked.connect(self.undo)
        self.save_button = QPushButton(self.tr("Save rejected rows as Excel…"), self)
        self.save_button.setObjectName("summarySaveRejects")
        self.message = text_label(self, "summaryMessage")
        self.saver = RejectsSaver(self, self.save_button, self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(
            tile_row(self.imported_tile, self.duplicates_tile, self.rejected_tile, self.batch_tile)
        )
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        result = self.owner.result
        assert result is not None
        self.setSubTitle(
            self.tr("“{file}” was imported as batch {batch}.").format(
                file=result.file_name, batch=result.batch
            )
        )
        self.imported_tile.set_value(result.imported, color=OK_COLOR)
        self.duplicates_tile.set_value(len(result.duplicates))
        self.rejected_tile.set_value(
            len(result.rejected), color=ERROR_COLOR if result.rejected else None
        )
        self.batch_tile.set_value(str(result.batch))
        # The core's summary ends with the command line's undo; here the button does that.
        lines = [
            line.replace("（--set）", "")
            for line in summary_lines(result)
            if "python -m workstation" not in line
        ]
        self.details.setPlainText("\n".join(lines))
        self.undo_button.setEnabled(result.batch is not None)
        self.save_button.setVisible(bool(result.rejected))
        show_message(self.message, "")

    @Slot()
    def undo(self) -> None:
        wizard = self.owner
        result = wizard.result
        if result is None or result.batch is None:
            return
        batch = result.batch
        if not wizard.confirm(
            self.tr("Undo this import"),
            self.tr(
                "Remove the {n} records imported as batch {batch}? Records created by this "
                "import and not used since (units, persons) are removed too."
            ).format(n=thousands(result.imported), batch=batch),
            self.tr("Undo the import"),
        ):
            return
        store, actor = wizard.store, wizard.actor
        self.undo_button.setEnabled(False)

        def work(_progress: Any, _cancelled: Any) -> UndoResult:
            return undo_batch(store, actor, batch)

        def failed(exc: object) -> None:
            self.undo_button.setEnabled(True)
            show_failure(self.message, exc)

        wizard.start_job(work, self._undone, failed)

    def _undone(self, undone: UndoResult) -> None:
        show_message(
            self.message,
            self.tr("Batch {batch} was undone: {n} records removed.").format(
                batch=undone.batch, n=thousands(undone.removed)
            ),
            ok=True,
        )
        self.owner.undone.emit(undone.batch)
