"""The briefs page (简报): make a new brief, and the briefs issued before, to preview, print and
copy again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.brief_dialog import BriefDialog
from ui.brief_preview import SAVE_FOLDER_KEY, BriefPreview, IssuedBrief, copy_issued
from ui.rows_model import RowsTableModel
from workstation.errors import PermissionDenied, WorkstationError
from workstation.services import briefs
from workstation.services.auth import Actor, can
from workstation.services.briefs import BriefRecord
from workstation.store import Store

AnyIndex = QModelIndex | QPersistentModelIndex
RecordRole = Qt.ItemDataRole.UserRole + 1


def _moment(at: dt.datetime) -> str:
    moment = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class IssuedBriefsModel(RowsTableModel):
    """The files issued from the store, newest first (a few hundred at most: held as rows)."""

    ISSUE, PERIOD, AS_OF, KIND, AUTHOR, TIME, REPORTERS, COPIES, NAME, HASH = range(10)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[BriefRecord] = []
        self._titles = [
            self.tr("Issue"),
            self.tr("Period"),
            self.tr("Counted to"),
            self.tr("File"),
            self.tr("Author"),
            self.tr("Made at"),
            self.tr("Reporters"),
            self.tr("Copies"),
            self.tr("File name"),
            self.tr("SHA-256"),
        ]

    def _text(self, record: BriefRecord, column: int) -> str:
        if column == self.ISSUE:
            return self.tr("No. {issue}").format(issue=record.issue)
        if column == self.PERIOD:
            return self.tr("{start} to {end}").format(
                start=record.start.isoformat(), end=record.end.isoformat()
            )
        if column == self.AS_OF:
            return record.as_of.isoformat()
        if column == self.KIND:
            return "PDF" if record.kind == "pdf" else "Excel" if record.kind == "xlsx" else ""
        if column == self.AUTHOR:
            return record.author or record.user
        if column == self.TIME:
            return _moment(record.at)
        if column == self.REPORTERS:
            return self.tr("Masked") if record.masked else self.tr("In full")
        if column == self.COPIES:
            return str(record.copies) if record.kind == "pdf" else ""
        if column == self.NAME:
            return record.name
        if column == self.HASH:
            return record.sha256
        return ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        record = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.HASH:
                return record.sha256
            if index.column() == self.AUTHOR:
                return record.user
            return None
        if role == Qt.ItemDataRole.FontRole and index.column() == self.HASH:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if role == RecordRole:
            return record
        return None

    def record(self, row: int) -> BriefRecord:
        return self.rows[row]


class BriefsPage(QWidget):
    """New brief… and the list of briefs issued before (from the audit trail): preview a PDF
    (Enter or double-click), save a copy of either file. The files are kept in the archive
    folder (services.briefs.archive_folder) and checked against their recorded SHA-256 before
    they are shown or copied; a brief issued on the command line can be located by hand.

    A role without "brief.generate" is told so, with neither the list nor the button.

    Signals:
        status_message(str): what was just done, for the window's status bar.
        preview_opened(object): the BriefPreview just opened.
    """

    status_message = Signal(str)
    preview_opened = Signal(object)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefsPage")
        self._store = store
        self._actor = actor
        self._settings = settings if settings is not None else QSettings()
        self._today = today
        self.allowed = can(actor, "brief.generate")
        self.previews: list[BriefPreview] = []
        self.dialog: BriefDialog | None = None

        title = QLabel(self.tr("Briefs"), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        self.note_label = QLabel(self)
        self.note_label.setObjectName("briefsNote")
        self.note_label.setWordWrap(True)

        self.new_button = QPushButton(self.tr("New brief…"), self)
        self.new_button.setObjectName("newBrief")
        self.new_button.setToolTip(self.tr("New brief (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_brief)
        self.open_button = QPushButton(self.tr("Preview"), self)
        self.open_button.setObjectName("openBrief")
        self.open_button.clicked.connect(self.open_selected)
        self.copy_button = QPushButton(self.tr("Save a copy…"), self)
        self.copy_button.setObjectName("copyBrief")
        self.copy_button.clicked.connect(self.ask_save_copy)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.reload)

        self.new_action = QAction(self.tr("New brief…"), self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.triggered.connect(self.new_brief)
        self.refresh_action = QAction(self.tr("Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.triggered.connect(self.reload)
        self.addActions([self.new_action, self.refresh_action])

        self.model = IssuedBriefsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("issuedBriefs")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.note_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        for widget in (self.new_button, self.open_button, self.copy_button, self.refresh_button):
            widget.setVisible(self.allowed)
        self.table.setVisible(self.allowed)
        self.new_action.setEnabled(self.allowed)
        self.reload()

    def shutdown(self) -> None:
        """The window is closing: stop a brief being made and print runs or workbooks under
        way (a cancelled job leaves no file and no record)."""
        jobs = [self.dialog.job] if self.dialog is not None else []
        jobs += [preview.job for preview in self.previews]
        for job in jobs:
            if job is not None and not job.done:
                job.cancel()

    # --- the list ---------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        if not self.allowed:
            self.note_label.setText(
                self.tr("Your role may neither make nor read briefs; ask a leader or inspector.")
            )
            return
        try:
            rows = briefs.issued(self._store, self._actor)
        except PermissionDenied as exc:
            self.note_label.setText(exc.message)
            self.model.set_rows([])
            return
        self.model.set_rows(rows)
        if rows:
            self.note_label.setText(
                self.tr(
                    "Files issued from this store, newest first. Each is checked against its "
                    "SHA-256 before it is shown or copied. Kept in {folder}"
                ).format(folder=str(self._archive_text()))
            )
            self.table.selectRow(0)
        else:
            self.note_label.setText(
                self.tr("No brief has been issued from this store yet: click “New brief…”.")
            )
        self._update_buttons()

    def _archive_text(self) -> str:
        try:
            return str(briefs.archive_folder(self._store))
        except WorkstationError as exc:
            return exc.message

    def selected_record(self) -> BriefRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(rows[0].row())

    @Slot()
    def _update_buttons(self) -> None:
        selected = self.selected_record() is not None
        self.open_button.setEnabled(selected)
        self.copy_button.setEnabled(selected)

    # --- new brief --------------------------------------------------------------------------

    @Slot()
    def new_brief(self) -> BriefDialog | None:
        """Open the new-brief dialog (window-modal); the brief it makes opens in a preview."""
        if not self.allowed:
            return None
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        try:
            dialog = BriefDialog(self._store, self._actor, today=self._today, parent=self)
        except WorkstationError as exc:
            QMessageBox.warning(self, self.tr("New brief"), exc.message)
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.generated.connect(self._generated)
        dialog.destroyed.connect(self._dialog_gone)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _dialog_gone(self) -> None:
        self.dialog = None

    @Slot(object)
    def _generated(self, outcome: object) -> None:
        assert isinstance(outcome, briefs.BriefOutcome)
        brief, file = outcome.brief, outcome.files[0]
        self.reload()
        self.status_message.emit(
            self.tr("Issue {issue} made: {path}").format(issue=brief.issue, path=file.path)
        )
        self.show_preview(IssuedBrief.from_outcome(brief, file))

    # --- earlier briefs ---------------------------------------------------------------------

    def _sibling(self, record: BriefRecord, kind: str) -> BriefRecord | None:
        """The file of another kind issued from the same brief, newest first."""
        return next(
            (r for r in self.model.rows if r.brief == record.brief and r.kind == kind), None
        )

    def _archived(self, record: BriefRecord) -> Path | None:
        """The record's file in the archive, checked; else the user may locate it by hand."""
        try:
            return briefs.archived_file(self._store, record)
        except WorkstationError as exc:
            answer = QMessageBox.question(
                self,
                self.tr("File not in the archive"),
                exc.message + "\n\n" + self.tr("Locate the file and check it against the record?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Locate issue {issue}").format(issue=record.issue),
            str(self._settings.value(SAVE_FOLDER_KEY) or Path.home()),
            self.tr("PDF file (*.pdf)")
            if record.kind == "pdf"
            else self.tr("Excel workbook (*.xlsx)"),
        )
        if not path:
            return None
        return self.check_located(record, Path(path))

    def check_located(self, record: BriefRecord, path: Path) -> Path | None:
        """A file the user found: used only when it is the one recorded (same SHA-256)."""
        if briefs.file_matches(record, path):
            return path
        QMessageBox.warning(
            self,
            self.tr("Not the issued file"),
            self.tr(
                "“{name}” is not the file issued as issue {issue}: its SHA-256 differs from the "
                "record."
            ).format(name=path.name, issue=record.issue),
        )
        return None

    def issued_brief(self, record: BriefRecord, pdf: Path) -> IssuedBrief:
        xlsx_record = self._sibling(record, "xlsx")
        xlsx = None
        if xlsx_record is not None:
            try:
                xlsx = briefs.archived_file(self._store, xlsx_record)
            except WorkstationError:
                xlsx = None
        return IssuedBrief(
            record.brief,
            record.title or self.tr("Brief"),
            record.issue,
            record.copies,
            pdf,
            record.sha256,
            xlsx,
        )

    @Slot()
    def open_selected(self) -> BriefPreview | None:
        record = self.selected_record()
        if record is None:
            return None
        if record.kind != "pdf":
            pdf_record = self._sibling(record, "pdf")
            if pdf_record is None:
                self.status_message.emit(
                    self.tr("Only an Excel workbook was issued for this brief: save a copy.")
                )
                return None
            record = pdf_record
        pdf = self._archived(record)
        if pdf is None:
            return None
        return self.show_preview(self.issued_brief(record, pdf))

    def show_preview(self, issued: IssuedBrief) -> BriefPreview | None:
        try:
            preview = BriefPreview(
                self._store, self._actor, issued, settings=self._settings, parent=self
            )
        except WorkstationError as exc:
            QMessageBox.warning(self, self.tr("Preview"), exc.message)
            return None
        preview.setWindowFlag(Qt.WindowType.Window, True)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.files_changed.connect(self.reload)
        preview.status_message.connect(self.status_message)
        preview.destroyed.connect(lambda _obj=None, p=preview: self._forget(p))
        self.previews.append(preview)
        preview.show()
        self.preview_opened.emit(preview)
        return preview

    def _forget(self, preview: BriefPreview) -> None:
        if preview in self.previews:
            self.previews.remove(preview)

    @Slot()
    def ask_save_copy(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        source = self._archived(record)
        if source is None:
            return
        kind = record.kind
        folder = str(self._settings.value(SAVE_FOLDER_KEY) or Path.home())
        name = f"{record.title or self.tr('Brief')}第{record.issue}期.{kind}"
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save a copy of issue {issue}").format(issue=record.issue),
            str(Path(folder) / name),
            self.tr("PDF file (*.pdf)") if kind == "pdf" else self.tr("Excel workbook (*.xlsx)"),
        )
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        self._settings.setValue(SAVE_FOLDER_KEY, str(Path(path).parent))
        self.save_copy(record, source, Path(path))

    def save_copy(self, record: BriefRecord, source: Path, target: Path) -> bool:
        try:
            copy_issued(source, target, record.sha256)
        except WorkstationError as exc:
            QMessageBox.warning(self, self.tr("Save a copy"), exc.message)
            return False
        self.status_message.emit(
            self.tr("Saved a copy of issue {issue} to {path}").format(
                issue=record.issue, path=str(target)
            )
        )
        return True
