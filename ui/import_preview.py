"""The import wizard's preview page: the first rows, the header row, a field per column (as
drop-downs), the values of required columns the file lacks, and named mapping profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.case_detail import long_date
from ui.import_models import SPECIAL, FieldDelegate, PreviewModel
from ui.import_pages import WizardPage
from ui.import_widgets import NOTE_COLOR, row_span, show_failure, show_message, text_label
from workstation.errors import WorkstationError
from workstation.importing import Preview, preview
from workstation.importing.profiles import Profile, find_profile, save_profile

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard

COLUMN_WIDTH = (120, 260)  # narrowest and widest a preview column starts


class PreviewPage(WizardPage):
    """The file as the import would read it.

    The grid's first row holds a drop-down per column (the field it imports as, or "ignore");
    rows the import would reject are tinted, with their reasons as tool tips. When a saved
    mapping profile matches the file's headers it is applied at once, and the page says so.
    Every change re-reads the top of the file off the GUI thread."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setObjectName("previewPage")
        self.setTitle(self.tr("Preview and columns"))
        self.setSubTitle(
            self.tr(
                "Check that each column imports as the right field; change it in the first row. "
                "Rows in red would be rejected: point at one to see why."
            )
        )
        self._generation = 0
        self._loading = False
        self.where = text_label(self, "where")
        self.header_spin = QSpinBox(self)
        self.header_spin.setObjectName("headerRow")
        self.header_spin.setRange(0, 9999)
        self.header_spin.setSpecialValueText(self.tr("Automatic"))
        self.header_spin.setMinimumWidth(110)
        self.header_spin.setToolTip(self.tr("The row that holds the column titles"))
        self.header_spin.valueChanged.connect(self._header_row_changed)
        self.profile_label = text_label(self, "profileNote", color=NOTE_COLOR)
        self.detected_button = QPushButton(self.tr("Use the detected mapping"), self)
        self.detected_button.setObjectName("useDetected")
        self.detected_button.clicked.connect(self.use_detected)

        self.model = PreviewModel(self)
        self.model.field_chosen.connect(self._field_chosen)
        self.table = QTableView(self)
        self.table.setObjectName("previewGrid")
        self.table.setModel(self.model)
        self.table.setItemDelegate(FieldDelegate(self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

        self.constants_box = QGroupBox(self.tr("Required columns the file lacks"), self)
        self.constants_box.setObjectName("constants")
        self.constants_form = QFormLayout(self.constants_box)
        self.constant_edits: dict[str, QLineEdit] = {}

        self.problem = text_label(self, "previewProblem")
        self.save_button = QPushButton(self.tr("Save mapping as profile…"), self)
        self.save_button.setObjectName("saveProfile")
        self.save_button.clicked.connect(self.ask_profile_name)
        self.saved = text_label(self, "profileSaved")

        top = QHBoxLayout()
        top.addWidget(self.where, 1)
        top.addWidget(QLabel(self.tr("Header row:"), self))
        top.addWidget(self.header_spin)
        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_label, 1)
        profile_row.addWidget(self.detected_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.saved, 1)
        bottom.addStretch(0)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(profile_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.constants_box)
        layout.addWidget(self.problem)
        layout.addLayout(bottom)
        self.profile_label.hide()
        self.detected_button.hide()
        self.constants_box.hide()
        # The grid, not the header row box, comes first: it takes the focus when the page opens.
        QWidget.setTabOrder(self.table, self.header_spin)

    # --- loading ----------------------------------------------------------------------------

    def initializePage(self) -> None:
        wizard = self.owner
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(wizard.header_row or 0)
        self.header_spin.blockSignals(False)
        show_message(self.saved, "")
        self.load()

    def load(self) -> None:
        """Read the top of the file with the choices so far (off the GUI thread); a saved
        profile for its headers is looked up and applied unless the clerk chose otherwise."""
        wizard = self.owner
        self._generation += 1
        generation = self._generation
        self._loading = True
        self.completeChanged.emit()
        show_message(self.problem, self.tr("Reading the file…"))
        path, kind, sheet, header_row = wizard.path, wizard.kind, wizard.sheet, wizard.header_row
        mapping, constants, today = wizard.mapping(), dict(wizard.constants), wizard.today
        store, actor = wizard.store, wizard.actor
        look_up = not wizard.overrides and not wizard.profile_declined

        def work(_progress: Any, _cancelled: Any) -> tuple[Preview, Profile | None, list[Any]]:
            def read(pairs: list[tuple[str, str]]) -> Preview:
                return preview(
                    path, kind, sheet=sheet, header_row=header_row, mapping=pairs,
                    constants=constants, today=today,
                )  # fmt: skip

            shown = read(mapping)
            if not (look_up and shown.columns):
                return shown, None, []
            profile = find_profile(store, actor, kind, [c.header for c in shown.columns])
            if profile is None:
                return shown, None, []
            extra = profile.overrides([(c.letter, c.field) for c in shown.columns])
            return (read(extra) if extra else shown), profile, extra

        wizard.start_job(
            work,
            lambda found: self._loaded(generation, found),
            lambda exc: self._failed(generation, exc),
        )

    def _loaded(self, generation: int, found: tuple[Preview, Profile | None, list[Any]]) -> None:
        if generation != self._generation:
            return
        shown, profile, extra = found
        wizard = self.owner
        self._loading = False
        if profile is not None:
            wizard.profile = profile
            wizard.overrides = {letter: field or None for letter, field in extra}
        wizard.preview = shown
        self.show_preview(shown)
        self.completeChanged.emit()

    def _failed(self, generation: int, exc: object) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.owner.preview = None
        self.model.set_preview(None)
        show_failure(self.problem, exc)
        self.completeChanged.emit()

    # --- showing ----------------------------------------------------------------------------

    def show_preview(self, shown: Preview) -> None:
        self.model.set_preview(shown)
        if self.model.has_mapping_row():
            for column in range(self.model.columnCount()):
                self.table.openPersistentEditor(self.model.index(0, column))
            editor = self.table.indexWidget(self.model.index(0, 0))
            if editor is not None:
                self.table.verticalHeader().resizeSection(0, editor.sizeHint().height() + 4)
        self._size_columns()
        self.where.setText(self.where_text(shown))
        self._show_profile()
        self._show_constants(shown)
        self.save_button.setEnabled(bool(shown.columns))
        if shown.problem is None:
            show_message(self.problem, "")
        elif not shown.header_rows:
            show_message(
                self.problem,
                self.tr(
                    "No header row was recognised in the first rows of the sheet. Set the "
                    "header row above to the row that holds the column titles."
                ),
                error=True,
            )
        else:
            show_message(self.problem, shown.problem, error=True)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        low, high = COLUMN_WIDTH
        for column in range(self.model.columnCount()):
            wanted = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            header.resizeSection(column, max(low, min(high, wanted)))

    def where_text(self, shown: Preview) -> str:
        parts = []
        if shown.sheet:
            parts.append(self.tr("Sheet “{sheet}”").format(sheet=shown.sheet))
        elif shown.encoding:
            parts.append(self.tr("CSV, {encoding}").format(encoding=shown.encoding.upper()))
        if shown.header_rows:
            rows = row_span(shown.header_rows)
            parts.append(self.tr("header on row {rows}").format(rows=rows))
            ignored = sum(1 for c in shown.columns if c.field is None)
            if ignored:
                text = self.tr("{n} columns, {ignored} kept as extra data")
                parts.append(text.format(n=len(shown.columns), ignored=ignored))
            else:
                parts.append(self.tr("{n} columns").format(n=len(shown.columns)))
        parts.append(self.tr("importing as {kind}").format(kind=self.kind_text(self.owner.kind)))
        return " · ".join(parts)

    def _show_profile(self) -> None:
        wizard = self.owner
        profile = wizard.profile
        if profile is None:
            self.profile_label.hide()
            self.detected_button.hide()
            return
        shown = wizard.preview
        current = [c.field for c in shown.columns] if shown else []
        same = len(current) == len(profile.fields) and all(
            a == b or a in SPECIAL or b in SPECIAL
            for a, b in zip(current, profile.fields, strict=True)
        )
        if not same:
            self.profile_label.setText(
                self.tr("Based on the saved mapping “{name}”, with your changes.").format(
                    name=profile.name
                )
            )
            self.profile_label.show()
            self.detected_button.show()
            return
        text = self.tr(
            "The saved mapping “{name}” was applied automatically: files with these headers "
            "were mapped this way before (saved by {who} on {date})."
        ).format(name=profile.name, who=profile.saved_by, date=long_date(profile.saved_at.date()))
        self.profile_label.setText(text)
        self.profile_label.show()
        self.detected_button.show()

    def _show_constants(self, shown: Preview) -> None:
        """A line per required field no column provides: one value for every row (as --set)."""
        wizard = self.owner
        mapped = {c.field for c in shown.columns}
        wanted = [f for f in wizard.required() if f not in mapped] if shown.header_rows else []
        if list(self.constant_edits) == wanted:
            self.constants_box.setVisible(bool(wanted))
            return
        while self.constants_form.rowCount():
            self.constants_form.removeRow(0)
        self.constant_edits = {}
        labels = wizard.labels()
        for field in wanted:
            edit = QLineEdit(self.constants_box)
            edit.setObjectName(f"constant_{field}")
            edit.setPlaceholderText(self.tr("the same value for every row"))
            edit.setText(wizard.constants.get(field, ""))
            edit.editingFinished.connect(lambda field=field: self._constant_changed(field))
            self.constants_form.addRow(f"{labels[field]}:", edit)
            self.constant_edits[field] = edit
        self.constants_box.setVisible(bool(wanted))

    # --- the clerk's changes ----------------------------------------------------------------

    @Slot(str, object)
    def _field_chosen(self, letter: str, field: object) -> None:
        self.owner.choose(letter, field if isinstance(field, str) else None)
        self.load()

    @Slot(int)
    def _header_row_changed(self, value: int) -> None:
        wizard = self.owner
        header_row = value or None
        if header_row == wizard.header_row:
            return
        wizard.forget_mapping()
        wizard.header_row = header_row
        self.load()

    def set_field(self, letter: str, field: str | None) -> None:
        """Choose `field` for the column `letter` (as its drop-down does)."""
        self._field_chosen(letter, field)

    def set_constant(self, field: str, value: str) -> None:
        """Give every row `value` for a required field the file has no column for."""
        edit = self.constant_edits[field]
        edit.setText(value)
        self._constant_changed(field)

    def _constant_changed(self, field: str) -> None:
        wizard = self.owner
        value = self.constant_edits[field].text().strip()
        if wizard.constants.get(field, "") == value:
            return
        if value:
            wizard.constants[field] = value
        else:
            wizard.constants.pop(field, None)
        wizard.check = None
        self.load()

    @Slot()
    def use_detected(self) -> None:
        """Set the applied profile aside and read the file with the detected mapping."""
        wizard = self.owner
        wizard.overrides.clear()
        wizard.profile = None
        wizard.profile_declined = True
        self.load()

    @Slot()
    def ask_profile_name(self) -> None:
        wizard = self.owner
        default = (
            wizard.profile.name if wizard.profile else (wizard.path.stem if wizard.path else "")
        )
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save mapping as profile"),
            self.tr("Name of the mapping (files with the same headers will be read this way):"),
            QLineEdit.EchoMode.Normal,
            default,
        )
        if ok:
            self.save_profile(name)

    def save_profile(self, name: str) -> Profile | None:
        """Save the current column mapping under `name` for files with these headers."""
        wizard = self.owner
        shown = wizard.preview
        if shown is None or not shown.columns:
            return None
        try:
            profile = save_profile(
                wizard.store,
                wizard.actor,
                name,
                wizard.kind,
                [c.header for c in shown.columns],
                [c.field for c in shown.columns],
            )
        except WorkstationError as exc:
            show_failure(self.saved, exc)
            return None
        wizard.profile = profile
        wizard.profile_declined = False
        show_message(
            self.saved,
            self.tr(
                "Saved as “{name}”: files with the same headers will be mapped this way."
            ).format(name=profile.name),
            ok=True,
        )
        return profile

    def isComplete(self) -> bool:
        shown = self.owner.preview
        return not self._loading and shown is not None and shown.problem is None

    def grid(self) -> QWidget:
        return self.table
