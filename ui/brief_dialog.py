"""The new-brief dialog: period, as-of date, issuing unit, masking, sections and copies, then
the brief made off the GUI thread with progress and cancel."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEventLoop, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.jobs import BackgroundJob
from workstation.briefs.model import NoteSection
from workstation.errors import Cancelled, ValidationError, WorkstationError
from workstation.services import briefs
from workstation.services.auth import Actor, can
from workstation.store import Store

ERROR_COLOUR = "#b42318"
PROGRESS_SCALE = 1000
COMPUTE_SHARE = 150  # of PROGRESS_SCALE: computing the figures; the rest is the PDF
DATE_FORMAT = "yyyy-MM-dd"
# The author's own sections the core prints after the figures (briefs.notes.KNOWN_TITLES).
NOTE_TITLES = ("典型问题", "下步工作")
MAX_NOTE = 20_000
MIN_WIDTH = 560


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _affix(spin: QSpinBox, template: str, field: str) -> None:
    """The text around a spin box's number, from one translated template ("第 {issue} 期")."""
    prefix, _, suffix = template.partition(field)
    spin.setPrefix(prefix)
    spin.setSuffix(suffix)


def _paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs of a note: separated by blank lines; the lines of one paragraph joined."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            paragraphs.append("".join(current))
            current = []
    if current:
        paragraphs.append("".join(current))
    return tuple(paragraphs)


