"""The settings page: campaign dates and phases, briefs, rule thresholds and deadlines, the watch
list, this workstation (lock, backups, language), the units, and the user accounts.

The domain settings are saved through workstation.services.settings_svc (administrators only;
checked and audited there); its messages appear under the fields they are about. The language
is this computer's choice (QSettings) and applies at the next start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import i18n
from ui.lead_fields import MUTED, PROBLEM_COLOUR, DateField, Field, TextField
from ui.units_tab import UnitsTab
from ui.users_view import UsersView
from workstation.errors import ValidationError, WorkstationError
from workstation.services import settings_svc
from workstation.services.auth import Actor, can
from workstation.settings import Settings
from workstation.store import Store

LANGUAGE_SETTING = i18n.LANGUAGE_SETTING
# The languages offered, each named in itself (as language menus do everywhere).
LANGUAGES = (("zh_CN", "简体中文"), ("en", "English"))
SPIN_MAXIMUM = 99_999


class NumberField(Field):
    """A whole number in a spin box (the service says which values make sense)."""

    def __init__(self, name: str, label: str, suffix: str, parent: QWidget) -> None:
        editor = QSpinBox(parent)
        editor.setRange(0, SPIN_MAXIMUM)
        editor.setSuffix(suffix)
        editor.setFixedWidth(150)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        super().__init__(name, label, editor, parent)
        self.spin = editor
        self.row.addStretch(1)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        self.spin.setValue(int(value))

    def set_editable(self, editable: bool) -> None:
        self.spin.setReadOnly(not editable)
        self.spin.setButtonSymbols(
            QSpinBox.ButtonSymbols.UpDownArrows if editable else QSpinBox.ButtonSymbols.NoButtons
        )

    def connect_edited(self, callback: Callable[[], None]) -> None:
        self.spin.valueChanged.connect(lambda _value: callback())


class NamesField(Field):
    """Names, one a line (the brief's 报送 and 抄送 lists)."""

    def __init__(self, name: str, label: str, parent: QWidget) -> None:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 3 + 14)
        super().__init__(name, label, editor, parent)
        self.text = editor

    def value(self) -> list[str]:
        return [line.strip() for line in self.text.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: Any) -> None:
        self.text.setPlainText("\n".join(value or ()))

    def set_editable(self, editable: bool) -> None:
        self.text.setReadOnly(not editable)

    def connect_edited(self, callback: Callable[[], None]) -> None:
        self.text.textChanged.connect(callback)


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


