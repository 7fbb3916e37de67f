"""The leads page: filter bar, the lazy table, the lead form beside it, bulk edits, export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence, QPalette, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.bulk_dialog import BulkEditDialog, describe_bulk, show_problems
from ui.filter_bar import FilterBar, with_filters
from ui.jobs import BackgroundJob
from ui.lead_form import LeadForm
from ui.leads_export import LeadsExporter
from ui.leads_model import OVERDUE_FOREGROUND, LeadsModel
from ui.leads_table import LeadsTableView
from ui.quick_entry import QuickEntryDialog
from ui.undo import MASKED_FIELDS, LeadChange, LeadEditCommand, LeadVersions, lead_change
from workstation.errors import ValidationError, WorkstationError
from workstation.services import campaign
from workstation.services.auth import Actor, can
from workstation.services.leads import (
    SORT_KEYS,
    LeadEdit,
    LeadQuery,
    LeadRow,
    count_leads,
    get_lead,
    update_lead,
    update_leads,
)
from workstation.store import Store

# A bulk change reads every selected lead first (for undo): beyond this, ask for a narrower list.
MAX_BULK = 5_000
ORDER_KEY = "leads/order"
SPLITTER_KEY = "leads/splitter"
COLUMNS_KEY = "main_window/leads_columns"


def _thousands(n: int) -> str:
    return f"{n:,}"


class LeadsView(QWidget):
    """The leads page: filters over a lazy table of the store's leads, the lead form beside it,
    bulk edits with undo, quick entry and export to Excel.

    Edits go through the services; each one pushes an already-applied command on the shared
    undo stack. Actions the user's role does not allow are not offered.

    Signals:
        total_changed(int): the number of leads in the store (not only the filtered ones).
        status_message(str): a short message for the window's status bar.
    """

    total_changed = Signal(int)
    status_message = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        *,
        undo_stack: QUndoStack,
        settings: QSettings,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadsView")
        self._store = store
        self._actor = actor
        self._settings = settings
        self._today = today
        self.undo_stack = undo_stack
        self._versions = LeadVersions()
        self._error_shown = False
        self._active = True
        self._detail_row: LeadRow | None = None
        self.bulk_dialog: BulkEditDialog | None = None
        self.quick_entry: QuickEntryDialog | None = None
        self._model: LeadsModel | None = None

        self.filter_bar = FilterBar(store, actor, settings=settings, as_of=self._as_of, parent=self)
        self.model = LeadsModel(
            store,
            actor,
            with_filters(self._saved_order(), self.filter_bar.query()),
            today=today,
            parent=self,
        )
        self._model = self.model
        self.table = LeadsTableView(self)
        self.table.setModel(self.model)
        self.table.fit_columns()
        self.table.set_placeholder_text(self.tr("No leads match."))

        self.legend = QLabel(self)
        self.legend.setObjectName("overdueLegend")
        legend_palette = self.legend.palette()
        legend_palette.setColor(QPalette.ColorRole.WindowText, OVERDUE_FOREGROUND)
        self.legend.setPalette(legend_palette)
        self.filter_bar.top_row.insertWidget(1, self.legend)
        self.filter_bar.top_row.insertSpacing(1, 12)

        self.form = LeadForm(store, actor, self, today=today)
        self.form.set_apply(self.apply_edit)
        self.form.setMinimumWidth(340)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("leadsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.form)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([900, 400])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 4)
        layout.setSpacing(8)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)

        self.exporter = LeadsExporter(store, actor, settings=settings, parent=self)
        self.exporter.status_message.connect(self.status_message)
        self._build_actions()
        self.filter_bar.changed.connect(self._filters_changed)
        self.model.count_changed.connect(self.filter_bar.set_count)
        self.model.load_failed.connect(self._report_load_failure)
        self.model.modelReset.connect(self._selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self.edit_current)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_sortable_indicator)
        self.filter_bar.set_count(self.model.rowCount())
        self._show_legend()
        self._selection_changed()

    def _as_of(self) -> dt.date:
        if self._model is not None:
            return self._model.as_of
        return self._today or campaign.as_of(self._store)

    @property
    def search(self) -> QLineEdit:
        return self.filter_bar.search

    @property
    def count_label(self) -> QLabel:
        return self.filter_bar.count_label

    # --- actions ----------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | None, slot: Any, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            self.tr("&New lead…"), "Ctrl+N", self.open_quick_entry, "newLead"
        )
        self.new_action.setToolTip(self.tr("Quick entry of a phone lead (Ctrl+N)"))
        self.edit_action = self._action(self.tr("&Edit lead"), "F2", self.edit_current, "editLead")
        self.assign_action = self._action(
            self.tr("Assign &handler unit…"), "Ctrl+Shift+A", self.ask_handler_unit, "assign"
        )
        self.status_action = self._action(
            self.tr("Change &status…"), "Ctrl+Shift+S", self.ask_status, "changeStatus"
        )
        self.disposition_action = self._action(
            self.tr("Set &disposition…"), "Ctrl+Shift+D", self.ask_disposition, "disposition"
        )
        self.export_action = self._action(
            self.tr("&Export list to Excel…"), "Ctrl+E", self.ask_export, "export"
        )
        self.export_unmasked_action = self._action(
            self.tr("Export list with reporter identities…"),
            None,
            self.ask_export_unmasked,
            "exportUnmasked",
        )
        self.refresh_action = self._action(self.tr("&Refresh"), "F5", self.refresh, "refresh")
        self.find_action = self._action(self.tr("&Find…"), "Ctrl+F", self.focus_search, "find")
        self.clear_filters_action = self._action(
            self.tr("C&lear filters"), "Ctrl+Shift+L", self.filter_bar.clear, "clearFilters"
        )
        self.copy_action = self._action(
            self.tr("&Copy lead numbers"), None, self.copy_refs, "copyRefs"
        )
        self.copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        # Ctrl+C copies lead numbers only from the table: the form's fields keep their own.
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.bulk_actions = (self.assign_action, self.status_action, self.disposition_action)
        for action in self.bulk_actions:
            action.setVisible(can(self._actor, "lead.edit"))
        self.new_action.setVisible(can(self._actor, "lead.create"))
        self.export_unmasked_action.setVisible(can(self._actor, "reporter.unmask"))

        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        separator = QAction(self)
        separator.setSeparator(True)
        for action in (self.edit_action, *self.bulk_actions, separator, self.copy_action):
            self.table.addAction(action)

    def lead_actions(self) -> list[QAction | None]:
        """The actions for the window's Leads menu, None marking a separator."""
        return [
            self.new_action,
            self.edit_action,
            None,
            *self.bulk_actions,
            None,
            self.copy_action,
        ]

    def set_active(self, active: bool) -> None:
        """Whether the page is on screen: its keys must not act on a hidden table."""
        self._active = active
        for action in (
            self.export_action,
            self.export_unmasked_action,
            self.refresh_action,
            self.find_action,
            self.clear_filters_action,
        ):
            action.setEnabled(active)
        self._selection_changed()

    def shutdown(self) -> None:
        """The window is closing: stop timers and a running export (it leaves no file)."""
        self.filter_bar.stop()
        self.exporter.cancel_and_wait()
        if self.quick_entry is not None:
            self.quick_entry.close()

    @Slot()
    def _selection_changed(self) -> None:
        selection = self.table.selectionModel()
        selected = selection is not None and selection.hasSelection()
        for action in (*self.bulk_actions, self.copy_action):
            action.setEnabled(self._active and selected)
        self.edit_action.setEnabled(self._active and self._detail_row is not None)

    @Slot()
    def focus_search(self) -> None:
        self.filter_bar.focus_search()

    def apply_search(self) -> None:
        self.filter_bar.apply()

    def show_filters(self, filters: Mapping[str, Any]) -> None:
        """Show the leads these filters keep (as the dashboard names them; see FilterBar)."""
        self.filter_bar.set_filters(filters)

    # --- loading ------------------------------------------------------------------------------

    @Slot(object)
    def _filters_changed(self, filters: LeadQuery) -> None:
        self._error_shown = False
        self.model.set_query(with_filters(self.model.query, filters))
        self._show_legend()

    def _show_legend(self) -> None:
        """Overdue is judged as of a date (today, or the end of a finished campaign): say which."""
        self.legend.setText(
            self.tr("Red: overdue as of {date}, not concluded").format(
                date=self.model.as_of.isoformat()
            )
        )

    @Slot()
    def refresh(self) -> None:
        """Read the store again (F5), keeping the selection where the leads still are."""
        self._error_shown = False
        self.reload()

    def reload(self) -> None:
        """Read the store again, keeping the selection, the current lead and the scroll."""
        remembered = self.table.remember_selection(MAX_BULK)
        self.model.refresh()
        self.table.restore_selection(remembered)
        if not self.table.currentIndex().isValid():
            self._show_detail(None)
        self.update_total()
        self._show_legend()

    def update_total(self) -> None:
        try:
            # Counting is the slow part of a reload: reuse the model's count when it is the total.
            if self.model.is_filtered():
                total = count_leads(self._store, self._actor, LeadQuery())
            else:
                total = self.model.rowCount()
        except WorkstationError as exc:
            self._report_load_failure(exc.message)
            return
        self.total_changed.emit(total)

    # --- the lead form ------------------------------------------------------------------------

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        lead = self.model.lead_at(current.row()) if current.isValid() else None
        shown = self._detail_row
        leaving = shown is not None and (lead is None or lead.id != shown.id)
        if leaving and self.form.is_dirty() and not self._leave_unsaved(shown):
            # Back to the lead being edited, once this change of row has finished.
            row, lead_id = previous.row(), shown.id
            QTimer.singleShot(0, self, lambda: self._go_back(row, lead_id))
            return
        self._show_detail(lead)

    def _leave_unsaved(self, shown: LeadRow) -> bool:
        """The form has unsaved edits and another row was chosen: save, drop or stay."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("Save the changes to lead {ref}?").format(ref=shown.ref),
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return self.form.save()
        return answer == buttons.Discard

    def _go_back(self, row: int, lead_id: int) -> None:
        found = self.table.find_row(lead_id, max(row, 0))
        if found is None:
            return
        flags = QItemSelectionModel.SelectionFlag
        selection = self.table.selectionModel()
        # Quietly: the form still holds this lead and its unsaved edits.
        blocked = selection.blockSignals(True)
        try:
            selection.setCurrentIndex(self.model.index(found, 0), flags.ClearAndSelect | flags.Rows)
        finally:
            selection.blockSignals(blocked)
        self.table.viewport().update()
        self._selection_changed()

    def _show_detail(self, lead: LeadRow | None) -> None:
        shown = self._detail_row
        same = (
            lead is not None
            and shown is not None
            and (lead.id, lead.version) == (shown.id, shown.version)
        )
        self._detail_row = lead
        if lead is None:
            self.form.clear()
        elif not same:
            self.form.load(lead)
        self._selection_changed()

    @Slot()
    def edit_current(self) -> None:
        """Move the keyboard into the form (F2, Enter or a double click on a row)."""
        if self._detail_row is not None:
            self.form.tabs.setCurrentIndex(0)
            # The field most often corrected by hand (imports guess it from the summary).
            self.form.fields["category"].editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def apply_edit(self, changes: dict[str, Any]) -> LeadRow:
        """Save the form's changes to its lead (the form's apply function).

        Raises what the service raises (ValidationError, a conflict), for the form to show.
        """
        row = self._detail_row
        if row is None:
            raise WorkstationError(self.tr("No lead is open."))
        unmasked = None
        if MASKED_FIELDS & set(changes) and can(self._actor, "reporter.unmask"):
            # Undo must put back the real reporter, not the masked one the table holds.
            unmasked = get_lead(self._store, self._actor, row.id, unmask=True)
        new = update_lead(
            self._store,
            self._actor,
            row.id,
            changes,
            expected_version=row.version,
            today=self._today,
        )
        change = lead_change(row, new, changes, unmasked_before=unmasked)
        self._push([change], {new.id: new.version}, self.tr("Edit lead {ref}").format(ref=new.ref))
        self._detail_row = new
        # Once the form has taken the saved row: the table then shows the new values.
        QTimer.singleShot(0, self, self.reload)
        return new

    # --- bulk edits ---------------------------------------------------------------------------

    def selected_leads(self) -> list[LeadRow] | None:
        """The selected leads as the table shows them; None (with a message) if too many."""
        rows = self.table.selected_row_numbers(MAX_BULK)
        if rows is None:
            QMessageBox.information(
                self,
                self.tr("Too many leads selected"),
                self.tr(
                    "A bulk change takes at most {limit} leads at a time. Narrow the list with "
                    "the filters first."
                ).format(limit=_thousands(MAX_BULK)),
            )
            return None
        leads = [self.model.lead_at(row) for row in rows]
        return [lead for lead in leads if lead is not None]

    def _open_bulk_dialog(self, field: str) -> None:
        if not can(self._actor, "lead.edit"):
            return
        leads = self.selected_leads()
        if not leads:
            return
        dialog = BulkEditDialog(self._store, self._actor, field, len(leads), self)
        self.bulk_dialog = dialog
        dialog.accepted.connect(lambda: self.bulk_update({field: dialog.value()}, leads))
        dialog.finished.connect(self._bulk_dialog_closed)
        dialog.open()

    @Slot()
    def _bulk_dialog_closed(self) -> None:
        if self.bulk_dialog is not None:
            self.bulk_dialog.deleteLater()
            self.bulk_dialog = None

    @Slot()
    def ask_handler_unit(self) -> None:
        self._open_bulk_dialog("handler_unit")

    @Slot()
    def ask_status(self) -> None:
        self._open_bulk_dialog("status")

    @Slot()
    def ask_disposition(self) -> None:
        self._open_bulk_dialog("disposition")

    def bulk_update(self, changes: dict[str, Any], leads: list[LeadRow] | None = None) -> bool:
        """Apply the same changes to the selected leads (or `leads`): all of them or none."""
        if not can(self._actor, "lead.edit"):
            return False
        if leads is None:
            leads = self.selected_leads()
        if not leads:
            return False
        edits = [LeadEdit(key=r.id, changes=changes, expected_version=r.version) for r in leads]
        try:
            rows = update_leads(self._store, self._actor, edits, today=self._today)
        except ValidationError as exc:
            show_problems(self, exc)
            return False
        except WorkstationError as exc:
            QMessageBox.warning(self, self.tr("No lead was changed"), exc.message)
            return False
        by_id = {row.id: row for row in rows}
        made = [lead_change(old, by_id[old.id], changes) for old in leads]
        versions = {row.id: row.version for row in rows}
        self._push(made, versions, describe_bulk(changes, len(rows)))
        self.reload()
        self.status_message.emit(
            self.tr("{count} leads changed.").format(count=_thousands(len(rows)))
        )
        return True

    # --- undo ---------------------------------------------------------------------------------

    def _push(self, changes: list[LeadChange], versions: dict[int, int], text: str) -> None:
        command = LeadEditCommand(
            self._store,
            self._actor,
            changes,
            versions,
            text,
            book=self._versions,
            on_applied=self._undone_or_redone,
            on_failed=self._undo_failed,
        )
        if not command.isObsolete():
            self.undo_stack.push(command)

    def _undone_or_redone(self, _ids: list[int]) -> None:
        # Called inside the stack's undo(): reload once it has finished moving its index.
        QTimer.singleShot(0, self, self.reload)

    def _undo_failed(self, message: str) -> None:
        title = self.tr("Cannot undo or redo")
        QTimer.singleShot(0, self, lambda: QMessageBox.warning(self, title, message))
        QTimer.singleShot(0, self, self.reload)

    # --- copy, quick entry, export ------------------------------------------------------------

    @Slot()
    def copy_refs(self) -> None:
        leads = self.selected_leads()
        if leads:
            QApplication.clipboard().setText("\n".join(lead.ref for lead in leads))

    @Slot()
    def open_quick_entry(self) -> None:
        """Ctrl+N: the quick-entry dialog for phone leads (one at a time, kept open)."""
        if not can(self._actor, "lead.create"):
            return
        if self.quick_entry is None:
            dialog = QuickEntryDialog(self._store, self._actor, self, today=self._today)
            dialog.created.connect(self._lead_created)
            dialog.finished.connect(self._quick_entry_closed)
            self.quick_entry = dialog
        self.quick_entry.show()
        self.quick_entry.raise_()
        self.quick_entry.activateWindow()

    @Slot()
    def _quick_entry_closed(self) -> None:
        if self.quick_entry is not None:
            self.quick_entry.deleteLater()
            self.quick_entry = None

    @Slot(object)
    def _lead_created(self, row: object) -> None:
        self.reload()
        if isinstance(row, LeadRow):
            self.status_message.emit(self.tr("Lead {ref} saved.").format(ref=row.ref))

    @Slot()
    def ask_export(self) -> None:
        self.exporter.ask(self.model.query, self.model.rowCount())

    @Slot()
    def ask_export_unmasked(self) -> None:
        self.exporter.ask(self.model.query, self.model.rowCount(), unmask=True)

    def export_to(self, path: Any, *, unmask: bool = False) -> BackgroundJob | None:
        """Write the leads the table lists, in its order, to `path` (no dialog)."""
        return self.exporter.export(self.model.query, self.model.rowCount(), path, unmask=unmask)

    # --- errors -------------------------------------------------------------------------------

    @Slot(str)
    def _report_load_failure(self, message: str) -> None:
        self.status_message.emit(message)
        if not self._error_shown:
            self._error_shown = True
            # Queued: the failure is reported from inside painting or a model reset.
            title = self.tr("Cannot read the store")
            QTimer.singleShot(0, self, lambda: QMessageBox.warning(self, title, message))

    # --- sorting and state --------------------------------------------------------------------

    @Slot(int, Qt.SortOrder)
    def _keep_sortable_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        # A column the store cannot sort by must not pretend to be the sort column.
        if not self.model.is_sortable(column):
            self.table.horizontalHeader().setSortIndicator(
                self.model.sort_column(), self.model.sort_order()
            )

    def _saved_order(self) -> LeadQuery:
        raw = str(self._settings.value(ORDER_KEY) or "")
        key, _, direction = raw.partition(":")
        if key not in SORT_KEYS:
            return LeadQuery()
        return LeadQuery(order_by=key, descending=direction != "asc")

    def restore_state(self) -> None:
        """Column widths, order and sort, and the splitter, as the user left them."""
        header = self.table.horizontalHeader()
        columns = self._settings.value(COLUMNS_KEY)
        if isinstance(columns, QByteArray) and not columns.isEmpty():
            header.restoreState(columns)
        splitter = self._settings.value(SPLITTER_KEY)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        # The model's order (saved separately) wins over the indicator the header saved.
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        self.table.setSortingEnabled(True)

    def save_state(self) -> None:
        self.filter_bar.save()
        query = self.model.query
        direction = "desc" if query.descending else "asc"
        self._settings.setValue(ORDER_KEY, f"{query.order_by}:{direction}")
        self._settings.setValue(COLUMNS_KEY, self.table.horizontalHeader().saveState())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
