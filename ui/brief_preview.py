"""The issued brief on screen (QtPdf), printed with numbered copies, saved as PDF and Excel."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPointF,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPageSize,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.brief_dialog import wait_for_paint
from ui.brief_printing import print_pages, print_plan
from ui.jobs import BackgroundJob, attach_progress_dialog
from workstation.briefs.model import Brief
from workstation.errors import Cancelled, WorkstationError
from workstation.services import audit, briefs
from workstation.services.auth import Actor
from workstation.store import Store

ZOOM_STEP = 1.25
MIN_ZOOM = 0.25
MAX_ZOOM = 4.0
SAVE_FOLDER_KEY = "briefs/save_folder"
MINIMUM_SIZE = (640, 480)


@dataclasses.dataclass(frozen=True)
class IssuedBrief:
    """What the preview shows: an issued PDF (every numbered copy, one after another) and what
    belongs with it. `brief` (the figures) is there while the brief just made is open: with it,
    the Excel workbook can still be rendered."""

    uuid: str
    title: str
    issue: int
    copies: int
    pdf: Path
    sha256: str
    xlsx: Path | None = None
    brief: Brief | None = None

    @classmethod
    def from_outcome(cls, brief: Brief, file: briefs.BriefFile) -> IssuedBrief:
        return cls(
            brief.uuid,
            brief.title,
            brief.issue,
            brief.copies,
            Path(file.path),
            file.sha256,
            None,
            brief,
        )

    def file_name(self, kind: str) -> str:
        """The name offered when saving: 政法队伍教育整顿工作简报第12期.pdf."""
        return f"{self.title}第{self.issue}期.{kind}"


def copy_issued(source: Path, target: Path, sha256: str) -> None:
    """Copy an issued file to where the user wants it, after checking it is the file issued;
    all or nothing (a temporary file beside the target, then renamed)."""
    if audit.file_sha256(source) != sha256:
        raise WorkstationError(f"“{source.name}”与生成时记录的校验值（SHA-256）不符，文件已被改动")
    target = target.expanduser().resolve()
    if target == source.resolve():
        return
    if not target.parent.is_dir():
        raise WorkstationError(f"文件夹“{target.parent}”不存在")
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        shutil.copyfile(source, temporary)
        temporary.replace(target)
    except PermissionError as exc:
        raise WorkstationError(
            f"无法写入“{target}”：没有权限，或该文件正被其他程序（如 PDF 阅读器、Excel）打开"
        ) from exc
    except OSError as exc:
        raise WorkstationError(f"无法写入“{target}”：{exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


class BriefPreview(QDialog):
    """An issued brief on screen: one copy's pages, paged with PgUp/PgDn, zoomed in and out or
    fitted to the width; printed (Ctrl+P) with each copy's own number; saved as PDF (Ctrl+S) and
    as an Excel workbook (Ctrl+E). Long work (printing, the workbook) runs off the GUI thread
    with progress and cancel.

    The file holds every numbered copy, one after another; the preview shows the first.

    Signals:
        page_changed(int page, int pages): the page shown (1-based) of one copy's pages.
        files_changed(): a file was issued from here (the workbook): lists of briefs reload.
        status_message(str): what was just done, for a status line.
    """

    page_changed = Signal(int, int)
    files_changed = Signal()
    status_message = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        issued: IssuedBrief,
        *,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefPreview")
        self._store = store
        self._actor = actor
        self.issued = issued
        self._settings = settings if settings is not None else QSettings()
        self._xlsx = issued.xlsx
        self.job: BackgroundJob | None = None
        self._printer: QPrinter | None = None
        self._closing = False
        self.setWindowTitle(
            self.tr("{title}, issue {issue}").format(title=issued.title, issue=issued.issue)
        )
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowMinimizeButtonHint, True)

        self.document = QPdfDocument(self)
        self.document.load(str(issued.pdf))
        if self.document.status() != QPdfDocument.Status.Ready:
            raise WorkstationError(f"无法读取简报文件“{issued.pdf}”")
        total = self.document.pageCount()
        copies = max(1, issued.copies)
        # Every copy has the same pages; a file that does not divide evenly is shown whole.
        self.copies = copies if total % copies == 0 else 1
        self.pages = total // self.copies

        self.view = QPdfView(self)
        self.view.setObjectName("briefPdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.pageNavigator().currentPageChanged.connect(self._page_moved)

        self.page_label = QLabel(self)
        self.page_label.setObjectName("pageLabel")
        self.zoom_label = QLabel(self)
        self.zoom_label.setObjectName("zoomLabel")
        self.info_label = QLabel(self)
        self.info_label.setObjectName("previewInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label.setText(self._info_text())
        self.status_label = QLabel(self)
        self.status_label.setObjectName("previewStatus")
        self.status_label.setWordWrap(True)
        self.status_message.connect(self.status_label.setText)

        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.info_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status_label)
        # Explicit, so the layout never changes the window's minimum size once it is on screen
        # (the page and zoom labels change their text all the time).
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(920, 1000)
        self.view.viewport().installEventFilter(self)
        self.view.zoomFactorChanged.connect(self._show_zoom)
        self.view.zoomModeChanged.connect(self._show_zoom)
        self._show_page()
        self._show_zoom()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- set-up -----------------------------------------------------------------------------

    def _action(
        self, text: str, keys: list[QKeySequence], slot: Callable[[], Any], name: str
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if keys:
            action.setToolTip(
                f"{text} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence
        self.previous_action = self._action(
            self.tr("Previous page"), [key(Qt.Key.Key_PageUp)], self.previous_page, "previousPage"
        )
        self.next_action = self._action(
            self.tr("Next page"), [key(Qt.Key.Key_PageDown)], self.next_page, "nextPage"
        )
        self.first_action = self._action(
            self.tr("First page"), [key("Ctrl+Home")], lambda: self.go_to(0), "firstPage"
        )
        self.last_action = self._action(
            self.tr("Last page"), [key("Ctrl+End")], lambda: self.go_to(self.pages - 1), "lastPage"
        )
        self.zoom_out_action = self._action(
            self.tr("Zoom out"),
            [key(key.StandardKey.ZoomOut), key("Ctrl+-")],
            self.zoom_out,
            "zoomOut",
        )
        self.zoom_in_action = self._action(
            self.tr("Zoom in"),
            [key(key.StandardKey.ZoomIn), key("Ctrl+="), key("Ctrl++")],
            self.zoom_in,
            "zoomIn",
        )
        self.fit_action = self._action(
            self.tr("Fit width"), [key("Ctrl+0")], self.fit_width, "fitWidth"
        )
        self.fit_action.setCheckable(True)
        self.print_action = self._action(
            self.tr("Print…"), [key("Ctrl+P")], self.ask_print, "printBrief"
        )
        self.save_pdf_action = self._action(
            self.tr("Save PDF…"), [key("Ctrl+S")], self.ask_save_pdf, "savePdf"
        )
        self.save_xlsx_action = self._action(
            self.tr("Save Excel workbook…"), [key("Ctrl+E")], self.ask_save_xlsx, "saveXlsx"
        )
        if self._xlsx is None and self.issued.brief is None:
            self.save_xlsx_action.setEnabled(False)
            self.save_xlsx_action.setToolTip(
                self.tr("No Excel workbook was issued with this brief.")
            )

        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("previewToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.previous_action, self.next_action):
            self.toolbar.addAction(action)
        self.toolbar.addWidget(self.page_label)
        self.toolbar.addSeparator()
        for action in (self.zoom_out_action, self.zoom_in_action, self.fit_action):
            self.toolbar.addAction(action)
        self.toolbar.addWidget(self.zoom_label)
        self.toolbar.addSeparator()
        for action in (self.print_action, self.save_pdf_action, self.save_xlsx_action):
            self.toolbar.addAction(action)

    def _info_text(self) -> str:
        text = self.tr(
            "{copies} numbered copies of {pages} pages each; the preview shows copy 1."
        ).format(copies=self.copies, pages=self.pages)
        return text + "\n" + self.tr("SHA-256: {digest}").format(digest=self.issued.sha256)

    # --- pages ------------------------------------------------------------------------------

    def current_page(self) -> int:
        """The page shown, 0-based within one copy."""
        return self.view.pageNavigator().currentPage() % self.pages

    def go_to(self, page: int) -> None:
        page = max(0, min(page, self.pages - 1))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._show_page()

    @Slot()
    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    @Slot()
    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    @Slot(int)
    def _page_moved(self, _page: int) -> None:
        self._show_page()

    def page_text(self) -> str:
        return self.page_label.text()

    def _show_page(self) -> None:
        page = self.current_page() + 1
        self.page_label.setText(
            self.tr("Page {page} of {pages}").format(page=page, pages=self.pages)
        )
        self.previous_action.setEnabled(page > 1)
        self.next_action.setEnabled(page < self.pages)
        self.page_changed.emit(page, self.pages)

    # --- zoom -------------------------------------------------------------------------------

    def zoom(self) -> float:
        """The zoom shown (1.0: the page at its printed size on screen), also when fitted."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        margins = self.view.documentMargins()
        room = self.view.viewport().width() - margins.left() - margins.right()
        screen = QGuiApplication.primaryScreen()
        dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
        width = self.document.pagePointSize(self.current_page()).width() * dpi / 72
        return room / width if width > 0 else 1.0

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._show_zoom()

    @Slot()
    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    @Slot()
    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    @Slot()
    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._show_zoom()

    def zoom_text(self) -> str:
        return self.zoom_label.text()

    @Slot()
    def _show_zoom(self) -> None:
        zoom = self.zoom()
        self.zoom_label.setText(self.tr("{percent}%").format(percent=round(zoom * 100)))
        self.fit_action.setChecked(self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth)
        self.zoom_in_action.setEnabled(zoom < MAX_ZOOM - 1e-6)
        self.zoom_out_action.setEnabled(zoom > MIN_ZOOM + 1e-6)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Fitted to the width, the zoom follows the view's width.
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._show_zoom()
        return super().eventFilter(watched, event)

    # --- printing ---------------------------------------------------------------------------

    def configure_printer(self, printer: QPrinter) -> None:
        """A4, the whole paper (the PDF has its own margins), the brief's number of copies."""
        printer.setDocName(
            self.tr("{title}, issue {issue}").format(
                title=self.issued.title, issue=self.issued.issue
            )
        )
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setFullPage(True)
        printer.setCopyCount(self.copies)
        printer.setCollateCopies(True)

    @Slot()
    def ask_print(self) -> None:
        """The system print dialog, then the print run."""
        if self._busy():
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.configure_printer(printer)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("Print brief"))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, False)
        dialog.setMinMax(1, self.pages)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> BackgroundJob | None:
        """Print on a configured printer: its copy count picks how many numbered copies (up to
        the number the brief was issued with), its page range which pages of each copy. Qt
        makes no copies of its own: each copy carries its number."""
        if self._busy():
            return None
        copies = max(1, printer.copyCount())
        if copies > self.copies:
            self._warn(
                self.tr("Print brief"),
                self.tr(
                    "This brief was issued in {issued} numbered copies, so at most {issued} "
                    "can be printed. For more copies, make the brief again with a larger number "
                    "of copies."
                ).format(issued=self.copies),
            )
            return None
        first, last = 1, self.pages
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage(), max(printer.fromPage(), printer.toPage())
        sheets = print_plan(self.pages, copies, first, last)
        printer.setCopyCount(1)
        printer.setFullPage(True)
        self._printer = printer
        pdf = self.issued.pdf
        stamp_text = self.tr("Copy {number}")

        def stamp(copy_no: int) -> str:
            return stamp_text.format(number=copy_no)

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            return print_pages(
                pdf, printer, sheets, stamp=stamp, progress=progress, cancelled=cancelled
            )

        job = BackgroundJob(work, self)
        self.job = job
        attach_progress_dialog(
            job,
            self.tr("Printing {copies} copies ({sheets} pages)…").format(
                copies=copies, sheets=len(sheets)
            ),
            self,
            cancellable=True,
        )
        job.succeeded.connect(lambda pages: self._printed(printer, copies, int(pages)))
        job.failed.connect(lambda exc: self._print_failed(printer, exc))
        job.start()
        return job

    def _printed(self, printer: QPrinter, copies: int, pages: int) -> None:
        self._printer = None
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            message = self.tr("Printed {copies} copies ({pages} pages) to {path}").format(
                copies=copies, pages=pages, path=printer.outputFileName()
            )
        else:
            message = self.tr("Sent {copies} copies ({pages} pages) to {printer}").format(
                copies=copies, pages=pages, printer=printer.printerName()
            )
        self.status_message.emit(message)

    def _print_failed(self, printer: QPrinter, exc: object) -> None:
        self._printer = None
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            # A print run to a file that stopped leaves no half-written file behind.
            with contextlib.suppress(OSError):
                Path(printer.outputFileName()).unlink()
        if isinstance(exc, Cancelled):
            self.status_message.emit(self.tr("Printing cancelled."))
            return
        self._failed(self.tr("Printing failed"), exc)

    # --- saving -----------------------------------------------------------------------------

    def _ask_path(self, caption: str, kind: str, pattern: str) -> Path | None:
        folder = str(self._settings.value(SAVE_FOLDER_KEY) or Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, caption, str(Path(folder) / self.issued.file_name(kind)), pattern
        )
        if not path:
            return None
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        self._settings.setValue(SAVE_FOLDER_KEY, str(Path(path).parent))
        return Path(path)

    @Slot()
    def ask_save_pdf(self) -> None:
        path = self._ask_path(self.tr("Save brief as PDF"), "pdf", self.tr("PDF file (*.pdf)"))
        if path is not None:
            self.save_pdf_to(path)

    def save_pdf_to(self, path: Path) -> bool:
        """A copy of the issued PDF (every numbered copy) at `path`."""
        try:
            copy_issued(self.issued.pdf, path, self.issued.sha256)
        except WorkstationError as exc:
            self._warn(self.tr("Save PDF"), exc.message)
            return False
        self.status_message.emit(self.tr("Saved the PDF to {path}").format(path=str(path)))
        return True

    @Slot()
    def ask_save_xlsx(self) -> None:
        if self._busy():
            return
        path = self._ask_path(
            self.tr("Save brief as Excel workbook"), "xlsx", self.tr("Excel workbook (*.xlsx)")
        )
        if path is not None:
            self.save_xlsx_to(path)

    def save_xlsx_to(self, path: Path) -> BackgroundJob | None:
        """The brief's workbook at `path`: copied from the archive when it was issued already,
        else rendered from the same figures as the PDF (recorded, kept in the archive) in a job.
        Returns the job, or None when there was nothing to run."""
        if self._busy():
            return None
        if self._xlsx is not None:
            xlsx = self._xlsx
            try:
                copy_issued(xlsx, path, audit.file_sha256(xlsx))
            except WorkstationError as exc:
                self._warn(self.tr("Save Excel workbook"), exc.message)
                return None
            self._xlsx_saved(path)
            return None
        brief = self.issued.brief
        if brief is None:
            return None
        store, actor = self._store, self._actor

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Path:
            target = briefs.archive_folder(store) / briefs.archive_name(brief, "xlsx")
            file = briefs.render_xlsx(
                store, actor, brief, target, progress=progress, cancel=cancelled
            )
            copy_issued(Path(file.path), path, file.sha256)
            return Path(file.path)

        job = BackgroundJob(work, self)
        self.job = job
        attach_progress_dialog(
            job, self.tr("Writing the Excel workbook {name}…").format(name=path.name), self,
            cancellable=True,
        )  # fmt: skip
        job.succeeded.connect(lambda archived: self._xlsx_rendered(Path(str(archived)), path))
        job.failed.connect(lambda exc: self._failed(self.tr("Save Excel workbook"), exc))
        job.start()
        return job

    def _xlsx_rendered(self, archived: Path, path: Path) -> None:
        self._xlsx = archived
        self.files_changed.emit()
        self._xlsx_saved(path)

    def _xlsx_saved(self, path: Path) -> None:
        self.status_message.emit(
            self.tr("Saved the Excel workbook to {path}").format(path=str(path))
        )

    # --- shared -----------------------------------------------------------------------------

    def _busy(self) -> bool:
        if self.job is not None and not self.job.done:
            self.status_message.emit(self.tr("Please wait: the last job is still running."))
            return True
        return False

    def _failed(self, title: str, exc: object) -> None:
        if isinstance(exc, Cancelled):
            self.status_message.emit(self.tr("Cancelled; no file was written."))
            return
        if isinstance(exc, WorkstationError):
            self._warn(title, exc.message)
            return
        assert isinstance(exc, BaseException)
        sys.excepthook(type(exc), exc, exc.__traceback__)

    def _warn(self, title: str, text: str) -> None:
        self.status_message.emit(text)
        QMessageBox.warning(self, title, text)

    def done(self, result: int) -> None:
        """Closing stops a job still running (its file is not kept); the window closes once the
        job has stopped, so the job never reports to a window that is gone."""
        job = self.job
        if job is not None and not job.done:
            if not self._closing:
                self._closing = True
                job.cancel()
                job.finished.connect(lambda: QDialog.done(self, result))
                self.status_message.emit(self.tr("Cancelling…"))
            return
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None and not self.job.done:
            event.ignore()
            self.done(QDialog.DialogCode.Rejected)
            return
        super().closeEvent(event)


def screenshot(path: str | os.PathLike[str], store: Store, actor: Actor) -> None:
    """A picture of the preview of a brief computed from `store` (for the documentation). The PDF
    is rendered to a temporary folder and not recorded: the store is left as it was."""
    from workstation.briefs.pdf import render_pdf

    brief = briefs.compute(store, actor)
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "brief.pdf"
        render_pdf(brief, pdf)
        issued = IssuedBrief(
            brief.uuid,
            brief.title,
            brief.issue,
            brief.copies,
            pdf,
            audit.file_sha256(pdf),
            None,
            brief,
        )
        preview = BriefPreview(store, actor, issued)
        preview.resize(900, 1080)
        preview.show()
        wait_for_paint(preview, 1500)
        preview.grab().save(str(path))
        preview.close()
        preview.deleteLater()