class SettingsPage(QWidget):
    """The settings in tabs, with Save and Revert; read-only for who may not edit settings.

    Signals:
        saved(object): the Settings now in force, after a save that changed something.
        units_merged(object): the MergeResult of a merge on the units tab.
    """

    saved = Signal(object)
    units_merged = Signal(object)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsPage")
        self._store = store
        self._actor = actor
        self._qsettings = settings if settings is not None else QSettings()
        self.editable = settings_svc.may_edit(actor)
        self.fields: dict[str, Field] = {}
        self._loaded: Settings | None = None

        heading = QLabel(self.tr("Settings"), self)
        heading.setObjectName("heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.read_only_note = QLabel(
            self.tr("Only an administrator can change these settings; they are shown here."),
            self,
        )
        self.read_only_note.setObjectName("readOnlyNote")
        self.read_only_note.setStyleSheet(f"color: {MUTED};")
        self.read_only_note.setVisible(not self.editable)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(self._scrolled(self._campaign_tab()), self.tr("Campaign and briefs"))
        self.tabs.addTab(self._scrolled(self._rules_tab()), self.tr("Rules and deadlines"))
        self.tabs.addTab(self._scrolled(self._workstation_tab()), self.tr("This workstation"))
        self.units_tab = UnitsTab(store, actor, self)
        self.units_tab.merged.connect(self.units_merged)
        self.tabs.addTab(self.units_tab, self.tr("Units"))
        self.users_view: UsersView | None = None
        if can(actor, "user.manage") or can(actor, "audit.verify"):
            self.users_view = UsersView(store, actor, self)
            self.tabs.addTab(self.users_view, self.tr("Users and audit"))

        self.message = QLabel(self)
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("saveSettings")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setObjectName("revertSettings")
        self.revert_button.setToolTip(self.tr("Back to the settings as saved"))
        self.revert_button.clicked.connect(self.revert)
        for button in (self.save_button, self.revert_button):
            button.setVisible(self.editable)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(self.read_only_note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        for field in self.fields.values():
            field.set_editable(self.editable)
            field.connect_edited(self._edited)
        self.revert()

    # --- building -----------------------------------------------------------------------------

    def _scrolled(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(inner)
        return area

    def _group(self, parent: QWidget, title: str, hint: str = "") -> QFormLayout:
        box = QGroupBox(title, parent)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if hint:
            form.addRow(_hint(hint, box))
        layout = parent.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(box)
        return form

    def _add(self, form: QFormLayout, field: Field) -> None:
        form.addRow(field.label, field.cell)
        self.fields[field.name] = field

    def _number(self, form: QFormLayout, name: str, label: str, suffix: str) -> None:
        parent = form.parentWidget() or self
        self._add(form, NumberField(name, label, suffix, parent))

    def _page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(12)
        return page

    def _campaign_tab(self) -> QWidget:
        page = self._page()
        dates = self._group(
            page,
            self.tr("Campaign"),
            self.tr(
                "The study and education phase runs from the first day to the day before "
                "investigation and rectification begins; summing up runs to the last day."
            ),
        )
        box = dates.parentWidget() or page
        for name, label in (
            ("campaign_start", self.tr("First day")),
            ("phase_rectify_start", self.tr("Investigation and rectification from")),
            ("phase_summary_start", self.tr("Summing up from")),
            ("campaign_end", self.tr("Last day")),
        ):
            field = DateField(name, label, box)
            field.editor.setFixedWidth(150)
            field.row.addStretch(1)
            self._add(dates, field)
        brief = self._group(page, self.tr("Briefs"))
        box = brief.parentWidget() or page
        self._add(brief, TextField("issuing_unit", self.tr("Issuing unit"), box, max_length=100))
        self._add(brief, TextField("brief_title", self.tr("Title"), box, max_length=100))
        self._add(brief, NamesField("brief_send_to", self.tr("Sent to (one a line)"), box))
        self._add(brief, NamesField("brief_copy_to", self.tr("Copied to (one a line)"), box))
        self._number(brief, "brief_copies", self.tr("Copies printed"), self.tr(" copies"))
        page.layout().addStretch(1)  # type: ignore[union-attr]
        return page

    def _rules_tab(self) -> QWidget:
        page = self._page()
        days = self.tr(" days")
        leads = self._group(page, self.tr("Leads"))
        self._number(leads, "lead_due_days", self.tr("Days to handle a lead"), days)
        rules = self._group(
            page,
            self.tr("Case anomaly rules"),
            self.tr("Changed thresholds apply from the next scan of the cases."),
        )
        for name, label in (
            ("nf1_days", self.tr("NF-1: days from acceptance to a filing decision")),
            ("nf1_complex_days", self.tr("NF-1: the same for major or complex cases")),
            ("sp1_days", self.tr("SP-1: days without any case activity")),
            ("sp2_days", self.tr("SP-2: days from filing without closing")),
        ):
            self._number(rules, name, label, days)
        watch = self._group(
            page,
            self.tr("Watch list"),
            self.tr(
                "A person is on the watch list when named in so many leads within so many days, "
                "in leads of so many categories, or as the officer of cases with so many "
                "confirmed anomalies."
            ),
        )
        self._number(watch, "watch_leads", self.tr("Leads about one person"), self.tr(" leads"))
        self._number(watch, "watch_days", self.tr("…within"), days)
        self._number(
            watch, "watch_categories", self.tr("Categories of problems"), self.tr(" categories")
        )
        self._number(
            watch,
            "watch_anomalies",
            self.tr("Confirmed anomalies of an officer"),
            self.tr(" cases"),
        )
        page.layout().addStretch(1)  # type: ignore[union-attr]
        return page

    def _workstation_tab(self) -> QWidget:
        page = self._page()
        safety = self._group(page, self.tr("Safety"))
        self._number(
            safety,
            "idle_lock_minutes",
            self.tr("Lock after minutes without input (0: never)"),
            self.tr(" min"),
        )
        self._number(safety, "backup_keep", self.tr("Backups kept"), self.tr(" backups"))
        language = self._group(
            page,
            self.tr("Language"),
            self.tr("The language of this computer's screens; it applies at the next start."),
        )
        box = language.parentWidget() or page
        self.language_combo = QComboBox(box)
        self.language_combo.setObjectName("languageChoice")
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        current = i18n.chosen_language(self._qsettings)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current)))
        self.language_combo.currentIndexChanged.connect(self._language_changed)
        self.language_note = _hint("", box)
        self.language_note.setObjectName("languageNote")
        language.addRow(self.tr("Language"), self.language_combo)
        language.addRow(self.language_note)
        page.layout().addStretch(1)  # type: ignore[union-attr]
        return page

    # --- values -------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {name: field.value() for name, field in self.fields.items()}

    def _loaded_values(self) -> dict[str, Any]:
        assert self._loaded is not None
        out: dict[str, Any] = {}
        for name in self.fields:
            value = getattr(self._loaded, name)
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def is_changed(self) -> bool:
        return self._loaded is not None and self.values() != self._loaded_values()

    @Slot()
    def _edited(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        changed = self.is_changed()
        self.save_button.setEnabled(changed)
        self.revert_button.setEnabled(changed)

    def clear_problems(self) -> None:
        for field in self.fields.values():
            field.set_problem(None)

    @Slot()
    def revert(self) -> None:
        """Show the settings as saved (dropping what was typed)."""
        try:
            cfg = settings_svc.current(self._store, self._actor)
        except WorkstationError as exc:
            self.show_message(exc.message, error=True)
            return
        self._show_settings(cfg)
        self.show_message("")

    def _show_settings(self, cfg: Settings) -> None:
        self._loaded = cfg
        for name, field in self.fields.items():
            value = getattr(cfg, name)
            field.set_value(value.isoformat() if isinstance(value, dt.date) else value)
        self.clear_problems()
        self._update_buttons()

    @Slot()
    def save(self) -> bool:
        """Save what changed; problems are shown under their fields and nothing is saved."""
        if self._loaded is None:
            return False
        old = self._loaded_values()
        changes = {n: v for n, v in self.values().items() if v != old.get(n)}
        self.clear_problems()
        try:
            cfg = settings_svc.update_settings(
                self._store, self._actor, changes, expected=self._loaded
            )
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return False
        except WorkstationError as exc:
            self.show_message(exc.message, error=True)
            return False
        self._show_settings(cfg)  # as stored: dates as 2021-04-06, names trimmed
        self.show_message(self.tr("Settings saved."))
        if changes:
            self.saved.emit(cfg)
        return True

    def show_problems(self, problems: dict[str, str]) -> None:
        first: Field | None = None
        elsewhere = []
        for name, message in problems.items():
            field = self.fields.get(name)
            if field is None:
                elsewhere.append(message)
                continue
            field.set_problem(message)
            first = first or field
        if first is not None:
            self._reveal(first)
        self.show_message(
            "；".join(elsewhere)
            if elsewhere
            else self.tr("Nothing was saved: see the fields marked."),
            error=True,
        )

    def _reveal(self, field: Field) -> None:
        """Show the tab holding the field, and put the cursor in it."""
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            if tab is not None and tab.isAncestorOf(field.editor):
                self.tabs.setCurrentIndex(index)
                break
        field.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR if error else '#067647'};")

    # --- language -----------------------------------------------------------------------------

    @Slot(int)
    def _language_changed(self, _index: int) -> None:
        code = str(self.language_combo.currentData())
        self._qsettings.setValue(LANGUAGE_SETTING, code)
        self._qsettings.sync()
        self.language_note.setText(
            self.tr("Saved: the new language applies when the workstation starts again.")
        )

    def add_tab(self, widget: QWidget, title: str) -> None:
        """Another tab (the user accounts, backups...), after the units."""
        self.tabs.addTab(widget, title)
