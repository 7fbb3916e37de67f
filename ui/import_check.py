"""The import wizard's check page: a dry run's counts and rejected rows, saved as Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizard,
)

from ui.import_models import RejectsModel
from ui.import_pages import WizardPage
from ui.import_widgets import (
    ERROR_COLOR,
    NOTE_COLOR,
    OK_COLOR,
    Tile,
    sentences,
    show_failure,
    show_message,
    text_label,
    thousands,
    tile_row,
)
from workstation.importing import ImportResult

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard


# --- the dry run and the rejected rows ------------------------------------------------------


def rejects_table(page: WizardPage, model: RejectsModel) -> QTableView:
    table = QTableView(page)
    table.setObjectName("rejects")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class RejectsSaver:
    """Saving the rejected rows as Excel: a dry run that writes them, off the GUI thread, into
    a workbook with the original columns and a 问题说明 column, ready to fix and import again."""

    def __init__(self, page: WizardPage, button: QPushButton, message: QLabel) -> None:
        self.page = page
        self.button = button
        self.message = message
        button.clicked.connect(self.ask)

    @Slot()
    def ask(self) -> None:
        path = self.page.owner.ask_rejects_path()
        if path is not None:
            self.save(path)

    def save(self, path: Path) -> None:
        wizard = self.page.owner
        options = wizard.options(dry_run=True, rejects=path)
        store, actor, file, importer = wizard.store, wizard.actor, wizard.path, wizard.importer
        self.button.setEnabled(False)
        show_message(
            self.message, QCoreApplication.translate("RejectsSaver", "Writing the rejected rows…")
        )

        def work(progress: Any, cancelled: Any) -> ImportResult:
            result: ImportResult = importer(
                store, actor, file, options, progress=progress, cancel=cancelled
            )
            return result

        def done(result: ImportResult) -> None:
            self.button.setEnabled(True)
            show_message(
                self.message,
                QCoreApplication.translate(
                    "RejectsSaver", "{n} rejected rows saved to {path}"
                ).format(n=thousands(len(result.rejected)), path=path),
                ok=True,
            )

        def failed(exc: object) -> None:
            self.button.setEnabled(True)
            show_failure(self.message, exc)

        wizard.start_job(work, done, failed)


class CheckPage(WizardPage):
    """A dry run of the import: what would be imported, skipped as duplicates or rejected, and
    the rejected rows with their reasons; nothing is written. Next ("Import") imports."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("checkPage")
        self.setTitle(self.tr("Check"))
        self.setSubTitle(
            self.tr("What the import would do with every row. Nothing has been written yet.")
        )
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Import"))
        self.job: Any = None
        self.imported_tile = Tile("", "wouldImport", self)
        self.duplicates_tile = Tile(self.tr("duplicates, skipped"), "duplicates", self)
        self.updated_tile = Tile(self.tr("cases updated"), "updated", self)
        self.rejected_tile = Tile(self.tr("rejected"), "rejected", self)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("checkProgress")
        self.notes = text_label(self, "checkNotes", color=NOTE_COLOR)
        self.model = RejectsModel(self)
        self.table = rejects_table(self, self.model)
        self.rejects_title = QLabel(
            self.tr("Rejected rows — fix them in the file and import it again:"), self
        )
        self.save_button = QPushButton(self.tr("Save rejected rows as Excel…"), self)
        self.save_button.setObjectName("saveRejects")
        self.message = text_label(self, "checkMessage")
        self.saver = RejectsSaver(self, self.save_button, self.message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(
            tile_row(
                self.imported_tile, self.duplicates_tile, self.updated_tile, self.rejected_tile
            )
        )
        layout.addWidget(self.progress)
        layout.addWidget(self.notes)
        layout.addWidget(self.rejects_title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        wizard = self.owner
        wizard.check = None
        self.model.set_rows([], dict(wizard.labels()))
        for tile in (
            self.imported_tile,
            self.duplicates_tile,
            self.updated_tile,
            self.rejected_tile,
        ):
            tile.set_value("–")
        self.updated_tile.setVisible(wizard.kind == "cases")
        self.imported_tile.caption.setText(
            self.tr("leads would be imported")
            if wizard.kind == "leads"
            else self.tr("cases would be imported")
        )
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.save_button.setEnabled(False)
        show_message(self.notes, self.tr("Reading every row…"))
        show_message(self.message, "")
        options = wizard.options(dry_run=True)
        store, actor, file, importer = wizard.store, wizard.actor, wizard.path, wizard.importer

        def work(progress: Any, cancelled: Any) -> ImportResult:
            result: ImportResult = importer(
                store, actor, file, options, progress=progress, cancel=cancelled
            )
            return result

        self.job = wizard.start_job(work, self._checked, self._failed, self._progressed)
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        if self.job is not None and not self.job.done:
            self.job.cancel()
        self.job = None

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _checked(self, result: ImportResult) -> None:
        if self.owner.currentPage() is not self:
            return
        wizard = self.owner
        wizard.check = result
        self.job = None
        self.progress.setVisible(False)
        self.imported_tile.set_value(result.imported, color=OK_COLOR if result.imported else None)
        self.duplicates_tile.set_value(len(result.duplicates))
        self.updated_tile.set_value(len(result.updated))
        self.rejected_tile.set_value(
            len(result.rejected), color=ERROR_COLOR if result.rejected else None
        )
        self.model.set_rows(result.rejected, dict(wizard.labels()))
        self.table.setVisible(bool(result.rejected))
        self.rejects_title.setVisible(bool(result.rejected))
        self.save_button.setVisible(bool(result.rejected))
        self.save_button.setEnabled(bool(result.rejected))
        show_message(self.notes, self.notes_text(result))
        if not self.isComplete():
            show_message(
                self.message,
                self.tr("Nothing to import: every row is a duplicate or was rejected."),
                error=True,
            )
        self.completeChanged.emit()

    def notes_text(self, result: ImportResult) -> str:
        parts = [
            self.tr("{rows} data rows read from “{file}”.").format(
                rows=thousands(result.data_rows), file=result.file_name
            )
        ]
        if result.repeats:
            parts.append(
                self.tr(
                    "{n} of the rows to import are repeats of a lead already recorded (重复件): "
                    "they are imported and linked to the first."
                ).format(n=thousands(len(result.repeats)))
            )
        skipped = result.skipped
        dropped = skipped.blank + len(skipped.totals) + len(skipped.notes) + len(skipped.headers)
        if dropped:
            parts.append(
                self.tr("{n} rows hold no record (blank, totals, notes) and are skipped.").format(
                    n=thousands(dropped)
                )
            )
        if result.earlier_batches:
            parts.append(
                self.tr("This file was imported before (batch {batches}).").format(
                    batches=", ".join(str(b) for b in result.earlier_batches)
                )
            )
        return sentences(parts)

    def _failed(self, exc: object) -> None:
        if self.owner.currentPage() is not self:
            return
        self.job = None
        self.progress.setVisible(False)
        show_message(self.notes, "")
        show_failure(self.message, exc)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        result = self.owner.check
        return result is not None and (result.imported + len(result.updated)) > 0
