"""The import wizard's first pages: the file, then the sheet and what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from ui.import_widgets import (
    NOTE_COLOR,
    row_span,
    sentences,
    show_failure,
    show_message,
    text_label,
)
from workstation.importing.detect import Inspection, inspect_file

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard


class WizardPage(QWizardPage):
    """A page of the import wizard (typed access to the wizard and its choices)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._owner = wizard

    @property
    def owner(self) -> ImportWizard:
        return self._owner

    def kind_text(self, kind: str | None) -> str:
        # translate() with this class's name: tr() would look under the subclass's name.
        translate = QCoreApplication.translate
        if kind == "leads":
            return translate("WizardPage", "leads")
        if kind == "cases":
            return translate("WizardPage", "cases")
        return translate("WizardPage", "no header found")


# --- choosing the file ----------------------------------------------------------------------


class FilePage(WizardPage):
    """The file to import: typed, browsed for, or dropped on the wizard (or the import page).

    Choosing a file starts a first look at it off the GUI thread (hostile files are refused
    here, with the core's message); Next is enabled once that look succeeded."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("filePage")
        self.setTitle(self.tr("Choose a file"))
        self.setSubTitle(
            self.tr(
                "An Excel workbook (.xlsx, .xlsm, .xls) or a CSV file of leads or of cases. "
                "You can also drop the file on this window."
            )
        )
        self._generation = 0
        self._loading = False
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("path")
        self.path_edit.setPlaceholderText(self.tr("Path of the file"))
        self.path_edit.editingFinished.connect(self._typed)
        self.browse_button = QPushButton(self.tr("Browse…"), self)
        self.browse_button.setObjectName("browse")
        self.browse_button.clicked.connect(self.browse)
        self.status = text_label(self, "fileStatus", color=NOTE_COLOR)
        self.drop_zone = QLabel(self.tr("Drop an Excel or CSV file here"), self)
        self.drop_zone.setObjectName("dropZone")
        self.drop_zone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_zone.setMinimumHeight(120)
        self.drop_zone.setStyleSheet(
            "#dropZone { border: 2px dashed #98a2b3; border-radius: 8px; color: #475467; }"
        )
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addSpacing(12)
        layout.addWidget(self.drop_zone)
        layout.addStretch(1)

    @Slot()
    def browse(self) -> None:
        path = self.owner.ask_open_path()
        if path is not None:
            self.set_path(path)

    @Slot()
    def _typed(self) -> None:
        text = self.path_edit.text().strip()
        if text and Path(text) != self.owner.path:
            self.set_path(Path(text))

    def set_path(self, path: Path) -> None:
        """Take `path` as the file to import and have a first look at it."""
        wizard = self.owner
        wizard.path = path
        wizard.inspection = None
        wizard.header_row = None
        wizard.forget_mapping()
        self.path_edit.setText(str(path))
        self._generation += 1
        generation = self._generation
        self._loading = True
        show_message(self.status, self.tr("Reading “{name}”…").format(name=path.name))
        self.completeChanged.emit()

        def work(_progress: Any, _cancelled: Any) -> Inspection:
            return inspect_file(path)

        wizard.start_job(
            work,
            lambda found: self._inspected(generation, found),
            lambda exc: self._failed(generation, exc),
        )

    def _inspected(self, generation: int, found: Inspection) -> None:
        if generation != self._generation:
            return
        wizard = self.owner
        self._loading = False
        wizard.inspection = found
        wizard.sheet = found.sheet
        if found.kind is not None:
            wizard.kind = found.kind
        show_message(self.status, self.describe(found), ok=True)
        self.completeChanged.emit()

    def _failed(self, generation: int, exc: object) -> None:
        if generation != self._generation:
            return
        self._loading = False
        show_failure(self.status, exc)
        self.completeChanged.emit()

    def describe(self, found: Inspection) -> str:
        if found.format == "csv":
            what = self.tr("CSV file, encoding {encoding}.").format(
                encoding=(found.encoding or "").upper()
            )
        else:
            what = self.tr("Excel workbook with {n} sheet(s).").format(n=len(found.sheets))
        guess = found.guess(found.sheet)
        if guess is None or not guess.header_rows:
            return sentences(
                [what, self.tr("No header row was recognised; you can choose it later.")]
            )
        rows = row_span(guess.header_rows)
        if found.kind is None:
            text = self.tr("Header on row {rows}; choose whether it holds leads or cases.")
            return sentences([what, text.format(rows=rows)])
        kind = self.kind_text(found.kind)
        if found.sheet:
            text = self.tr("The sheet “{sheet}” seems to hold {kind} (header on row {rows}).")
            return sentences([what, text.format(sheet=found.sheet, kind=kind, rows=rows)])
        text = self.tr("It seems to hold {kind} (header on row {rows}).")
        return sentences([what, text.format(kind=kind, rows=rows)])

    def isComplete(self) -> bool:
        return not self._loading and self.owner.inspection is not None

    def nextId(self) -> int:
        found = self.owner.inspection
        if found is not None and len(found.sheets) <= 1 and found.kind is not None:
            return self.owner.PREVIEW
        return self.owner.SHEET


class SheetPage(WizardPage):
    """Which sheet (when there are several) and whether it holds leads or cases."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("sheetPage")
        self.setTitle(self.tr("Choose the sheet and what it holds"))
        self.setSubTitle(
            self.tr(
                "Hidden sheets are listed too; the first visible sheet with a header is chosen."
            )
        )
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setObjectName("sheet")
        self.sheet_combo.currentIndexChanged.connect(self._sheet_changed)
        self.sheet_combo.setMinimumWidth(320)
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet_label = QLabel(self.tr("Sheet:"), self)
        self.leads_radio = QRadioButton(self.tr("Leads (问题线索)"), self)
        self.leads_radio.setObjectName("kindLeads")
        self.cases_radio = QRadioButton(self.tr("Cases (案件台账)"), self)
        self.cases_radio.setObjectName("kindCases")
        self.kinds = QButtonGroup(self)
        self.kinds.addButton(self.leads_radio)
        self.kinds.addButton(self.cases_radio)
        self.hint = text_label(self, "kindHint", color=NOTE_COLOR)
        kinds = QVBoxLayout()
        kinds.addWidget(self.leads_radio)
        kinds.addWidget(self.cases_radio)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.sheet_label, self.sheet_combo)
        form.addRow(self.tr("The sheet holds:"), kinds)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.owner
        found = wizard.inspection
        assert found is not None
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for guess in found.sheets:
            text = guess.name
            if not guess.visible:
                text += self.tr(" (hidden)")
            text += "  ·  " + self.kind_text(guess.kind)
            self.sheet_combo.addItem(text, guess.name)
        index = self.sheet_combo.findData(wizard.sheet)
        self.sheet_combo.setCurrentIndex(max(index, 0))
        self.sheet_combo.blockSignals(False)
        several = found.format != "csv" and len(found.sheets) > 1
        self.sheet_combo.setVisible(several)
        self.sheet_label.setVisible(several)
        (self.cases_radio if wizard.kind == "cases" else self.leads_radio).setChecked(True)
        self._show_hint()

    @Slot(int)
    def _sheet_changed(self, _index: int) -> None:
        found = self.owner.inspection
        guess = found.guess(self.chosen_sheet()) if found else None
        if guess is not None and guess.kind is not None:
            (self.cases_radio if guess.kind == "cases" else self.leads_radio).setChecked(True)
        self._show_hint()

    def _show_hint(self) -> None:
        found = self.owner.inspection
        guess = found.guess(self.chosen_sheet()) if found else None
        if guess is None or guess.kind is None:
            text = self.tr("Its header did not tell whether it holds leads or cases: choose.")
        else:
            text = self.tr("From its header, it seems to hold {kind}.").format(
                kind=self.kind_text(guess.kind)
            )
        show_message(self.hint, text)

    def chosen_sheet(self) -> str | None:
        found = self.owner.inspection
        if found is None or found.format == "csv":
            return None
        data = self.sheet_combo.currentData()
        return str(data) if data is not None else None

    def chosen_kind(self) -> str:
        return "cases" if self.cases_radio.isChecked() else "leads"

    def validatePage(self) -> bool:
        wizard = self.owner
        sheet, kind = self.chosen_sheet(), self.chosen_kind()
        if (sheet, kind) != (wizard.sheet, wizard.kind):
            wizard.forget_mapping()
            wizard.header_row = None
        wizard.sheet, wizard.kind = sheet, kind
        return True
