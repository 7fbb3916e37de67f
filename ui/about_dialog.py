"""The About dialog: version, the store and its schema revision, Qt and Python versions, the
logs folder, and every shipped component with its licence (full texts one click away)."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import QItemSelectionModel, Qt, Slot, qVersion
from PySide6.QtGui import QFontDatabase, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation import diagnostics, version
from workstation.store import Store

TEXTS_ROLE = Qt.ItemDataRole.UserRole + 1


class LicenceTextDialog(QDialog):
    """A component's licence texts, read-only, one after the other."""

    def __init__(self, title: str, texts: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("licenceText")
        self.setWindowTitle(self.tr("Licence: {name}").format(name=title))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("licenceTextView")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        parts = [f"==== {name} ====\n\n{body}" for name, body in texts]
        self.text.setPlainText("\n\n".join(parts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(720, 560)


class AboutDialog(QDialog):
    """What this program is and what it is made of.

    Shows the version, the open store (path or server, with its schema revision against the
    one this program expects), Qt, PySide6 and Python versions, the logs folder, and a table
    of the font, the OpenCC data and each library with its version and licence; "Show
    licence…" (or a double-click) opens the selected one's full text.
    """

    def __init__(self, store: Store | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Case Supervision Workstation"))
        self.components = version.components()
        self.schema = version.store_schema(store) if store is not None else None

        title = QLabel(self.tr("Case Supervision Workstation"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)

        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.version_label = self._fact(facts, self.tr("Version"), version.__version__)
        if self.schema is not None:
            self._fact(facts, self.tr("Store"), self.schema.store or "")
            self.schema_label = self._fact(facts, self.tr("Schema revision"), self._schema_text())
        else:
            self.schema_label = self._fact(
                facts, self.tr("Schema revision"), version.head_revision()
            )
        self._fact(
            facts,
            self.tr("Qt / PySide6"),
            f"Qt {qVersion()} · PySide6 {PySide6.__version__}",
        )
        self._fact(facts, self.tr("Python"), version.python_version())
        self._fact(facts, self.tr("System"), platform.platform())
        self._fact(facts, self.tr("Logs folder"), str(diagnostics.active_log_folder()))

        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence")]
        )
        for component in self.components:
            name = QStandardItem(component.name)
            name.setData(list(component.texts), TEXTS_ROLE)
            row = [name, QStandardItem(component.version), QStandardItem(component.licence)]
            for item in row:
                item.setEditable(False)
            self.model.appendRow(row)
        self.table = QTableView(self)
        self.table.setObjectName("componentsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.show_licence())
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._update_button(current.row())
        )

        self.licence_button = QPushButton(self.tr("Show licence…"), self)
        self.licence_button.setObjectName("showLicenceButton")
        self.licence_button.clicked.connect(self.show_licence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.licence_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(facts)
        layout.addWidget(QLabel(self.tr("Components and their licences:"), self))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.licence_dialog: LicenceTextDialog | None = None
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_button(self.table.currentIndex().row())
        self.resize(780, 620)

    def _fact(self, form: QFormLayout, label: str, value: str) -> QLabel:
        field = QLabel(value, self)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        field.setWordWrap(True)
        form.addRow(label, field)
        return field

    def _schema_text(self) -> str:
        schema = self.schema
        assert schema is not None
        if schema.current is None:
            return self.tr("not initialised (this program uses {head})").format(head=schema.head)
        if schema.up_to_date:
            return self.tr("{current} (current)").format(current=schema.current)
        return self.tr("{current} (this program uses {head})").format(
            current=schema.current, head=schema.head
        )

    def _update_button(self, row: int) -> None:
        texts = self.model.item(row, 0).data(TEXTS_ROLE) if row >= 0 else None
        self.licence_button.setEnabled(bool(texts))

    def row_of(self, name: str) -> int:
        """The table row of a component, by the start of its name (tests, keyboard users)."""
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).text().lower().startswith(name.lower()):
                return row
        return -1

    @Slot()
    def show_licence(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0:
            return
        item = self.model.item(row, 0)
        texts: list[tuple[str, str]] = []
        for relative in item.data(TEXTS_ROLE) or []:
            try:
                texts.append((relative.rsplit("/", 1)[-1], version.licence_text(relative)))
            except (OSError, ValueError):
                texts.append((relative, self.tr("(this text is missing from the installation)")))
        if not texts:
            return
        dialog = LicenceTextDialog(item.text(), texts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget_licence_dialog)
        self.licence_dialog = dialog
        dialog.show()

    @Slot()
    def _forget_licence_dialog(self) -> None:
        self.licence_dialog = None
