"""The 导入 page: start an import (button or dropped file), the batches imported so far with
undo, and the saved mapping profiles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.import_models import BatchesModel, ProfilesModel
from ui.import_widgets import NOTE_COLOR, confirm, show_failure, show_message, text_label
from ui.import_wizard import Importer, ImportWizard, dropped_file
from ui.jobs import BackgroundJob
from workstation.errors import WorkstationError
from workstation.importing import BatchRow, UndoResult, list_batches, run_import, undo_batch
from workstation.importing.profiles import delete_profile, list_profiles
from workstation.services.auth import Actor, can, role_label
from workstation.store import Store

# Who may use this page (workstation.services.auth).
IMPORT_PERMISSION = "import.run"


def _table(parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ProfilesDialog(QDialog):
    """The saved mapping profiles, with Delete."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilesDialog")
        self.setWindowTitle(self.tr("Mapping profiles"))
        self._store = store
        self._actor = actor
        self.model = ProfilesModel(self)
        self.table = _table(self, "profiles")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.setObjectName("deleteProfile")
        self.delete_button.clicked.connect(self.delete_selected)
        self.message = text_label(self, "profilesMessage")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        hint = text_label(self, "profilesHint", color=NOTE_COLOR)
        hint.setText(
            self.tr(
                "A profile is saved from the import wizard's preview. It is applied by itself "
                "to any file whose header row is the same."
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumSize(640, 320)
        self.resize(760, 380)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.model.set_rows(list_profiles(self._store, self._actor))
        except WorkstationError as exc:
            show_failure(self.message, exc)
        self._selection_changed()

    @Slot()
    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.selected() is not None)

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @Slot()
    def delete_selected(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        try:
            delete_profile(self._store, self._actor, profile.fingerprint)
        except WorkstationError as exc:
            show_failure(self.message, exc)
            return
        show_message(
            self.message, self.tr("Profile “{name}” deleted.").format(name=profile.name), ok=True
        )
        self.refresh()


class ImportPage(QWidget):
    """Imports for the main window's 导入 page.

    "New import…" (or a spreadsheet dropped on the page, or `open_file` from the main window)
    opens the ImportWizard; the batches list shows every import with its counts, and "Undo"
    removes a selected batch after a confirmation (the service refuses, with its reason, a batch
    whose rows were edited since). A role without the right to import sees only a note.

    Signals:
        imported(int batch): an import made from this page committed.
        batches_changed(): a batch was imported or undone (the leads and cases views refresh).
    """

    imported = Signal(int)
    batches_changed = Signal()

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        today: dt.date | None = None,
        importer: Importer = run_import,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importPage")
        self._store = store
        self._actor = actor
        self._today = today
        self._importer = importer
        self.wizard: ImportWizard | None = None
        self.undo_job: BackgroundJob | None = None
        self.allowed = can(actor, IMPORT_PERMISSION)
        title = QLabel(self.tr("Import"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        if not self.allowed:
            self.denied = text_label(self, "importDenied", color=NOTE_COLOR)
            self.denied.setText(
                self.tr(
                    "Your role ({role}) cannot import spreadsheets. Clerks, inspectors and "
                    "administrators import leads and case ledgers."
                ).format(role=role_label(actor.role))
            )
            layout.addWidget(self.denied)
            layout.addStretch(1)
            return
        self.setAcceptDrops(True)
        intro = text_label(self, "importIntro", color=NOTE_COLOR)
        intro.setText(
            self.tr(
                "Import a spreadsheet of leads or a case ledger (.xlsx, .xlsm, .xls, .csv). "
                "The wizard shows how it reads the file and what it would do with every row "
                "before anything is written."
            )
        )
        self.new_button = QPushButton(self.tr("New import…"), self)
        self.new_button.setObjectName("newImport")
        self.new_button.clicked.connect(self.new_import)
        self.new_button.setMinimumSize(120, 40)
        self.new_button.setDefault(True)
        self.profiles_button = QPushButton(self.tr("Mapping profiles…"), self)
        self.profiles_button.setObjectName("mappingProfiles")
        self.profiles_button.clicked.connect(self.show_profiles)
        self.drop_zone = QLabel(self.tr("…or drop an Excel or CSV file here"), self)
        self.drop_zone.setObjectName("importDropZone")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(56)
        self.drop_zone.setStyleSheet(
            "#importDropZone { border: 2px dashed #98a2b3; border-radius: 8px; color: #475467; }"
        )
        start = QHBoxLayout()
        start.addWidget(self.new_button)
        start.addWidget(self.drop_zone, 1)
        start.addWidget(self.profiles_button)

        self.model = BatchesModel(self)
        self.table = _table(self, "batches")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(
            BatchesModel.FILE, QHeaderView.ResizeMode.Stretch
        )
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.undo_button = QPushButton(self.tr("Undo import…"), self)
        self.undo_button.setObjectName("undoBatch")
        self.undo_button.clicked.connect(self.undo_selected)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setObjectName("refreshBatches")
        self.refresh_button.clicked.connect(self.refresh)
        self.message = text_label(self, "batchesMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        batches = QGroupBox(self.tr("Imports so far"), self)
        batches.setObjectName("batchesBox")
        box = QVBoxLayout(batches)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)
        box.addWidget(self.message)

        layout.addWidget(intro)
        layout.addLayout(start)
        layout.addWidget(batches, 1)
        self.refresh()

    # --- starting an import -----------------------------------------------------------------

    @Slot()
    def new_import(self) -> ImportWizard | None:
        return self.open_file(None)

    def open_file(self, path: str | Path | None) -> ImportWizard | None:
        """Open the wizard (on `path`, e.g. a file dropped on the main window). Returns it, or
        None when this role may not import or a wizard is already open (it is raised)."""
        if not self.allowed:
            return None
        if self.wizard is not None:
            if path is not None and self.wizard.currentId() == ImportWizard.FILE:
                self.wizard.file_page.set_path(Path(path))
            self.wizard.raise_()
            self.wizard.activateWindow()
            return None
        wizard = ImportWizard(
            self._store,
            self._actor,
            path=path,
            today=self._today,
            importer=self._importer,
            parent=self,
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._imported)
        wizard.undone.connect(self._undone_in_wizard)
        wizard.finished.connect(self._wizard_closed)
        self.wizard = wizard
        wizard.open()
        return wizard

    @Slot(int)
    def _imported(self, batch: int) -> None:
        self.refresh()
        self.select_batch(batch)
        self.imported.emit(batch)
        self.batches_changed.emit()

    @Slot(int)
    def _undone_in_wizard(self, _batch: int) -> None:
        self.refresh()
        self.batches_changed.emit()

    @Slot()
    def _wizard_closed(self) -> None:
        self.wizard = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)

    @Slot()
    def show_profiles(self) -> ProfilesDialog:
        dialog = ProfilesDialog(self._store, self._actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- the batches ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.allowed:
            self.refresh()

    @Slot()
    def refresh(self) -> None:
        selected = self.selected()
        try:
            rows = list_batches(self._store, self._actor)
        except WorkstationError as exc:
            show_failure(self.message, exc)
            return
        self.model.set_rows(rows)
        if selected is not None:
            self.select_batch(selected.id)
        self._selection_changed()

    def select_batch(self, batch: int) -> None:
        for index, row in enumerate(self.model.rows):
            if row.id == batch:
                self.table.selectRow(index)
                return

    def selected(self) -> BatchRow | None:
        if not self.allowed:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    @Slot()
    def _selection_changed(self) -> None:
        row = self.selected()
        running = self.undo_job is not None
        self.undo_button.setEnabled(row is not None and row.undone_at is None and not running)

    @Slot()
    def undo_selected(self) -> None:
        row = self.selected()
        if row is None or row.undone_at is not None or self.undo_job is not None:
            return
        if not confirm(
            self,
            self.tr("Undo import"),
            self.tr(
                "Undo batch {batch} (“{file}”, {n} records imported)? Its records are removed; "
                "this is refused if any of them was edited since."
            ).format(batch=row.id, file=row.file_name, n=row.imported),
            self.tr("Undo the import"),
        ):
            return
        store, actor, batch = self._store, self._actor, row.id

        def work(_progress: Any, _cancelled: Any) -> UndoResult:
            return undo_batch(store, actor, batch)

        job = BackgroundJob(work, self)
        self.undo_job = job
        job.succeeded.connect(self._undone)
        job.failed.connect(self._undo_failed)
        job.finished.connect(self._undo_finished)
        show_message(self.message, self.tr("Undoing batch {batch}…").format(batch=batch))
        self._selection_changed()
        job.start()

    @Slot(object)
    def _undone(self, result: UndoResult) -> None:
        text = self.tr("Batch {batch} was undone: {n} records removed.").format(
            batch=result.batch, n=result.removed
        )
        if result.restored:
            text += " " + self.tr("{n} updated cases got their earlier facts back.").format(
                n=result.restored
            )
        show_message(self.message, text, ok=True)
        self.batches_changed.emit()

    @Slot(object)
    def _undo_failed(self, exc: object) -> None:
        show_failure(self.message, exc)

    @Slot()
    def _undo_finished(self) -> None:
        job = self.undo_job
        self.undo_job = None
        if job is not None:
            job.deleteLater()
        self.refresh()