class BriefDialog(QDialog):
    """Asks what the brief covers and makes it: the figures computed and the PDF written to the
    archive (recorded in the audit trail with its SHA-256, the issue number counted) in a
    background job, with a progress bar and Cancel (a cancelled brief leaves no file and no
    record). Then `generated` carries the result and the dialog closes.

    Defaults come from the store: the next issue number, the campaign's period and as-of date
    (services.briefs.defaults), the issuing unit and number of copies of the settings. Reporters
    are masked; only roles allowed to see them in full are offered the choice.

    Signals:
        generated(object): a services.briefs.BriefOutcome with the brief and its PDF.
    """

    generated = Signal(object)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("briefDialog")
        self.setWindowTitle(self.tr("New brief"))
        self._store = store
        self._actor = actor
        self.defaults = briefs.defaults(store, today=today)
        self.job: BackgroundJob | None = None
        self._close_when_done = False
        # Called on the worker thread with each progress report, before it goes to the GUI
        # thread (tests use it to cancel at a known point of the work).
        self.progress_hook: Callable[[int, int], None] | None = None
        d = self.defaults

        heading = QLabel(d.title, self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.issue_spin = QSpinBox(self)
        self.issue_spin.setObjectName("issueSpin")
        self.issue_spin.setRange(1, 1_000_000)
        self.issue_spin.setValue(d.issue)
        _affix(self.issue_spin, self.tr("No. {issue}"), "{issue}")
        self.issue_spin.setToolTip(
            self.tr("Counted per store; give an earlier number to issue it again.")
        )

        self.start_edit = self._date_edit("startDate", d.start)
        self.end_edit = self._date_edit("endDate", d.end)
        self.as_of_edit = self._date_edit("asOfDate", d.as_of)
        self.as_of_edit.setToolTip(
            self.tr("Totals, conclusion rates and overdue leads are counted to this date.")
        )
        self.issued_on_edit = self._date_edit("issuedOnDate", d.issued_on)
        self.end_edit.dateChanged.connect(self._end_changed)
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        period = QHBoxLayout()
        period.setSpacing(6)
        period.addWidget(self.start_edit)
        period.addWidget(QLabel(self.tr("to"), self))
        period.addWidget(self.end_edit)
        period.addStretch(1)

        self.unit_edit = QLineEdit(d.issuing_unit, self)
        self.unit_edit.setObjectName("issuingUnit")
        self.unit_edit.setMaxLength(briefs.MAX_ISSUING_UNIT)
        self.unit_edit.setMinimumWidth(320)

        self.copies_spin = QSpinBox(self)
        self.copies_spin.setObjectName("copiesSpin")
        self.copies_spin.setRange(1, briefs.MAX_COPIES)
        self.copies_spin.setValue(max(1, min(d.copies, briefs.MAX_COPIES)))
        _affix(self.copies_spin, self.tr("{copies} copies"), "{copies}")
        self.copies_spin.setToolTip(
            self.tr("Each copy carries its own number (第 N 份) on its first page.")
        )

        self.mask_check: QCheckBox | None = None
        if can(actor, "reporter.unmask"):
            self.mask_check = QCheckBox(self.tr("Mask reporters' names and phones"), self)
            self.mask_check.setObjectName("maskCheck")
            self.mask_check.setChecked(True)
            self.mask_check.setToolTip(
                self.tr(
                    "Unticked, the brief shows reporters in full; that is recorded in the "
                    "audit trail."
                )
            )
            masking: QWidget = self.mask_check
        else:
            masking = QLabel(
                self.tr("Reporters' names and phones are masked (张** · 138****1234).")
            )
            masking.setObjectName("maskNote")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Issue"), self.issue_spin)
        form.addRow(self.tr("Period"), period)
        form.addRow(self.tr("Counted to"), self.as_of_edit)
        form.addRow(self.tr("Issuing unit"), self.unit_edit)
        form.addRow(self.tr("Date of issue"), self.issued_on_edit)
        form.addRow(self.tr("Copies"), self.copies_spin)
        form.addRow(self.tr("Reporters"), masking)

        sections = QGroupBox(self.tr("Sections"), self)
        sections_layout = QVBoxLayout(sections)
        fixed = QLabel(
            self.tr(
                "Always included: overview, channels, categories, units, handling and results, "
                "overdue leads, case review findings, watch list."
            ),
            sections,
        )
        fixed.setWordWrap(True)
        sections_layout.addWidget(fixed)
        self.appendix_check = QCheckBox(
            self.tr("Appendix: every lead received in the period"), sections
        )
        self.appendix_check.setObjectName("appendixCheck")
        sections_layout.addWidget(self.appendix_check)
        self.note_checks: dict[str, QCheckBox] = {}
        self.note_edits: dict[str, QPlainTextEdit] = {}
        for title in NOTE_TITLES:
            check = QCheckBox(title, sections)
            check.setObjectName(f"note_{NOTE_TITLES.index(title)}")
            edit = QPlainTextEdit(sections)
            edit.setPlaceholderText(
                self.tr("Text of this section; a blank line starts a new paragraph.")
            )
            edit.setTabChangesFocus(True)
            edit.setEnabled(False)
            edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            edit.setMinimumHeight(3 * edit.fontMetrics().lineSpacing() + 14)
            check.toggled.connect(edit.setEnabled)
            self.note_checks[title] = check
            self.note_edits[title] = edit
            sections_layout.addWidget(check)
            sections_layout.addWidget(edit)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("briefProgress")
        self.progress_bar.setRange(0, PROGRESS_SCALE)
        self.progress_bar.setVisible(False)
        # Hidden, it keeps its room: the dialog never changes size while a brief is made.
        policy = self.progress_bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress_bar.setSizePolicy(policy)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("briefMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setMinimumHeight(2 * self.message_label.fontMetrics().lineSpacing())

        self.buttons = QDialogButtonBox(self)
        self.generate_button = self.buttons.addButton(
            self.tr("Generate"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.generate)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(sections)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self._inputs: list[QWidget] = [
            self.issue_spin,
            self.start_edit,
            self.end_edit,
            self.as_of_edit,
            self.unit_edit,
            self.issued_on_edit,
            self.copies_spin,
            sections,
            *([self.mask_check] if self.mask_check is not None else []),
        ]
        layout.activate()
        hint = self.minimumSizeHint()
        self.setMinimumSize(max(hint.width(), MIN_WIDTH), hint.height())

    def _date_edit(self, name: str, day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day), self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setMaximumDate(QDate(2100, 12, 31))
        return edit

    @Slot(QDate)
    def _end_changed(self, day: QDate) -> None:
        # Totals are counted at least to the end of the period.
        if self.as_of_edit.date() < day:
            self.as_of_edit.setDate(day)

    @Slot(QDate)
    def _as_of_changed(self, day: QDate) -> None:
        if self.end_edit.date() > day:
            self.end_edit.setDate(day)

    # --- the request ------------------------------------------------------------------------

    def request(self) -> briefs.BriefRequest:
        """What the form asks for."""
        notes = []
        for title in NOTE_TITLES:
            if self.note_checks[title].isChecked():
                text = self.note_edits[title].toPlainText()[:MAX_NOTE]
                paragraphs = _paragraphs(text)
                if paragraphs:
                    notes.append(NoteSection(title, paragraphs))
        return briefs.BriefRequest(
            start=_pydate(self.start_edit.date()),
            end=_pydate(self.end_edit.date()),
            as_of=_pydate(self.as_of_edit.date()),
            issue=self.issue_spin.value(),
            copies=self.copies_spin.value(),
            appendix=self.appendix_check.isChecked(),
            unmask=self.mask_check is not None and not self.mask_check.isChecked(),
            notes=tuple(notes),
            issued_on=_pydate(self.issued_on_edit.date()),
            issuing_unit=self.unit_edit.text(),
        )

    def set_note(self, title: str, text: str) -> None:
        self.note_checks[title].setChecked(True)
        self.note_edits[title].setPlainText(text)

    # --- making the brief -------------------------------------------------------------------

    def is_running(self) -> bool:
        return self.job is not None and not self.job.done

    @Slot()
    def generate(self) -> BackgroundJob | None:
        """Start making the brief; returns the job (None if one is running already)."""
        if self.is_running():
            return None
        request = self.request()
        store, actor, hook = self._store, self._actor, self.progress_hook

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            def report(done: int) -> None:
                if hook is not None:
                    hook(done, PROGRESS_SCALE)
                progress(done, PROGRESS_SCALE)

            def phase(low: int, high: int) -> Callable[[int, int], None]:
                def step(done: int, total: int) -> None:
                    if total > 0:
                        report(low + (high - low) * min(done, total) // total)

                return step

            brief = briefs.compute(
                store, actor, request, progress=phase(0, COMPUTE_SHARE), cancel=cancelled
            )
            target = briefs.archive_folder(store) / briefs.archive_name(brief, "pdf")
            file = briefs.render_pdf(
                store,
                actor,
                brief,
                target,
                progress=phase(COMPUTE_SHARE, PROGRESS_SCALE),
                cancel=cancelled,
            )
            return briefs.BriefOutcome(brief, (file,))

        job = BackgroundJob(work, self)
        self.job = job
        job.progressed.connect(self._progressed)
        job.succeeded.connect(self._succeeded)
        job.failed.connect(self._failed)
        job.finished.connect(self._finished)
        self._set_running(True)
        self._say(self.tr("Making the brief…"))
        job.start()
        return job

    def _set_running(self, running: bool) -> None:
        for widget in self._inputs:
            widget.setEnabled(not running)
        self.generate_button.setEnabled(not running)
        self.progress_bar.setVisible(running)
        self.progress_bar.setValue(0)

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress_bar.setValue(PROGRESS_SCALE * min(done, total) // total)

    @Slot(object)
    def _succeeded(self, outcome: object) -> None:
        self._say("")
        self.generated.emit(outcome)
        self.accept()

    @Slot(object)
    def _failed(self, exc: object) -> None:
        if isinstance(exc, Cancelled):
            self._say(self.tr("Cancelled: no file was written and nothing was recorded."))
        elif isinstance(exc, ValidationError):
            self._say("\n".join(exc.problems.values()), error=True)
        elif isinstance(exc, WorkstationError):
            self._say(exc.message, error=True)
        else:
            assert isinstance(exc, BaseException)
            self._say(self.tr("The brief could not be made."), error=True)
            sys.excepthook(type(exc), exc, exc.__traceback__)

    @Slot()
    def _finished(self) -> None:
        self._set_running(False)
        if self._close_when_done:
            super().reject()

    def message(self) -> str:
        return self.message_label.text()

    def _say(self, text: str, *, error: bool = False) -> None:
        palette = self.message_label.palette()
        colour = ERROR_COLOUR if error else self.palette().color(QPalette.ColorRole.WindowText)
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.message_label.setPalette(palette)
        self.message_label.setText(text)

    # --- cancelling -------------------------------------------------------------------------

    @Slot()
    def cancel_generation(self) -> None:
        if self.is_running():
            assert self.job is not None
            self.job.cancel()
            self._say(self.tr("Cancelling…"))

    def reject(self) -> None:
        """Cancel (or Esc): stops a brief being made, and stays open to say so; else closes."""
        if self.is_running():
            self.cancel_generation()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_running():
            self._close_when_done = True
            self.cancel_generation()
            event.ignore()
            return
        super().closeEvent(event)


def wait_for_paint(widget: QWidget, ms: int) -> None:
    """Let a widget just shown lay itself out (for pictures of it)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    widget.repaint()


def screenshot(path: str | os.PathLike[str], store: Store, actor: Actor) -> None:
    """A picture of the dialog as it opens on `store` (for the documentation)."""
    dialog = BriefDialog(store, actor)
    dialog.set_note("典型问题", "某派出所民警违规插手经济纠纷，已立案审查。")
    dialog.show()
    dialog.adjustSize()
    wait_for_paint(dialog, 300)
    dialog.grab().save(str(path))
    dialog.close()
    dialog.deleteLater()
