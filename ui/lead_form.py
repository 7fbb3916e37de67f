"""The lead editor: one lead's fields in groups, its audit history and its linked case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.case_detail import CaseDetail, long_date
from ui.lead_fields import ALL_FIELDS, GROUPS, MUTED, LeadFields
from ui.lead_history import LeadHistory
from workstation.errors import ValidationError, WorkstationError
from workstation.services import audit
from workstation.services.auth import Actor, can, role_label
from workstation.services.cases import CaseQuery, list_cases
from workstation.services.leads import LeadRow, get_lead, update_lead
from workstation.services.review import case_history
from workstation.store import Store

Apply = Callable[[dict[str, Any]], LeadRow]
REPORTER_FIELDS = ("reporter_name", "reporter_phone")
# Below this width the groups stack in one column (the form often sits in a side panel).
TWO_COLUMNS_FROM = 860

_BAR_STYLES = {
    "error": ("#fef3f2", "#fda29b", "#912018"),
    "info": ("#eff8ff", "#b2ddff", "#175cd3"),
    "success": ("#ecfdf3", "#abefc6", "#067647"),
}


class MessageBar(QFrame):
    """A one-line message above a form: an error from the store, a note, or a confirmation.

    Signals:
        reload_requested(): the user asked for the stored version (offered with errors).
    """

    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.kind = ""
        self.text = QLabel(self)
        self.text.setObjectName("messageText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = QPushButton(self.tr("Reload"), self)
        self.reload_button.setObjectName("reloadButton")
        self.reload_button.setToolTip(self.tr("Show the lead as stored now, dropping your edits"))
        self.reload_button.clicked.connect(self.reload_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.reload_button)
        self.hide()

    def show_message(self, kind: str, text: str, *, offer_reload: bool = False) -> None:
        background, border, ink = _BAR_STYLES[kind]
        self.kind = kind
        self.setStyleSheet(
            f"QFrame#messageBar {{ background-color: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QLabel#messageText {{ color: {ink}; }}"
        )
        self.text.setText(text)
        self.reload_button.setVisible(offer_reload)
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.text.clear()
        self.hide()


class LeadForm(QWidget):
    """An editor for one lead: 详情 (its fields), 历史 (its audit events), 关联案件 (its case).

    Save (Ctrl+S) sends only the fields changed since `load`, through the apply function
    (`set_apply`; by default services.leads.update_lead with the loaded version, so a lead
    someone else saved meanwhile is refused). A ValidationError's messages appear next to
    their fields; any other error of the store in the bar at the top. Nothing is changed by
    a refused save. Reporter identities are masked; an actor allowed to unmask may show them
    (a logged choice), and only then edit them. Read-only for actors who may not edit leads.

    Signals:
        saved(object): the LeadRow as stored after a save.
        dirty_changed(bool): whether the fields differ from the loaded lead.
    """

    saved = Signal(object)
    dirty_changed = Signal(bool)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadForm")
        self._store = store
        self._actor = actor
        self._today = today
        self._row: LeadRow | None = None
        self._apply: Apply | None = None
        self._baseline: dict[str, Any] = {}
        self._dirty = False
        self._reporter_shown = False
        self._stale_tabs: set[QWidget] = set()
        self._columns = 0
        self.can_edit = can(actor, "lead.edit")
        self.can_unmask = can(actor, "reporter.unmask")

        self.title = QLabel(self)
        self.title.setObjectName("leadTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("leadSubtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet(f"color: {MUTED};")
        self.bar = MessageBar(self)
        self.bar.reload_requested.connect(self.reload)

        self.fields = LeadFields(store, actor, self)
        self.fields.edited.connect(self._edited)
        self.fields.align_labels()
        self.groups = [self.fields.group(key, names, self) for key, names in GROUPS]
        self.show_reporter_button = QPushButton(self.tr("Show"), self)
        self.show_reporter_button.setObjectName("showReporter")
        self.show_reporter_button.setToolTip(
            self.tr("Show the reporter's full name and phone (recorded in the audit trail)")
        )
        self.show_reporter_button.clicked.connect(self.show_reporter)
        self.fields["reporter_name"].add_beside(self.show_reporter_button)

        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("saveLead")
        self.save_button.setToolTip(self.tr("Save the changes (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setObjectName("revertLead")
        self.revert_button.setToolTip(self.tr("Put the fields back as stored"))
        self.revert_button.clicked.connect(self.revert)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("leadTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._details_page(), self.tr("Details"))
        self.history = LeadHistory(self)
        self.tabs.addTab(self.history, self.tr("History"))
        self.case_view = CaseDetail(self)
        self.tabs.addTab(self.case_view, self.tr("Linked case"))
        self.tabs.currentChanged.connect(self._tab_shown)

        layout = QVBoxLayout(self)
        # The form's minimum size follows its content, but is never imposed on a window that
        # shows the form alone (that would resend size hints whenever a message appears).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        heading = QVBoxLayout()
        heading.setContentsMargins(12, 10, 12, 0)
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        layout.addLayout(heading)
        bar_row = QHBoxLayout()
        bar_row.setContentsMargins(12, 0, 12, 0)
        bar_row.addWidget(self.bar)
        layout.addLayout(bar_row)
        layout.addWidget(self.tabs, 1)
        self.clear()

    def _details_page(self) -> QWidget:
        page = QWidget(self)
        host = QWidget(page)
        host.setObjectName("leadFieldsHost")
        self._column_widgets = [QWidget(host), QWidget(host)]
        self._column_layouts = []
        columns = QHBoxLayout(host)
        columns.setContentsMargins(12, 8, 12, 8)
        columns.setSpacing(14)
        for widget in self._column_widgets:
            column = QVBoxLayout(widget)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(12)
            column.addStretch(1)
            self._column_layouts.append(column)
            columns.addWidget(widget, 1, Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea(page)
        self.scroll.setObjectName("leadFieldsScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(host)
        self._arrange(1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(12, 4, 12, 10)
        self.dirty_note = QLabel(self.tr("Unsaved changes"), page)
        self.dirty_note.setObjectName("dirtyNote")
        self.dirty_note.setStyleSheet(f"color: {MUTED};")
        buttons.addWidget(self.dirty_note)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.scroll, 1)
        column.addLayout(buttons)
        return page

    def _arrange(self, columns: int) -> None:
        """The four groups in one column, or in two (source and subject on the left, problem
        and handling on the right), each column as tall as its own groups."""
        if columns == self._columns:
            return
        self._columns = columns
        for layout in self._column_layouts:
            for group in self.groups:
                layout.removeWidget(group)
        for index, group in enumerate(self.groups):
            layout = self._column_layouts[0 if columns == 1 else index // 2]
            layout.insertWidget(layout.count() - 1, group)
        self._column_widgets[1].setVisible(columns == 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(2 if event.size().width() >= TWO_COLUMNS_FROM else 1)

    # --- the lead shown -----------------------------------------------------------------------

    def row(self) -> LeadRow | None:
        """The lead as loaded (its uuid and version are what an apply function needs)."""
        return self._row

    def set_apply(self, fn: Apply | None) -> None:
        """How a save is stored: fn(changes) returns the LeadRow as stored, or raises."""
        self._apply = fn

    def clear(self) -> None:
        """Show no lead (nothing selected)."""
        self._row = None
        self._reporter_shown = False
        self.fields.set_values(dict.fromkeys(ALL_FIELDS))
        self.fields.clear_problems()
        self.fields.set_editable(False)
        self.title.setText(self.tr("No lead selected"))
        self.subtitle.clear()
        self.bar.clear()
        self.show_reporter_button.hide()
        self.history.show_message(self.tr("Select a lead to see its history."))
        self.case_view.show_message(self.tr("Select a lead to see its linked case."))
        self._stale_tabs.clear()
        self._baseline = self.fields.values()
        self._update_buttons()
        self._set_dirty(False)

    def load(self, row: LeadRow) -> None:
        """Show `row` (reporter masked as the services return it); edits not saved are dropped."""
        self._row = row
        self._reporter_shown = False
        self.fields.set_values({name: getattr(row, name) for name in ALL_FIELDS})
        self.fields.clear_problems()
        self.fields.set_editable(self.can_edit)
        self.fields.set_editable(False, REPORTER_FIELDS)
        masked = self.tr("Masked: the reporter's identity is hidden")
        for name in REPORTER_FIELDS:
            self.fields[name].editor.setToolTip(masked)
        has_reporter = bool(row.reporter_name or row.reporter_phone)
        self.show_reporter_button.setVisible(self.can_unmask and has_reporter)
        self._baseline = self.fields.values()
        self.title.setText(row.ref)
        self.subtitle.setText(self._describe(row))
        self.bar.clear()
        if not self.can_edit:
            self.bar.show_message(
                "info",
                self.tr("Read only: a {role} may not edit leads.").format(
                    role=role_label(self._actor.role)
                ),
            )
        self._stale_tabs = {self.history, self.case_view}
        self._tab_shown(self.tabs.currentIndex())
        self._update_buttons()
        self._set_dirty(False)

    def _describe(self, row: LeadRow) -> str:
        entered = self.tr("Entered by {user} on {date}").format(
            user=row.created_by or "", date=long_date(row.created_at.astimezone().date())
        )
        if row.updated_at and row.updated_by and row.version > 1:
            changed = self.tr("last changed by {user} on {date}").format(
                user=row.updated_by, date=long_date(row.updated_at.astimezone().date())
            )
            return f"{entered} · {changed}"
        return entered

    @Slot()
    def reload(self) -> None:
        """Load the lead as stored now (after someone else changed it)."""
        if self._row is None:
            return
        try:
            row = get_lead(self._store, self._actor, self._row.uuid)
        except WorkstationError as exc:
            self.bar.show_message("error", exc.message)
            return
        self.load(row)

    @Slot()
    def show_reporter(self) -> None:
        """Replace the masked reporter by the real one (the services log the unmasking)."""
        if self._row is None or not self.can_unmask:
            return
        try:
            row = get_lead(self._store, self._actor, self._row.uuid, unmask=True)
        except WorkstationError as exc:
            self.bar.show_message("error", exc.message)
            return
        real = {name: getattr(row, name) for name in REPORTER_FIELDS}
        self.fields.set_values(real)
        self._baseline.update({name: self.fields[name].value() for name in REPORTER_FIELDS})
        self._reporter_shown = True
        self.fields.set_editable(self.can_edit, REPORTER_FIELDS)
        for name in REPORTER_FIELDS:
            self.fields[name].editor.setToolTip("")
        self.show_reporter_button.hide()

    def reporter_shown(self) -> bool:
        return self._reporter_shown

    # --- editing ------------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """The fields changed since the lead was loaded (masked reporter fields never)."""
        if self._row is None or not self.can_edit:
            return {}
        current = self.fields.values()
        return {
            name: value
            for name, value in current.items()
            if value != self._baseline.get(name)
            and (self._reporter_shown or name not in REPORTER_FIELDS)
        }

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def problems(self) -> dict[str, str]:
        """The messages shown next to fields now."""
        return self.fields.problems()

    @Slot(str)
    def _edited(self, _name: str) -> None:
        self._set_dirty(self.is_dirty())
        if self.bar.kind == "success":
            self.bar.clear()

    def _set_dirty(self, dirty: bool) -> None:
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.dirty_note.setVisible(dirty)
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _update_buttons(self) -> None:
        editable = self._row is not None and self.can_edit
        self.save_button.setVisible(editable)
        self.revert_button.setVisible(editable)
        self.save_shortcut.setEnabled(editable)

    @Slot()
    def revert(self) -> None:
        if self._row is None:
            return
        shown = self._reporter_shown
        reporter = {name: self._baseline[name] for name in REPORTER_FIELDS}
        self.load(self._row)
        if shown:
            # Keep the reporter shown: unmasking again would log it a second time.
            self.fields.set_values(reporter)
            self._baseline.update(reporter)
            self._reporter_shown = True
            self.fields.set_editable(self.can_edit, REPORTER_FIELDS)
            self.show_reporter_button.hide()

    @Slot()
    def save(self) -> bool:
        """Store the changes; False (and the form as it was) when the store refused them."""
        if self._row is None or not self.can_edit:
            return False
        changes = self.changes()
        if not changes:
            return True
        self.fields.clear_problems()
        self.bar.clear()
        apply = self._apply or self._update
        try:
            row = apply(changes)
        except ValidationError as exc:
            self._show_problems(exc.problems)
            return False
        except WorkstationError as exc:
            self.bar.show_message("error", exc.message, offer_reload=True)
            return False
        self.load(row)
        self.bar.show_message("success", self.tr("Saved."))
        self.saved.emit(row)
        return True

    def _update(self, changes: dict[str, Any]) -> LeadRow:
        assert self._row is not None
        return update_lead(
            self._store,
            self._actor,
            self._row.uuid,
            changes,
            expected_version=self._row.version,
            today=self._today,
        )

    def _show_problems(self, problems: Mapping[str, str]) -> None:
        elsewhere = self.fields.show_problems(problems)
        shown = len(problems) - len(elsewhere)
        if elsewhere:
            self.bar.show_message("error", "；".join(elsewhere.values()))
        elif shown:
            self.bar.show_message(
                "error",
                self.tr("Not saved: correct the {count} marked field(s).").format(count=shown),
            )
        first = self.fields.first_with_problem()
        if first is not None:
            self.tabs.setCurrentIndex(0)
            self.scroll.ensureWidgetVisible(first.cell)
            first.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- history and linked case --------------------------------------------------------------

    @Slot(int)
    def _tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page not in self._stale_tabs or self._row is None:
            return
        self._stale_tabs.discard(page)
        if page is self.history:
            self._show_history(self._row)
        elif page is self.case_view:
            self._show_case(self._row)

    def _show_history(self, row: LeadRow) -> None:
        try:
            events = audit.history(self._store, self._actor, row.uuid, entity_type="lead")
        except WorkstationError as exc:
            self.history.show_message(exc.message)
            return
        self.history.show_events(row, events)

    def _show_case(self, row: LeadRow) -> None:
        if not row.case_no:
            self.case_view.show_message(self.tr("No case is linked to this lead."))
            return
        try:
            found = [
                case
                for case in list_cases(
                    self._store, self._actor, CaseQuery(search=row.case_no), limit=50
                )
                if case.case_no == row.case_no
            ]
            if not found:
                self.case_view.show_message(
                    self.tr("No case numbered {case_no} is in the store.").format(
                        case_no=row.case_no
                    )
                )
                return
            # The same number at several agencies: the first, and a note of the others.
            self.case_view.show_history(case_history(self._store, self._actor, found[0].id))
        except WorkstationError as exc:
            self.case_view.show_message(exc.message)
            return
        if len(found) > 1:
            others = "、".join(case.agency for case in found[1:])
            self.bar.show_message(
                "info",
                self.tr("Case No. {case_no} is also used by: {agencies}").format(
                    case_no=row.case_no, agencies=others
                ),
            )
